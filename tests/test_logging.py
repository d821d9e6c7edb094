"""Log lines: one per attempt, one per retry, and never a secret or a value."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from baijiayun_async import (
    BaijiayunClient,
    BaijiayunError,
    MalformedResponseError,
    OutcomeUnknownError,
)

from .support import PARTNER_KEY, envelope, sent_form

SECRET_KEY = "s3cr3t-rotation-key"
NEW_KEY = "brand-new-partner-key=="
VALUE = "学生的私人备注 private-note"


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("baijiayun_async._transport._sleep", no_sleep)


def assert_no_secret(text: str, signs: list[str]) -> None:
    for secret in [PARTNER_KEY, SECRET_KEY, NEW_KEY, VALUE, *signs]:
        assert secret not in text


async def test_no_secret_or_value_in_any_log_line_or_error(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="baijiayun_async")
    mock_api.post("room/info").respond(json=envelope({"title": VALUE}))
    mock_api.post("room/update").respond(json=envelope(code=1001, msg="bad title"))
    flaky = mock_api.post("room/list").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=envelope({}))]
    )
    key_route = mock_api.post("partner/createkey").mock(
        side_effect=[
            httpx.Response(200, json=envelope({"partner_key": NEW_KEY})),
            httpx.Response(500, json={"partner_key": NEW_KEY}),
        ]
    )
    errors: list[str] = []

    await client.request("room/info", {"room_id": 1, "title": VALUE})
    try:
        await client.request("room/update", {"room_id": 1, "title": VALUE})
    except BaijiayunError as exc:
        errors.append(str(exc) + repr(exc))
    await client.request("room/list", {"title": VALUE})
    assert await client.request("partner/createkey", {"secret_key": SECRET_KEY}) == {
        "partner_key": NEW_KEY
    }
    try:
        await client.request("partner/createkey", {"secret_key": SECRET_KEY})
    except BaijiayunError as exc:
        errors.append(str(exc) + repr(exc) + repr(exc.__cause__))

    routes = [key_route, flaky]
    signs = [sent_form(c.request)["sign"] for r in routes for c in r.calls]
    text = "\n".join(r.getMessage() for r in caplog.records) + "\n".join(errors)
    assert_no_secret(text + repr(client), signs)
    assert len(errors) == 2


async def test_one_debug_line_per_attempt_and_a_warning_per_retry(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="baijiayun_async")
    mock_api.post("room/info").mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectError("refused"),
            httpx.Response(200, json=envelope({})),
        ]
    )

    await client.request("room/info", {"room_id": 1})

    records = [r for r in caplog.records if r.name == "baijiayun_async"]
    debug = [r.getMessage() for r in records if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(debug) == 3
    assert debug[0].startswith("POST openapi/room/info status=503 code=- ")
    assert "attempt=1" in debug[0]
    assert debug[1].startswith("POST openapi/room/info status=- code=- ")
    assert debug[2].startswith("POST openapi/room/info status=200 code=0 ")
    assert "elapsed_ms=" in debug[2]
    assert "attempt=3" in debug[2]
    assert len(warnings) == 2
    assert warnings[0].startswith("retrying room/info in ")
    assert "after HTTP 503 (attempt 1 failed)" in warnings[0]
    assert "after ConnectError" in warnings[1]


async def test_api_code_is_logged(
    mock_api: respx.MockRouter,
    client: BaijiayunClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="baijiayun_async")
    mock_api.post("room/info").respond(json=envelope(code=3001, msg="no room"))
    with pytest.raises(BaijiayunError):
        await client.request("room/info", {"room_id": 1})
    assert "status=200 code=3001" in caplog.records[-1].getMessage()


async def test_createkey_body_never_enters_an_error(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("partner/createkey").respond(
        200, json={"partner_key": NEW_KEY, "oops": "no code"}
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.request("partner/createkey", {"secret_key": SECRET_KEY})
    cause = caught.value.__cause__
    assert isinstance(cause, MalformedResponseError)
    assert NEW_KEY not in str(caught.value) + str(cause)
    assert "not shown" in cause.body_excerpt
