"""Client construction, configuration checks and lifecycle."""

from __future__ import annotations

import httpx
import pytest
import respx

from baijiayun_async import BaijiayunClient, InvalidArgumentError, Timeout

from .support import BASE, PARTNER_ID, PARTNER_KEY, envelope


@pytest.mark.parametrize("label", ["demo123", "DEMO-1", "a", "x" * 63])
def test_private_domain_builds_the_account_host(label: str) -> None:
    bjy = BaijiayunClient(PARTNER_ID, PARTNER_KEY, label)
    assert bjy.base_url == f"https://{label.lower()}.at.baijiayun.com/"


@pytest.mark.parametrize(
    "label",
    [
        "evil.com/",
        "demo.evil",
        "demo@evil.com",
        "demo#",
        "demo:8080",
        "de mo",
        "-demo",
        "demo-",
        "",
        "x" * 64,
        "demo/",
        "démo",
    ],
)
def test_private_domain_that_could_redirect_traffic_is_refused(label: str) -> None:
    with pytest.raises(InvalidArgumentError, match="private_domain must be one DNS"):
        BaijiayunClient(PARTNER_ID, PARTNER_KEY, label)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("http://localhost:9/", "http://localhost:9/"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("https://sandbox.example.com/api/", "https://sandbox.example.com/api/"),
    ],
)
def test_base_url_is_used_verbatim(url: str, expected: str) -> None:
    assert BaijiayunClient(PARTNER_ID, PARTNER_KEY, base_url=url).base_url == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "http://10.0.0.1/",
        "ftp://127.0.0.1/",
        "https://user:pw@example.com/",
        "https://example.com/?x=1",
        "/relative",
    ],
)
def test_unsafe_base_url_is_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        BaijiayunClient(PARTNER_ID, PARTNER_KEY, base_url=url)


def test_domain_or_base_url_is_required() -> None:
    with pytest.raises(InvalidArgumentError, match="private_domain is required"):
        BaijiayunClient(PARTNER_ID, PARTNER_KEY)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partner_id": 0}, "partner_id must be an integer >= 1"),
        ({"partner_id": True}, "partner_id must be an integer >= 1"),
        ({"partner_key": ""}, "partner_key must be a non-empty string"),
        ({"max_retries": -1}, "max_retries must be an integer >= 0"),
        ({"max_connections": 0}, "max_connections must be an integer >= 1"),
        ({"timeout": 0}, "total must be a positive"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {
        "partner_id": PARTNER_ID,
        "partner_key": PARTNER_KEY,
        "private_domain": "demo123",
    }
    with pytest.raises(InvalidArgumentError, match=message):
        BaijiayunClient(**{**settings, **kwargs})  # type: ignore[arg-type]


def test_repr_and_str_hide_the_key() -> None:
    bjy = BaijiayunClient(PARTNER_ID, PARTNER_KEY, "demo123")
    for text in (repr(bjy), str(bjy)):
        assert PARTNER_KEY not in text
        assert "12345678" in text


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", "42")
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "secret")
    monkeypatch.setenv("BAIJIAYUN_PRIVATE_DOMAIN", "school")
    bjy = BaijiayunClient.from_env(max_retries=0)
    assert (bjy.partner_id, bjy.base_url) == (42, "https://school.at.baijiayun.com/")


def test_from_env_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAIJIAYUN_PARTNER_ID", raising=False)
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "secret")
    monkeypatch.setenv("BAIJIAYUN_PRIVATE_DOMAIN", "school")
    with pytest.raises(InvalidArgumentError, match="BAIJIAYUN_PARTNER_ID"):
        BaijiayunClient.from_env()


def test_from_env_refuses_a_non_numeric_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", "12x")
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "secret")
    with pytest.raises(InvalidArgumentError, match="BAIJIAYUN_PARTNER_ID"):
        BaijiayunClient.from_env(private_domain="school")


def test_timeout_number_is_the_call_deadline() -> None:
    assert Timeout.of(5) == Timeout(total=5, connect=5, read=5, write=5, pool=5)
    assert Timeout.of(120).read == Timeout().read


class CountingTransport(httpx.AsyncBaseTransport):
    """Answers every call and records whether it was closed."""

    def __init__(self) -> None:
        self.closed = False
        self.timeouts: list[dict[str, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append(request.extensions["timeout"])
        return httpx.Response(200, json=envelope({"ok": 1}))

    async def aclose(self) -> None:
        self.closed = True


async def test_owned_pool_is_closed() -> None:
    transport = CountingTransport()
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", transport=transport
    ) as bjy:
        await bjy.request("room/info", {"room_id": 1})
        assert not transport.closed
    assert transport.closed


async def test_injected_pool_is_left_open(mock_api: respx.MockRouter) -> None:
    mock_api.post("room/info").respond(json=envelope({"ok": 1}))
    async with httpx.AsyncClient() as pool:
        async with BaijiayunClient(
            PARTNER_ID, PARTNER_KEY, "demo123", http_client=pool
        ) as bjy:
            assert await bjy.request("room/info", {"room_id": 1}) == {"ok": 1}
        assert not pool.is_closed


async def test_timeouts_reach_the_pool() -> None:
    transport = CountingTransport()
    timeout = Timeout(total=9, connect=1, read=2, write=3, pool=4)
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", timeout=timeout, transport=transport
    ) as bjy:
        await bjy.request("room/info", {"room_id": 1})
    assert transport.timeouts == [{"connect": 1, "read": 2, "write": 3, "pool": 4}]


async def test_user_agent_names_the_sdk(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").respond(json=envelope({}))
    await client.request("room/info", {"room_id": 1})
    assert route.calls.last.request.headers["user-agent"].startswith("baijiayun-async/")


async def test_request_goes_under_openapi(mock_api: respx.MockRouter) -> None:
    route = mock_api.post("room_data/exportChatMsg").respond(json=envelope([]))
    async with BaijiayunClient(PARTNER_ID, PARTNER_KEY, "demo123") as bjy:
        await bjy.request("room_data/exportChatMsg", {"room_id": 1})
    assert str(route.calls.last.request.url) == BASE + "room_data/exportChatMsg"


@pytest.mark.parametrize(
    "path", ["/room/info", "../x", "room/info?x=1", "https://evil/", "room//info", ""]
)
async def test_path_must_stay_under_openapi(path: str) -> None:
    async with BaijiayunClient(PARTNER_ID, PARTNER_KEY, "demo123") as bjy:
        with pytest.raises(InvalidArgumentError, match="relative to openapi/"):
            await bjy.request(path)
