"""``baijiayun sandbox``: the fake service on loopback, for trying an app against it.

The sandbox answers every endpoint like the real service, in memory, with a fixed
fake account, so an app under development can be pointed at it by three
environment variables and keep them across restarts. Its key is the fake's own,
not a secret, which is why it is printed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ..testing import FakeBaijiayun

__all__ = ["SANDBOX_PARTNER_ID", "SANDBOX_PARTNER_KEY", "serve_sandbox"]

#: The sandbox's account: fixed, so an app's configuration survives a restart.
SANDBOX_PARTNER_ID = 10000001
SANDBOX_PARTNER_KEY = "sandbox-partner-key-not-a-secret"

#: How often the sandbox reports the calls it received.
_REPORT_INTERVAL = 0.2


async def serve_sandbox(
    host: str,
    port: int,
    *,
    ready: Callable[[FakeBaijiayun, str], None],
    received: Callable[[str], None] | None = None,
) -> None:
    """Serve a fresh fake on ``host:port`` until cancelled (Ctrl-C).

    ``ready(fake, base_url)`` is called once the socket listens; ``received(path)``
    for every call, shortly after it arrives. Only loopback addresses are served:
    the fake accepts any correctly signed request.
    """
    fake = FakeBaijiayun(partner_id=SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY)
    reported = 0

    def report() -> None:
        nonlocal reported
        if received is not None:
            for request in fake.requests[reported:]:
                received(request.path)
        reported = len(fake.requests)

    async with fake.serve(host=host, port=port) as base_url:
        ready(fake, base_url)
        try:
            while True:
                await asyncio.sleep(_REPORT_INTERVAL)
                report()
        finally:
            report()
