"""Hostile inputs and answers: each is refused or typed, and nothing leaks."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterator

import httpx
import pytest
import respx

from baijiayun_async import (
    APIError,
    BaijiayunClient,
    FileUpload,
    HTTPStatusError,
    InvalidArgumentError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimit,
    RequestTimeoutError,
    Timeout,
    TransportError,
    sign,
    verify_callback,
)

from .support import BASE, PARTNER_ID, PARTNER_KEY, envelope, sent_form


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("baijiayun_async._transport._sleep", no_sleep)


def chain(error: BaseException) -> Iterator[BaseException]:
    """Every exception reachable from ``error`` through causes and contexts."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__]
    return iter(seen)


async def test_redirects_are_never_followed_even_by_a_shared_pool() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(BASE + "partner/createkey").respond(
            307, headers={"Location": "https://attacker.invalid/steal"}
        )
        stolen = router.post("https://attacker.invalid/steal").respond(
            json=envelope({"partner_key": "attacker"})
        )
        async with httpx.AsyncClient(follow_redirects=True) as shared:
            bjy = BaijiayunClient(
                PARTNER_ID, PARTNER_KEY, "demo123", http_client=shared
            )
            with pytest.raises(OutcomeUnknownError) as caught:
                await bjy.partner.create_key("s3cret")
    assert not stolen.called
    assert isinstance(caught.value.__cause__, HTTPStatusError)


async def test_transport_errors_do_not_carry_the_signed_request(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("partner/createkey").mock(side_effect=httpx.ReadError("reset"))
    mock_api.post("room/info").mock(side_effect=httpx.ConnectError("refused"))
    for path, params in [
        ("partner/createkey", {"secret_key": "s3cret"}),
        ("room/info", {"room_id": 1}),
    ]:
        with pytest.raises((OutcomeUnknownError, TransportError)) as caught:
            await client.request(path, params)
        for linked in chain(caught.value):
            assert not isinstance(linked, httpx.HTTPError), "holds the request"
            assert "s3cret" not in repr(linked)


async def test_an_unexpected_failure_inside_httpx_is_typed(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/info").mock(side_effect=RuntimeError("h11 said no"))
    mock_api.post("room/create").mock(side_effect=RuntimeError("h11 said no"))
    with pytest.raises(TransportError, match="RuntimeError: h11 said no"):
        await client.request("room/info", {"room_id": 1})
    with pytest.raises(OutcomeUnknownError):
        await client.request("room/create", {"title": "t"})


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"code": "' + b"9" * 5000 + b'", "msg": "", "data": null}',
        '{"code": "²", "msg": "", "data": null}'.encode(),
        '{"code": "\u0660", "msg": "", "data": {"a": 1}}'.encode(),
        b'{"code": true, "msg": "", "data": null}',
        b'{"code": 0.0, "msg": "", "data": null}',
    ],
    ids=["deep", "huge-code", "superscript", "arabic-zero", "bool", "float"],
)
async def test_hostile_envelopes_are_malformed(
    mock_api: respx.MockRouter, client: BaijiayunClient, body: bytes
) -> None:
    mock_api.post("room/info").respond(200, content=body)
    with pytest.raises(MalformedResponseError):
        await client.request("room/info", {"room_id": 1})


@pytest.mark.parametrize(
    "value", ["1 Jan 2030 00:00:00 +99999999999999999999", "nan", "-5", "soon"]
)
async def test_hostile_retry_after_is_survived(
    mock_api: respx.MockRouter, client: BaijiayunClient, value: str
) -> None:
    mock_api.post("room/info").mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": value}),
            httpx.Response(200, json=envelope({"ok": 1})),
        ]
    )
    assert await client.request("room/info", {"room_id": 1}) == {"ok": 1}


async def test_api_msg_is_kept_raw_but_shown_short_and_inert(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    msg = "bad\nerror: forged line\x1b[2J" + "x" * 5_000_000
    mock_api.post("room/info").respond(json=envelope(code=1001, msg=msg))
    with pytest.raises(APIError) as caught:
        await client.request("room/info", {"room_id": 1})
    assert caught.value.msg == msg
    shown = str(caught.value)
    assert len(shown) < 300
    assert "\n" not in shown
    assert "\x1b" not in shown


async def test_deadline_spent_is_not_retried(
    mock_api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[httpx.Request] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        await asyncio.sleep(1)
        return httpx.Response(200, json=envelope({}))

    mock_api.post("room/info").mock(side_effect=slow)
    caplog.set_level(logging.WARNING, logger="baijiayun_async")
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", timeout=Timeout(total=0.05)
    ) as bjy:
        with pytest.raises(RequestTimeoutError, match="deadline"):
            await bjy.request("room/info", {"room_id": 1})
    assert len(attempts) == 1
    assert not caplog.records, "no retry is announced once the deadline is spent"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda bjy: bjy.rooms.create(
                title="t",
                start_time=2_000_000_000,
                end_time=2_000_003_600,
                max_users=6,
                has_foreign_user="false",
                check_schedule=False,
            ),
            "has_foreign_user must be True or False",
        ),
        (lambda bjy: bjy.partner.create_key("s", regenerate="false"), "regenerate"),
        (lambda bjy: bjy.partner.create_key(None), "secret_key must be a non-empty"),
        (lambda bjy: anext(bjy.reports.attendance(1, detail="false")), "detail"),
        (lambda bjy: bjy.docs.upload(b"x", filename="a.pdf", ppt_animation=1), "ppt"),
        (lambda bjy: bjy.codes.get(""), "code must be a non-empty string"),
        (lambda bjy: bjy.codes.get(123), "code must be a non-empty string"),
        (lambda bjy: bjy.codes.create(1, 2, user_avatar=5), "user_avatar"),
        (lambda bjy: anext(bjy.rooms.list(product_type="x")), "product_type"),
        (lambda bjy: bjy.rooms.get(1, extra_params=[("x", 1)]), "extra_params must"),
        (lambda bjy: bjy.request("room/info", [("x", 1)]), "params must be a mapping"),
        (lambda bjy: bjy.request("room/info", {"room_id": 2**70}), "fit in 64 bits"),
        (lambda bjy: bjy.request("room/info", {"title": "a\x00b"}), "NUL"),
        (
            lambda bjy: bjy.request(
                "doc/uploadDoc", files={"attachment": FileUpload(b"x", size=1.5)}
            ),
            "size must be an integer",
        ),
        (
            lambda bjy: bjy.request(
                "doc/uploadDoc",
                files={"attachment": FileUpload(b"x", content_type="a/b\r\nX-Evil: 1")},
            ),
            "content_type must be text without control",
        ),
    ],
)
async def test_hostile_arguments_are_refused_before_sending(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    call: object,
    message: str,
) -> None:
    route = mock_api.route().respond(json=envelope({}))
    with pytest.raises(InvalidArgumentError, match=message):
        await call(client)  # type: ignore[operator]
    assert not route.called


def test_unencodable_partner_key_is_refused_without_showing_it() -> None:
    key = "MY_REAL_KEY_0123\ud800"
    with pytest.raises(InvalidArgumentError) as caught:
        BaijiayunClient(PARTNER_ID, key, "demo123")
    assert "MY_REAL_KEY" not in repr(caught.value) + str(caught.value)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_limits_are_refused(value: float) -> None:
    with pytest.raises(InvalidArgumentError):
        Timeout(total=value)
    with pytest.raises(InvalidArgumentError):
        RateLimit(5, value)


@pytest.mark.parametrize("partner_id", ["²", "\uff11\uff12\uff13"])
def test_from_env_wants_ascii_digits(
    monkeypatch: pytest.MonkeyPatch, partner_id: str
) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", partner_id)
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "k")
    with pytest.raises(InvalidArgumentError, match="BAIJIAYUN_PARTNER_ID"):
        BaijiayunClient.from_env(private_domain="demo123")


def test_an_address_in_code_replaces_the_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", "1")
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "k")
    monkeypatch.setenv("BAIJIAYUN_PRIVATE_DOMAIN", "school")
    bjy = BaijiayunClient.from_env(base_url="http://127.0.0.1:8800/")
    assert bjy.base_url == "http://127.0.0.1:8800/"


def test_callback_with_a_repeated_key_is_refused() -> None:
    class MultiDict:
        """What aiohttp's ``request.post()`` gives: one key, several values."""

        def __init__(self, pairs: list[tuple[str, str]]) -> None:
            self.pairs = pairs

        def items(self) -> list[tuple[str, str]]:
            return self.pairs

    genuine = {"room_id": "1", "op": "start", "timestamp": str(int(time.time()))}
    genuine["sign"] = sign(genuine, "k")
    forged = MultiDict([("room_id", "666"), *genuine.items()])
    assert verify_callback(genuine, "k")
    assert not verify_callback(forged, "k")  # type: ignore[arg-type]


async def test_ints_up_to_64_bits_are_sent_as_they_are(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").respond(json=envelope({}))
    await client.request("room/info", {"room_id": 2**63, "n": -(2**63)})
    assert sent_form(route.calls.last.request)["room_id"] == str(2**63)


async def test_an_answer_too_large_to_hold_is_refused(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("baijiayun_async._transport.MAX_ANSWER_BYTES", 1000)
    mock_api.post("room/info").respond(json=envelope({"title": "x" * 2000}))
    mock_api.post("room/create").respond(json=envelope({"title": "x" * 2000}))
    with pytest.raises(MalformedResponseError, match="answer larger than"):
        await client.request("room/info", {"room_id": 1})
    with pytest.raises(OutcomeUnknownError):
        await client.request("room/create", {"title": "t"})
