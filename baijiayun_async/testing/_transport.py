"""The in-process wire between a client and the fake, dropped connections included."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from ._faults import ConnectionDropped

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = ["FakeTransport"]


class FakeTransport(httpx.AsyncBaseTransport):
    """Run requests through the fake's ASGI app, turning its drops into httpx errors.

    An ASGI app cannot break a connection that does not exist, so the app raises
    ``ConnectionDropped`` and this transport raises what a real network would
    give the client: ``httpx.ConnectError`` when nothing was sent (so retrying is
    safe), ``httpx.RemoteProtocolError`` when the service acted and the answer was
    lost.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request to the app."""
        try:
            return await self._asgi.handle_async_request(request)
        except ConnectionDropped as exc:
            if exc.acted:
                raise httpx.RemoteProtocolError(
                    "server disconnected without sending a complete answer",
                    request=request,
                ) from None
            raise httpx.ConnectError("connection refused", request=request) from None

    async def aclose(self) -> None:
        """Close the wrapped ASGI transport."""
        await self._asgi.aclose()
