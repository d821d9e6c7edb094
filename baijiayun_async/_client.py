"""The client: configuration, lifecycle, and the namespaces of endpoints."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._callbacks import check_partner_key, verify_callback
from ._config import RateLimit, Timeout, resolve_base_url
from ._errors import InvalidArgumentError
from ._namespaces import Codes, Docs, Live, Partner, Reports, Rooms
from ._transport import Files, Transport

__all__ = ["BaijiayunClient"]

_ENVIRONMENT = {
    "partner_id": "BAIJIAYUN_PARTNER_ID",
    "partner_key": "BAIJIAYUN_PARTNER_KEY",
    "private_domain": "BAIJIAYUN_PRIVATE_DOMAIN",
    "base_url": "BAIJIAYUN_BASE_URL",
}


class BaijiayunClient:
    """An asyncio client for one Baijiayun account.

    It signs every call with ``partner_key`` and sends it over an httpx connection
    pool opened on first use (one per event loop, so a client made at module level
    also serves successive ``asyncio.run()`` calls). Use it as ``async with
    BaijiayunClient(...) as bjy:`` or call :meth:`aclose` when done; a pool passed
    in as ``http_client`` is left for its owner to close.

    ``timeout`` is a :class:`Timeout` or the per-call deadline in seconds;
    ``max_connections`` bounds the pool, and callers beyond it wait in a fair
    queue; ``max_retries`` bounds retries of failures that are safe to retry;
    ``rate_limit`` keeps every task using this client within the service's
    request limit (``None`` turns it off); ``transport`` is the httpx transport
    under the client's own pool (a mock, or the in-process fake server).
    """

    def __init__(
        self,
        partner_id: int,
        partner_key: str,
        private_domain: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | float = Timeout(),  # noqa: B008 -- frozen, so sharing is safe
        max_connections: int = 20,
        max_retries: int = 2,
        rate_limit: RateLimit | None = RateLimit(),  # noqa: B008 -- frozen
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        _check_positive_int("partner_id", partner_id, minimum=1)
        check_partner_key(partner_key)
        _check_positive_int("max_connections", max_connections, minimum=1)
        _check_positive_int("max_retries", max_retries, minimum=0)
        if http_client is not None and transport is not None:
            raise InvalidArgumentError("pass either http_client or transport, not both")

        self.partner_id = partner_id
        self._partner_key = partner_key
        self.base_url = resolve_base_url(private_domain, base_url)
        self._transport = Transport(
            partner_id=partner_id,
            partner_key=partner_key,
            base_url=self.base_url,
            timeout=Timeout.of(timeout),
            max_retries=max_retries,
            max_connections=max_connections,
            rate_limit=rate_limit,
            http_client=http_client,
            transport=transport,
        )

    @classmethod
    def from_env(cls, **overrides: Any) -> BaijiayunClient:
        """Build a client from ``BAIJIAYUN_*`` environment variables.

        ``BAIJIAYUN_PARTNER_ID`` and ``BAIJIAYUN_PARTNER_KEY`` are required, with
        ``BAIJIAYUN_PRIVATE_DOMAIN`` or ``BAIJIAYUN_BASE_URL``; keyword arguments
        override the environment and pass through to the constructor.
        """
        settings: dict[str, Any] = {
            name: os.environ[variable]
            for name, variable in _ENVIRONMENT.items()
            if os.environ.get(variable)
        }
        if {"private_domain", "base_url"} & overrides.keys():
            # An address given in code replaces the environment's, of either kind.
            settings.pop("private_domain", None)
            settings.pop("base_url", None)
        settings.update(overrides)
        for name in ("partner_id", "partner_key"):
            if name not in settings:
                raise InvalidArgumentError(f"{_ENVIRONMENT[name]} is not set")
        partner_id = settings["partner_id"]
        if isinstance(partner_id, str):
            if not (partner_id.isascii() and partner_id.isdigit()):
                raise InvalidArgumentError(
                    "BAIJIAYUN_PARTNER_ID must be a positive decimal integer"
                )
            settings["partner_id"] = int(partner_id)
        return cls(**settings)

    async def request(
        self,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        files: Files | None = None,
    ) -> Any:
        """Call any endpoint and return the raw ``data`` of its answer.

        ``path`` is relative to ``openapi/`` (``"room/info"``). Parameters are
        rendered and signed by the API's rules; ``partner_id``, ``timestamp`` and
        ``sign`` are added for every attempt. ``files`` maps field names to paths,
        bytes, binary file objects, async iterables or :class:`FileUpload`; they
        are streamed as multipart parts and are not signed. This is the escape
        hatch for endpoints and parameters the typed namespaces do not cover.
        """
        return await self._transport.call(path, params or {}, files)

    def verify_callback(
        self, fields: Mapping[str, str], *, max_age: float = 300
    ) -> bool:
        """Check a class-event callback posted by the service with this key.

        The same as :func:`baijiayun_async.verify_callback` with this client's
        ``partner_key``, so an app keeps its key in one place.
        """
        return verify_callback(fields, self._partner_key, max_age=max_age)

    async def aclose(self) -> None:
        """Close the connection pool, unless it was passed in as ``http_client``."""
        await self._transport.aclose()

    async def __aenter__(self) -> BaijiayunClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"<BaijiayunClient partner_id={self.partner_id} base_url={self.base_url!r}>"
        )

    # Namespaces

    @functools.cached_property
    def partner(self) -> Partner:
        """The account's signing key (``openapi/partner/...``)."""
        return Partner(self)

    @functools.cached_property
    def rooms(self) -> Rooms:
        """Creating, changing, reading, listing and deleting rooms."""
        return Rooms(self)

    @functools.cached_property
    def codes(self) -> Codes:
        """The participation codes that let students into a room."""
        return Codes(self)

    @functools.cached_property
    def docs(self) -> Docs:
        """Courseware documents, in the account and bound to rooms."""
        return Docs(self)

    @functools.cached_property
    def live(self) -> Live:
        """What is happening in a room right now."""
        return Live(self)

    @functools.cached_property
    def reports(self) -> Reports:
        """What happened in class: quizzes, chat, attendance, head counts."""
        return Reports(self)


def _check_positive_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgumentError(f"{name} must be an integer >= {minimum}")
