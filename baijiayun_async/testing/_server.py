"""Serve the fake over a real loopback socket with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from typing import TYPE_CHECKING

import uvicorn

from ._faults import ConnectionDropped

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from starlette.types import ASGIApp

__all__ = ["serve"]

#: uvicorn's own logger: its start and stop chatter is kept below WARNING.
_UVICORN_LOGGER = "uvicorn.error"


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the host program's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Install no handlers: the test or program embedding the fake owns signals."""
        yield


@contextlib.asynccontextmanager
async def serve(app: ASGIApp, host: str, port: int) -> AsyncIterator[str]:
    """Run ``app`` on ``host:port`` until the block ends; yield its base URL.

    Only loopback addresses are accepted: the fake answers any signed request, so
    it must never be reachable from another machine.
    """
    address = _loopback(host)
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off only on sockets that say TCP,
    # and with Nagle each small answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind((str(address), port))
    except OSError:
        sock.close()
        raise
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        interface="asgi3",
        http="h11",
        ws="none",
        lifespan="off",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = _EmbeddedServer(config)
    with _quiet_uvicorn():
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped while starting")
                await asyncio.sleep(0.005)
            shown = f"[{address}]" if address.version == 6 else str(address)
            yield f"http://{shown}:{bound_port}/"
        finally:
            server.should_exit = True
            await task
            sock.close()


def _loopback(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if host == "localhost":
        host = "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"the fake serves only on a loopback address, not {host!r}"
        ) from None
    if not address.is_loopback:
        raise ValueError(f"the fake serves only on a loopback address, not {host!r}")
    return address


def _not_a_planned_drop(record: logging.LogRecord) -> bool:
    """Keep every uvicorn record but its report of a drop the fake made on purpose."""
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, ConnectionDropped)


@contextlib.contextmanager
def _quiet_uvicorn() -> Iterator[None]:
    """Silence uvicorn's routine messages and planned drops; keep real errors."""
    logger = logging.getLogger(_UVICORN_LOGGER)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    logger.addFilter(_not_a_planned_drop)
    try:
        yield
    finally:
        logger.removeFilter(_not_a_planned_drop)
        logger.setLevel(level)
