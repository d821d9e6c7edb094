"""Walking a paginated listing to its end, without trusting the server to page well.

The listing endpoints take a page number and a page size and answer with one page
and the ``total`` count. Servers get this wrong in practice: they cap the page
size below what was asked, drop items between requests, or ignore the page number
and answer page 1 forever. The walk here ends at ``total``, at an empty or short
page, adopts a capped page size, and refuses to loop on a repeated page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Generic, TypeVar

from ._errors import MalformedResponseError
from ._models import Page

__all__ = ["FetchPage", "Paginator"]

T = TypeVar("T")

#: Fetch page ``number`` (from 1) of ``size`` items.
FetchPage = Callable[[int, int], Awaitable[Page[T]]]


class Paginator(Generic[T]):
    """Every item of a listing, fetched a page at a time as iteration needs it.

    ``async for item in paginator`` yields items, once, like any iterator;
    ``async for page in paginator.pages()`` yields whole :class:`Page` objects
    instead, each call walking again from page 1. Nothing is requested before
    iteration starts.
    """

    def __init__(self, fetch: FetchPage[T], *, page_size: int, path: str) -> None:
        self._fetch = fetch
        self._page_size = page_size
        self._path = path
        self._pages: AsyncIterator[Page[T]] | None = None
        self._items: Iterator[T] = iter(())

    def __aiter__(self) -> Paginator[T]:
        return self

    async def __anext__(self) -> T:
        # Items come from the current page with no await; only an exhausted page
        # costs a trip to the next one, so a long listing iterates at list speed.
        for item in self._items:
            return item
        if self._pages is None:
            self._pages = self.pages()
        async for page in self._pages:
            self._items = iter(page.items)
            for item in self._items:
                return item
        raise StopAsyncIteration

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield the listing's pages in order; the first even when it is empty.

        Raises :class:`MalformedResponseError` when a page starts with an item
        that already started an earlier page (a server that ignores the page
        number, even if it shuffles or cycles its answers), or when the walk
        needs more than twice the pages the first answer announced (a listing
        that never ends).
        """
        number, size, seen = 1, self._page_size, 0
        first_items: dict[T, int] = {}
        max_pages: int | None = None
        while True:
            page = await self._fetch(number, size)
            if page.items:
                earlier = first_items.setdefault(page.items[0], number)
                if earlier != number:
                    raise MalformedResponseError(
                        self._path,
                        f"page {number} starts where page {earlier} did; the "
                        "server ignores the page number",
                        f"{len(page.items)} items",
                    )
            if page.items or number == 1:
                yield page

            seen += len(page.items)
            if not page.items or seen >= page.total:
                return
            if number == 1:
                if len(page.items) != size:
                    size = len(page.items)  # the server imposes its own page size
                max_pages = 2 * -(-page.total // size) + 1
            elif len(page.items) < size:
                return  # a short page after full ones is the last one
            if max_pages is not None and number >= max_pages:
                raise MalformedResponseError(
                    self._path,
                    f"the listing announced {page.total} items and has not ended "
                    f"after {number} pages",
                    f"{seen} items so far",
                )
            number += 1
