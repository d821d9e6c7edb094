"""What every endpoint group shares: calling through the client, paginating."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, TypeVar

from .._checks import check_page_size
from .._converter import structure
from .._pagination import Paginator

if TYPE_CHECKING:
    from .._client import BaijiayunClient
    from .._models import Page
    from .._transport import Files

__all__ = ["Namespace", "PageBody"]

T = TypeVar("T")


class PageBody(Protocol[T]):
    """The ``data`` of one page of a listing."""

    def to_page(self, number: int) -> Page[T]:
        """Return the listing as page ``number``."""
        ...


class Namespace:
    """A group of endpoints called through one client."""

    def __init__(self, client: BaijiayunClient) -> None:
        self._client = client

    async def _call(
        self,
        path: str,
        params: Mapping[str, object],
        body: type[T],
        *,
        files: Files | None = None,
    ) -> T:
        """Call ``openapi/<path>`` and read its ``data`` as ``body``."""
        data = await self._client.request(path, params, files=files)
        return structure(data, body, path)

    async def _send(
        self,
        path: str,
        params: Mapping[str, object],
        *,
        files: Files | None = None,
    ) -> None:
        """Call ``openapi/<path>`` for its effect; its ``data`` carries nothing."""
        await self._client.request(path, params, files=files)

    def _paginate(
        self,
        path: str,
        params: Mapping[str, object],
        body: type[PageBody[T]],
        *,
        size_key: str,
        page_size: int,
    ) -> Paginator[T]:
        """Walk ``openapi/<path>`` page by page; ``size_key`` names its size field."""
        check_page_size(page_size)

        async def fetch(number: int, size: int) -> Page[T]:
            paged = {**params, "page": number, size_key: size}
            return (await self._call(path, paged, body)).to_page(number)

        return Paginator(fetch, page_size=page_size, path=path)
