"""Envelope decoding, error classes, retries, deadlines and multipart bodies."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from baijiayun_async import (
    AccountError,
    APIError,
    BaijiayunClient,
    BaijiayunError,
    ConnectError,
    EndpointNotFoundError,
    FileUpload,
    HTTPStatusError,
    InvalidArgumentError,
    MalformedResponseError,
    OutcomeUnknownError,
    ParameterError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    RoomDeletedError,
    RoomNotFoundError,
    SignatureError,
    Timeout,
    TransportError,
    UploadFailedError,
    sign,
)

from .support import PARTNER_ID, PARTNER_KEY, envelope, sent_form

UNSAFE = ["room/create", "doc/uploadDoc", "doc/bindDoc", "partner/createkey"]


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the back-off delays instead of sleeping them."""
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("baijiayun_async._transport._sleep", fake_sleep)
    return delays


async def test_success_returns_data(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(json=envelope({"room_id": 1}))
    assert await client.request("room/info", {"room_id": 1}) == {"room_id": 1}


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (1, APIError),
        (404, EndpointNotFoundError),
        (1001, ParameterError),
        (1002, SignatureError),
        (2001, AccountError),
        (2002, PermissionDeniedError),
        (2003, AccountError),
        (3001, RoomNotFoundError),
        (3002, RoomDeletedError),
        (4001, UploadFailedError),
        (9999, APIError),
    ],
)
async def test_api_error_codes_map_to_classes(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    code: int,
    error_class: type[APIError],
) -> None:
    route = mock_api.post("room/info").respond(json=envelope(code=code, msg="原因"))

    with pytest.raises(error_class) as caught:
        await client.request("room/info", {"room_id": 1})

    assert type(caught.value) is error_class
    assert (caught.value.code, caught.value.msg, caught.value.path) == (
        code,
        "原因",
        "room/info",
    )
    assert route.call_count == 1, "API errors are answers, never retried"


def test_room_deleted_is_a_room_not_found() -> None:
    assert issubclass(RoomDeletedError, RoomNotFoundError)


async def test_api_error_is_decided_by_code_not_status(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(400, json=envelope(code=1001, msg="bad"))
    with pytest.raises(ParameterError):
        await client.request("room/info", {"room_id": 1})


async def test_string_code_is_accepted(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(json={"code": "3001", "msg": "no", "data": None})
    with pytest.raises(RoomNotFoundError):
        await client.request("room/info", {"room_id": 1})


@pytest.mark.parametrize(
    "body",
    [b"<html>502 Bad Gateway</html>", b"[1, 2]", b'{"msg": "no code"}', b"", b"nul"],
)
async def test_non_envelope_body_is_malformed(
    mock_api: respx.MockRouter, client: BaijiayunClient, body: bytes
) -> None:
    mock_api.post("room/info").respond(200, content=body)
    with pytest.raises(MalformedResponseError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert caught.value.path == "room/info"
    assert caught.value.body_excerpt == body.decode()


async def test_long_body_excerpt_is_cut(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(200, content=b"x" * 5000)
    with pytest.raises(MalformedResponseError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert len(caught.value.body_excerpt) < 250
    assert "5000 chars" in caught.value.body_excerpt


async def test_http_error_keeps_status_and_excerpt(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(403, content=b"forbidden by WAF")
    with pytest.raises(HTTPStatusError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert (caught.value.status_code, caught.value.body_excerpt) == (
        403,
        "forbidden by WAF",
    )


async def test_retries_5xx_on_safe_calls(
    mock_api: respx.MockRouter, client: BaijiayunClient, no_backoff: list[float]
) -> None:
    route = mock_api.post("room/info").mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(503),
            httpx.Response(200, json=envelope({"ok": 1})),
        ]
    )
    assert await client.request("room/info", {"room_id": 1}) == {"ok": 1}
    assert route.call_count == 3
    assert len(no_backoff) == 2
    assert all(0 <= delay <= 8 for delay in no_backoff)


async def test_gives_up_after_max_retries(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").respond(500)
    with pytest.raises(HTTPStatusError):
        await client.request("room/info", {"room_id": 1})
    assert route.call_count == 3


async def test_max_retries_zero_means_one_attempt(mock_api: respx.MockRouter) -> None:
    route = mock_api.post("room/info").respond(500)
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", max_retries=0
    ) as bjy:
        with pytest.raises(HTTPStatusError):
            await bjy.request("room/info", {"room_id": 1})
    assert route.call_count == 1


async def test_retry_after_is_honoured_up_to_a_bound(
    mock_api: respx.MockRouter, client: BaijiayunClient, no_backoff: list[float]
) -> None:
    mock_api.post("room/info").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(503, headers={"Retry-After": "3600"}),
            httpx.Response(200, json=envelope({})),
        ]
    )
    await client.request("room/info", {"room_id": 1})
    assert no_backoff == [3.0, 30.0]


async def test_rate_limited_after_retries(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitedError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert caught.value.retry_after == 1.0


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
        httpx.ReadError("x"),
    ],
)
async def test_failures_after_sending_are_retried_on_safe_calls(
    mock_api: respx.MockRouter, client: BaijiayunClient, failure: Exception
) -> None:
    route = mock_api.post("live/getLiveStatus").mock(
        side_effect=[failure, httpx.Response(200, json=envelope({"status": 1}))]
    )
    assert await client.request("live/getLiveStatus", {"room_id": 1}) == {"status": 1}
    assert route.call_count == 2


@pytest.mark.parametrize("path", UNSAFE)
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
        httpx.WriteError("broken pipe"),
        httpx.Response(500),
        httpx.Response(503),
    ],
)
async def test_unsafe_calls_are_never_replayed_once_sent(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    path: str,
    failure: Exception | httpx.Response,
) -> None:
    route = mock_api.post(path).mock(
        side_effect=[failure, httpx.Response(200, json=envelope({}))]
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.request(path, {"title": "t"})
    assert route.call_count == 1
    assert caught.value.path == path
    assert "outcome unknown" in str(caught.value)
    assert isinstance(caught.value.__cause__, (TransportError, HTTPStatusError))


@pytest.mark.parametrize("path", UNSAFE)
async def test_unsafe_calls_are_not_retried_on_429(
    mock_api: respx.MockRouter, client: BaijiayunClient, path: str
) -> None:
    route = mock_api.post(path).respond(429)
    with pytest.raises(RateLimitedError):
        await client.request(path, {"title": "t"})
    assert route.call_count == 1


@pytest.mark.parametrize("path", [*UNSAFE, "room/info"])
@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("syn lost")]
)
async def test_failures_before_connecting_are_retried_everywhere(
    mock_api: respx.MockRouter, client: BaijiayunClient, path: str, failure: Exception
) -> None:
    route = mock_api.post(path).mock(
        side_effect=[failure, httpx.Response(200, json=envelope({"ok": 1}))]
    )
    assert await client.request(path, {"title": "t"}) == {"ok": 1}
    assert route.call_count == 2


async def test_connect_failure_after_retries(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/create").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ConnectError) as caught:
        await client.request("room/create", {"title": "t"})
    assert not caught.value.request_sent


async def test_pool_timeout_is_retried_everywhere(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/create").mock(
        side_effect=[httpx.PoolTimeout("busy"), httpx.Response(200, json=envelope({}))]
    )
    await client.request("room/create", {"title": "t"})
    assert route.call_count == 2


async def test_read_timeout_after_retries_is_a_timeout_error(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RequestTimeoutError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert caught.value.request_sent
    assert isinstance(caught.value, TransportError)


async def _hang(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(30)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("path", "error_class"),
    [("room/info", RequestTimeoutError), ("room/create", OutcomeUnknownError)],
)
async def test_total_deadline_bounds_the_call(
    mock_api: respx.MockRouter, path: str, error_class: type[BaijiayunError]
) -> None:
    mock_api.post(path).mock(side_effect=_hang)
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", timeout=Timeout(total=0.05)
    ) as bjy:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(error_class, match=r"deadline of 0\.05s"):
            await bjy.request(path, {"title": "t"})
        assert loop.time() - started < 1


async def test_files_are_multipart_and_not_signed(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("doc/uploadDoc").respond(json=envelope({"fid": 1}))

    await client.request(
        "doc/uploadDoc",
        {"room_id": 7},
        files={"attachment": FileUpload(b"%PDF-1.4 body", filename="讲义.pdf")},
    )

    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    body = request.content
    assert b"%PDF-1.4 body" in body
    assert 'filename="讲义.pdf"'.encode() in body
    fields = {"room_id": "7"}
    for name in ("partner_id", "timestamp", "sign"):
        marker = f'name="{name}"\r\n\r\n'.encode()
        start = body.index(marker) + len(marker)
        fields[name] = body[start : body.index(b"\r\n", start)].decode()
    assert fields["sign"] == sign(
        {k: v for k, v in fields.items() if k != "sign"}, PARTNER_KEY
    )


async def test_invalid_argument_is_a_value_error() -> None:
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(InvalidArgumentError, BaijiayunError)


async def test_form_body_is_exactly_the_signed_set(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").respond(json=envelope({}))
    await client.request("room/info", {"room_id": 1, "skip": None, "flag": False})
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert set(sent_form(request)) == {
        "room_id",
        "flag",
        "partner_id",
        "timestamp",
        "sign",
    }


async def test_http_429_outranks_the_envelope_code(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").mock(
        side_effect=[
            httpx.Response(429, json=envelope(code=429, msg="too many requests")),
            httpx.Response(200, json=envelope({"ok": 1})),
        ]
    )
    assert await client.request("room/info", {"room_id": 1}) == {"ok": 1}
    assert route.call_count == 2
