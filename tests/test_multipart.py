"""Multipart bodies: exact bytes and headers, every source kind, rewinds, progress."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import respx

from baijiayun_async import (
    BaijiayunClient,
    FileUpload,
    HTTPStatusError,
    InvalidArgumentError,
    OutcomeUnknownError,
    sign,
)
from baijiayun_async._multipart import CHUNK_SIZE

from .support import PARTNER_ID, PARTNER_KEY, envelope

CONTENT = b"%PDF-1.4\n" + bytes(range(256)) * 9000  # spans several chunks


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("baijiayun_async._transport._sleep", no_sleep)


def parse_multipart(request: httpx.Request) -> tuple[dict[str, str], list[bytes]]:
    """Split a multipart body into its text fields and raw file-part sections."""
    boundary = re.search(r"boundary=(\w+)", request.headers["content-type"])
    assert boundary is not None
    delimiter = b"--" + boundary.group(1).encode()
    body = request.content
    assert body.endswith(delimiter + b"--\r\n")
    fields: dict[str, str] = {}
    files: list[bytes] = []
    for section in body.split(delimiter)[1:-1]:
        head, _, value = section[2:-2].partition(b"\r\n\r\n")
        if b"filename=" in head:
            files.append(section[2:-2])
        else:
            name = re.search(rb'name="(\w+)"', head)
            assert name is not None
            fields[name.group(1).decode()] = value.decode()
    return fields, files


async def upload(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    source: object,
    **options: object,
) -> httpx.Request:
    route = mock_api.post("doc/uploadDoc").respond(json=envelope({"fid": 1}))
    await client.request(
        "doc/uploadDoc",
        {"room_id": 7},
        files={"attachment": FileUpload(source, **options)},  # type: ignore[arg-type]
    )
    return route.calls.last.request


async def test_body_bytes_and_headers(
    mock_api: respx.MockRouter, client: BaijiayunClient, tmp_path: Path
) -> None:
    path = tmp_path / "第1课 讲义.pdf"
    path.write_bytes(CONTENT)

    request = await upload(mock_api, client, path)

    assert int(request.headers["content-length"]) == len(request.content)
    assert "transfer-encoding" not in request.headers
    fields, files = parse_multipart(request)
    assert fields["room_id"] == "7"
    assert fields["sign"] == sign(
        {k: v for k, v in fields.items() if k != "sign"}, PARTNER_KEY
    )
    assert set(fields) == {"room_id", "partner_id", "timestamp", "sign"}
    (part,) = files
    assert (
        part
        == (
            'Content-Disposition: form-data; name="attachment"; '
            'filename="第1课 讲义.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + CONTENT
    )


@pytest.mark.parametrize(
    ("filename", "on_wire"),
    [
        ('say "hi".pdf', "say %22hi%22.pdf"),
        ("line\r\nbreak.pdf", "line%0D%0Abreak.pdf"),
        ("tab\there.pdf", "tab%09here.pdf"),
        ("back\\slash.pdf", "back\\slash.pdf"),
    ],
)
async def test_filename_is_escaped_like_a_browser(
    mock_api: respx.MockRouter, client: BaijiayunClient, filename: str, on_wire: str
) -> None:
    request = await upload(mock_api, client, b"x", filename=filename)
    assert f'filename="{on_wire}"'.encode() in request.content
    assert b"filename*=" not in request.content


class OneWayReader(io.RawIOBase):
    """A binary stream that cannot seek, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.name = "pipe.pdf"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


async def chunks_of(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 1000):
        yield data[start : start + 1000]


@pytest.mark.parametrize(
    ("make_source", "options", "has_length"),
    [
        (lambda p: p, {}, True),
        (str, {}, True),
        (lambda p: CONTENT, {"filename": "a.pdf"}, True),
        (lambda p: p.open("rb"), {}, True),
        (lambda p: io.BytesIO(CONTENT), {"filename": "a.pdf"}, True),
        (lambda p: OneWayReader(CONTENT), {}, False),
        (lambda p: chunks_of(CONTENT), {"filename": "a.pdf"}, False),
        (
            lambda p: chunks_of(CONTENT),
            {"filename": "a.pdf", "size": len(CONTENT)},
            True,
        ),
    ],
    ids=[
        "path",
        "str",
        "bytes",
        "file",
        "bytesio",
        "unseekable",
        "aiter",
        "aiter-sized",
    ],
)
async def test_every_source_kind(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    tmp_path: Path,
    make_source: object,
    options: dict[str, object],
    has_length: bool,
) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(CONTENT)
    source = make_source(path)  # type: ignore[operator]

    request = await upload(mock_api, client, source, **options)

    _, (part,) = parse_multipart(request)
    assert part.endswith(b"\r\n\r\n" + CONTENT)
    assert b'filename="a.pdf"' in part or b'filename="pipe.pdf"' in part
    if has_length:
        assert int(request.headers["content-length"]) == len(request.content)
    else:
        assert request.headers["transfer-encoding"] == "chunked"
    if hasattr(source, "close"):
        source.close()


async def test_file_object_is_sent_from_its_current_position(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    handle = io.BytesIO(b"HEADER" + CONTENT)
    handle.seek(6)
    request = await upload(mock_api, client, handle, filename="a.pdf")
    _, (part,) = parse_multipart(request)
    assert part.endswith(b"\r\n\r\n" + CONTENT)
    assert int(request.headers["content-length"]) == len(request.content)


async def test_progress_reports_every_byte(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    seen: list[tuple[int, int | None]] = []
    await upload(
        mock_api,
        client,
        CONTENT * 3,
        filename="a.pdf",
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert seen[-1] == (len(CONTENT) * 3, len(CONTENT) * 3)
    assert len(seen) == -(-len(CONTENT) * 3 // CHUNK_SIZE)
    assert [sent for sent, _ in seen] == sorted(sent for sent, _ in seen)


async def test_progress_total_is_none_when_unknown(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    seen: list[tuple[int, int | None]] = []
    await upload(
        mock_api,
        client,
        chunks_of(CONTENT),
        filename="a.pdf",
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert seen[-1] == (len(CONTENT), None)


async def test_rewindable_source_is_resent_whole_on_retry(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/update").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=envelope())]
    )
    handle = io.BytesIO(CONTENT)
    await client.request(
        "room/update",
        {"room_id": 7},
        files={"background_attachment": FileUpload(handle, filename="bg.png")},
    )
    assert route.call_count == 2
    for call in route.calls:
        _, (part,) = parse_multipart(call.request)
        assert part.endswith(b"\r\n\r\n" + CONTENT)


async def test_unrewindable_source_is_not_retried(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/update").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=envelope())]
    )
    with pytest.raises(HTTPStatusError):
        await client.request(
            "room/update",
            {"room_id": 7},
            files={"background_attachment": FileUpload(chunks_of(CONTENT), "bg.png")},
        )
    assert route.call_count == 1


class RefusesFirstConnection(httpx.AsyncBaseTransport):
    """Fails the first request before reading its body, as a refused connect does."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.bodies:
            self.bodies.append(b"")
            raise httpx.ConnectError("refused", request=request)
        self.bodies.append(await request.aread())
        return httpx.Response(200, json=envelope({"fid": 1}))


async def test_upload_is_retried_when_the_connection_never_opened() -> None:
    transport = RefusesFirstConnection()
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", transport=transport
    ) as bjy:
        await bjy.request(
            "doc/uploadDoc",
            files={"attachment": FileUpload(chunks_of(CONTENT), "a.pdf")},
        )
    assert len(transport.bodies) == 2
    assert CONTENT in transport.bodies[1]


async def test_upload_failing_after_sending_is_outcome_unknown(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("doc/uploadDoc").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json=envelope())]
    )
    with pytest.raises(OutcomeUnknownError):
        await client.request("doc/uploadDoc", files={"attachment": CONTENT})
    assert route.call_count == 1


async def test_declared_size_must_match(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("doc/uploadDoc").respond(json=envelope())
    with pytest.raises(InvalidArgumentError, match="changed while being sent"):
        await client.request(
            "doc/uploadDoc",
            files={"attachment": FileUpload(chunks_of(CONTENT), "a.pdf", size=10)},
        )


async def test_unsupported_source_is_refused(client: BaijiayunClient) -> None:
    with pytest.raises(InvalidArgumentError, match="'attachment' must be a path"):
        await client.request("doc/uploadDoc", files={"attachment": 3.14})  # type: ignore[dict-item]


async def test_docs_upload_streams_with_size_and_progress(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("doc/uploadDoc").respond(
        json=envelope({"fid": 9, "name": "a.pdf"})
    )
    seen: list[tuple[int, int | None]] = []

    doc = await client.docs.upload(
        chunks_of(CONTENT),
        filename="第二课.pdf",
        size=len(CONTENT),
        progress=lambda sent, total: seen.append((sent, total)),
        room_id=7,
    )

    request = route.calls.last.request
    assert doc.fid == 9
    assert int(request.headers["content-length"]) == len(request.content)
    assert 'filename="第二课.pdf"'.encode() in request.content
    assert seen[-1] == (len(CONTENT), len(CONTENT))


async def test_missing_file_is_named_before_sending(
    mock_api: respx.MockRouter, client: BaijiayunClient, tmp_path: Path
) -> None:
    route = mock_api.post("doc/uploadDoc").respond(json=envelope({}))
    with pytest.raises(InvalidArgumentError, match="'attachment' cannot be read"):
        await client.request("doc/uploadDoc", files={"attachment": tmp_path / "no.pdf"})
    assert not route.called
