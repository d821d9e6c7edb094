"""The fake service's HTTP face: an ASGI app that answers like the real API.

One request goes through the same steps the real service would take: decode the
form, authenticate (``partner_id``, ``timestamp``, ``sign``), run the endpoint,
wrap its result in the ``{code, msg, data, ts}`` envelope. Around those steps sit
what a test orders: injected faults, an optional rate limit, a fixed latency.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from .._client import BaijiayunClient
from .._config import RateLimit
from .._signing import sign
from ._endpoints import ENDPOINTS, PARAMETER_ERROR
from ._faults import (
    ConnectionDropped,
    DropAfterAction,
    DropBeforeAction,
    ErrorCode,
    FaultPlan,
    HTTPFailure,
    Latency,
    MalformedBody,
    RateLimiter,
)
from ._forms import Form, FormError, read_form
from ._state import ServiceError, ServiceState
from ._transport import FakeTransport

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractAsyncContextManager

    from starlette.types import Receive, Scope, Send

    from ._faults import Fault

__all__ = ["RATE_LIMITED", "FakeBaijiayun", "RecordedRequest"]

SIGNATURE_ERROR = 1002
ACCOUNT_NOT_FOUND = 2001
PATH_NOT_FOUND = 404
#: The envelope ``code`` of a rate-limited answer (HTTP 429); the vendor does not
#: document its own, so the fake mirrors the HTTP status.
RATE_LIMITED = 429

_TIMESTAMP = re.compile(r"[0-9]{10}")


class RecordedRequest(NamedTuple):
    """A call received: its path under ``openapi/``, its fields but ``sign``."""

    path: str
    params: dict[str, str]


class FakeBaijiayun(ServiceState):
    """An in-memory Baijiayun account behind an ASGI app, for tests and demos.

    Call it through :meth:`client` (in-process) or :meth:`serve` (uvicorn on
    loopback). Arrange what only a live class produces with the seeding methods
    (``set_live``, ``add_chat``, ``add_attendance``, ...), read ``rooms``,
    ``codes``, ``docs``, ``bindings`` and ``requests`` to check what happened, and
    order failures with :meth:`inject`. ``clock`` drives every time the service
    reads: ``ts``, creation times, "within a year" and the rate-limit window.
    """

    def __init__(
        self,
        partner_id: int,
        partner_key: str,
        *,
        latency: float = 0.0,
        secret_key: str = "fake-secret-key",  # noqa: S107 -- a fake account's
        rate_limit: RateLimit | tuple[int, float] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(partner_id, partner_key, secret_key, clock)
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self._faults = FaultPlan()
        if isinstance(rate_limit, tuple):
            rate_limit = RateLimit(*rate_limit)
        self._limiter = None if rate_limit is None else RateLimiter(rate_limit, clock)

    def inject(self, path: str, fault: Fault, times: int = 1) -> None:
        """Make the next ``times`` calls of ``path`` (like ``"room/create"``) fail."""
        self._faults.add(_endpoint_path(path), fault, times)

    def clear_faults(self) -> None:
        """Forget every fault not yet triggered."""
        self._faults.clear()

    def calls(self, path: str) -> list[dict[str, str]]:
        """Return the fields (but ``sign``) of every call of ``path`` so far."""
        wanted = _endpoint_path(path)
        return [request.params for request in self.requests if request.path == wanted]

    def client(self, **overrides: Any) -> BaijiayunClient:
        """Return a client wired to this fake in-process, with this account's keys.

        ``overrides`` are ``BaijiayunClient`` keywords, such as a wrong
        ``partner_key`` or ``max_retries=0``.
        """
        settings: dict[str, Any] = {
            "partner_id": self.partner_id,
            "partner_key": self.partner_key,
            "base_url": "http://127.0.0.1/",
            "transport": FakeTransport(self),
        }
        settings.update(overrides)
        return BaijiayunClient(**settings)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0
    ) -> AbstractAsyncContextManager[str]:
        """Serve the fake with uvicorn on a loopback address; yields the base URL.

        Port 0 picks a free port. Use as ``async with fake.serve() as base_url``.
        """
        from ._server import serve  # noqa: PLC0415 -- uvicorn only when serving

        return serve(self, host, port)

    # ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection scope (HTTP; lifespan is acknowledged)."""
        if scope["type"] == "lifespan":
            await _acknowledge_lifespan(receive, send)
            return
        request = Request(scope, receive)
        path = _endpoint_path(request.url.path)
        fault = self._faults.take(path)
        if self.latency:
            await asyncio.sleep(self.latency)
        if isinstance(fault, DropBeforeAction):
            await _drop(send, acted=False)

        try:
            form, form_error = await self._read(request)
        except ClientDisconnect:
            return  # the client gave up (a cancelled call): nobody to answer
        self.requests.append(
            RecordedRequest(path, {k: v for k, v in form.fields.items() if k != "sign"})
        )
        response = await self._answer_early(fault)
        if response is None:
            response = self._envelope(*self._handle(path, form, form_error))
        if isinstance(fault, DropAfterAction):
            await _drop(send, acted=True)
        await response(scope, receive, send)

    async def _read(self, request: Request) -> tuple[Form, ServiceError | None]:
        if request.method == "GET":
            return Form(fields=dict(request.query_params)), None
        try:
            form = await read_form(
                request.headers.get("content-type", ""), request.stream()
            )
        except FormError as exc:
            return Form(), ServiceError(PARAMETER_ERROR, str(exc))
        return form, None

    async def _answer_early(self, fault: Fault | None) -> Response | None:
        """Answer for the rate limit or an injected fault, before the service acts."""
        if self._limiter is not None:
            retry_after = self._limiter.admit()
            if retry_after is not None:
                response = self._envelope(RATE_LIMITED, "too many requests", None)
                response.status_code = 429
                response.headers["Retry-After"] = str(retry_after)
                return response
        if isinstance(fault, Latency):
            await asyncio.sleep(fault.seconds)
        elif isinstance(fault, HTTPFailure):
            return Response(
                f"{fault.status} injected by the fake",
                status_code=fault.status,
                media_type="text/plain",
            )
        elif isinstance(fault, MalformedBody):
            return Response(fault.body, media_type=fault.content_type)
        elif isinstance(fault, ErrorCode):
            return self._envelope(fault.code, fault.msg, None)
        return None

    def _handle(
        self, path: str, form: Form, form_error: ServiceError | None
    ) -> tuple[int, str, object]:
        handler = ENDPOINTS.get(path)
        try:
            if handler is None:
                raise ServiceError(PATH_NOT_FOUND, f"openapi/{path} does not exist")
            if form_error is not None:
                raise form_error
            self._authenticate(form.fields)
            data = handler(self, form)
        except ServiceError as exc:
            return exc.code, exc.msg, None
        return 0, "", data

    def _authenticate(self, fields: dict[str, str]) -> None:
        """Check the account, the timestamp's form and the signature, in that order."""
        partner_id = fields.get("partner_id")
        if not partner_id:
            raise ServiceError(PARAMETER_ERROR, "partner_id is required")
        if partner_id != str(self.partner_id):
            raise ServiceError(ACCOUNT_NOT_FOUND, "account does not exist")
        if not _TIMESTAMP.fullmatch(fields.get("timestamp", "")):
            raise ServiceError(PARAMETER_ERROR, "timestamp must be 10 digits (seconds)")
        given = fields.get("sign")
        if not given:
            raise ServiceError(PARAMETER_ERROR, "sign is required")
        expected = sign(fields, self.partner_key)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ServiceError(SIGNATURE_ERROR, "signature error")

    def _envelope(self, code: int, msg: str, data: object) -> Response:
        body = json.dumps({"code": code, "msg": msg, "data": data, "ts": self.now()})
        return Response(body, media_type="application/json")


def _endpoint_path(path: str) -> str:
    """Normalise ``/openapi/room/info`` or ``room/info`` to ``room/info``."""
    return path.lstrip("/").removeprefix("openapi/")


async def _drop(send: Send, *, acted: bool) -> NoReturn:
    """Start an answer that promises a body, then break off.

    The headers go out first because uvicorn answers 500 to an app that fails
    before starting its response; after them, it can only close the socket.
    """
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"64"),
            ],
        }
    )
    raise ConnectionDropped(acted=acted)


async def _acknowledge_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
