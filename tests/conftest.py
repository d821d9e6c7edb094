"""Fixtures: a client whose traffic goes to a respx router, never the network."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from baijiayun_async import BaijiayunClient

from .support import BASE, PARTNER_ID, PARTNER_KEY


@pytest.fixture
def mock_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client(mock_api: respx.MockRouter) -> AsyncIterator[BaijiayunClient]:
    async with BaijiayunClient(PARTNER_ID, PARTNER_KEY, "demo123") as bjy:
        yield bjy
