"""How a command reaches the account: credentials, one client, one clean error line.

Every command that calls the API runs through :func:`run`: it builds a client from
the credentials given on the command line or in ``BAIJIAYUN_*`` variables, runs
the command's coroutine, and turns an SDK error into a single line on stderr and
exit code 1, with no traceback. Nothing here ever prints the partner key.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import attrs
import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from .._client import BaijiayunClient
from .._errors import BaijiayunError

__all__ = ["Credentials", "configure_logging", "fail", "run", "stderr"]

T = TypeVar("T")

#: Exit code of a command whose call failed, or of a batch with a failed row.
FAILED = 1
#: Exit code of a command that was given too little to start (click's own code).
USAGE = 2


_SDK_LOGGER = logging.getLogger("baijiayun_async")
_LEVELS = {1: logging.WARNING, 2: logging.DEBUG}


class _Handlers:
    """The one handler this command line has put on the SDK's logger, if any."""

    installed: logging.Handler | None = None


def configure_logging(verbosity: int) -> None:
    """Show the SDK's log on stderr only when asked: ``-v`` retries, ``-vv`` calls.

    Without it a retried call would print a warning per attempt before its one
    error line. The SDK's log lines never hold a key, a sign or a parameter value.
    """
    if _Handlers.installed is not None:
        _SDK_LOGGER.removeHandler(_Handlers.installed)
    handler: logging.Handler = logging.NullHandler()
    level = logging.NOTSET
    if verbosity > 0:
        handler = RichHandler(console=stderr(), show_path=False)
        level = _LEVELS.get(verbosity, logging.DEBUG)
    _SDK_LOGGER.setLevel(level)
    _SDK_LOGGER.addHandler(handler)
    _Handlers.installed = handler


def stderr() -> Console:
    """Return a console on the current stderr (tests swap the stream per run)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, *, code: int = FAILED) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    stderr().print(Text(f"error: {message}", style="red"))
    raise typer.Exit(code)


@attrs.frozen
class Credentials:
    """Where to send calls and how to sign them; the key never shows in a repr."""

    partner_id: int | None
    partner_key: str | None = attrs.field(repr=False)
    private_domain: str | None
    base_url: str | None

    def client(self) -> BaijiayunClient:
        """Build a client, or exit with a usage error naming what is missing."""
        if self.partner_id is None:
            fail(
                "no partner id: pass --partner-id or set BAIJIAYUN_PARTNER_ID",
                code=USAGE,
            )
        if not self.partner_key:
            fail(
                "no partner key: set BAIJIAYUN_PARTNER_KEY (or pass --partner-key)",
                code=USAGE,
            )
        if self.private_domain is None and self.base_url is None:
            fail(
                "no account address: pass --private-domain (or set "
                "BAIJIAYUN_PRIVATE_DOMAIN), or --base-url for a sandbox",
                code=USAGE,
            )
        try:
            return BaijiayunClient(
                self.partner_id,
                self.partner_key,
                self.private_domain,
                base_url=self.base_url,
            )
        except BaijiayunError as exc:
            fail(str(exc), code=USAGE)


def run(credentials: Credentials, work: Callable[[BaijiayunClient], Awaitable[T]]) -> T:
    """Run ``work`` with a fresh client and close it; an SDK error ends the command.

    The error's own message names the endpoint and the reason (the SDK keeps keys,
    signatures and parameter values out of it), which is all a shell user needs.
    """
    client = credentials.client()

    async def session() -> T:
        async with client:
            return await work(client)

    try:
        return asyncio.run(session())
    except BaijiayunError as exc:
        fail(str(exc))
