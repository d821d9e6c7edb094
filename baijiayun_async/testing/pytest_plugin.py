"""Pytest fixtures for code that calls Baijiayun: a fresh fake and a client bound to it.

Installed as the ``baijiayun`` pytest plugin, so any project with this SDK gets
``baijiayun_fake`` and ``baijiayun_client``. pytest loads this module in every run,
even where the ``fake`` extra is not installed, so the fake is imported only when a
fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover -- anyio's plugin runs plain async fixtures
    _async_fixture = pytest.fixture  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from baijiayun_async import BaijiayunClient
    from baijiayun_async.testing import FakeBaijiayun

__all__ = ["FAKE_PARTNER_ID", "FAKE_PARTNER_KEY", "baijiayun_client", "baijiayun_fake"]

#: The account the ``baijiayun_fake`` fixture answers for.
FAKE_PARTNER_ID = 12345678
FAKE_PARTNER_KEY = "fake-partner-key-for-tests"


@pytest.fixture
def baijiayun_fake() -> FakeBaijiayun:
    """Give each test its own empty fake service."""
    # Imported here: the fake's extra may be absent where this plugin loads.
    from baijiayun_async.testing import FakeBaijiayun  # noqa: PLC0415

    return FakeBaijiayun(partner_id=FAKE_PARTNER_ID, partner_key=FAKE_PARTNER_KEY)


@_async_fixture
async def baijiayun_client(
    baijiayun_fake: FakeBaijiayun,
) -> AsyncIterator[BaijiayunClient]:
    """Give a client bound in-process to ``baijiayun_fake``, closed after the test."""
    client = baijiayun_fake.client()
    try:
        yield client
    finally:
        await client.aclose()
