"""Walking listings: where the walk stops, and servers that page badly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import respx

from baijiayun_async import (
    BaijiayunClient,
    MalformedResponseError,
    Page,
    Paginator,
    StudentCode,
)

from .support import envelope, sent_form

Server = Callable[[int, int], tuple[list[int], int]]


class FakeListing:
    """A listing endpoint: ``answer(page, size)`` gives the items and the total."""

    def __init__(self, answer: Server) -> None:
        self.answer = answer
        self.requests: list[tuple[int, int]] = []

    async def fetch(self, number: int, size: int) -> Page[int]:
        self.requests.append((number, size))
        items, total = self.answer(number, size)
        return Page(tuple(items), number, total)

    def paginator(self, page_size: int) -> Paginator[int]:
        return Paginator(self.fetch, page_size=page_size, path="room/list")


def honest(count: int, *, cap: int | None = None) -> Server:
    """A server holding items 0..count-1 that pages correctly, capping the size."""

    def answer(number: int, size: int) -> tuple[list[int], int]:
        size = min(size, cap) if cap else size
        start = (number - 1) * size
        return list(range(start, min(start + size, count))), count

    return answer


async def collect(paginator: Paginator[int]) -> list[int]:
    return [item async for item in paginator]


async def test_the_walk_stops_when_total_is_reached() -> None:
    listing = FakeListing(honest(25))

    assert await collect(listing.paginator(10)) == list(range(25))
    assert listing.requests == [(1, 10), (2, 10), (3, 10)]


async def test_an_exact_multiple_of_the_page_size_needs_no_extra_request() -> None:
    listing = FakeListing(honest(20))

    assert await collect(listing.paginator(10)) == list(range(20))
    assert listing.requests == [(1, 10), (2, 10)]


async def test_an_empty_listing_is_one_empty_page() -> None:
    listing = FakeListing(honest(0))

    pages = [page async for page in listing.paginator(10).pages()]

    assert pages == [Page((), 1, 0)]
    assert listing.requests == [(1, 10)]


async def test_an_empty_page_ends_the_walk_even_if_total_says_more() -> None:
    listing = FakeListing(lambda n, s: ([1, 2] if n == 1 else [], 100))

    assert await collect(listing.paginator(2)) == [1, 2]
    assert listing.requests == [(1, 2), (2, 2)]


async def test_a_short_page_after_full_ones_ends_the_walk() -> None:
    def answer(number: int, size: int) -> tuple[list[int], int]:
        return [[1, 2], [3]][number - 1] if number <= 2 else [9], 100

    listing = FakeListing(answer)

    assert await collect(listing.paginator(2)) == [1, 2, 3]
    assert listing.requests == [(1, 2), (2, 2)]


async def test_a_capped_page_size_is_adopted() -> None:
    listing = FakeListing(honest(250, cap=100))

    assert await collect(listing.paginator(1000)) == list(range(250))
    assert listing.requests == [(1, 1000), (2, 100), (3, 100)]


async def test_a_server_that_ignores_the_page_number_cannot_loop() -> None:
    listing = FakeListing(lambda n, s: ([1, 2, 3], 1_000_000))

    with pytest.raises(MalformedResponseError, match="page 2 starts where page 1"):
        await collect(listing.paginator(3))
    assert len(listing.requests) == 2


async def test_a_server_cycling_through_pages_cannot_loop() -> None:
    pages = [[1, 2, 3], [4, 5, 6]]
    listing = FakeListing(lambda n, s: (pages[(n - 1) % 2], 1_000_000))

    with pytest.raises(MalformedResponseError, match="page 3 starts where page 1"):
        await collect(listing.paginator(3))
    assert len(listing.requests) == 3


async def test_a_server_shuffling_one_page_cannot_loop() -> None:
    orders = [[1, 2, 3], [2, 3, 1], [3, 1, 2]]
    listing = FakeListing(lambda n, s: (orders[(n - 1) % 3], 1_000_000))

    with pytest.raises(MalformedResponseError, match="server ignores the page"):
        await collect(listing.paginator(3))
    assert len(listing.requests) <= 4


async def test_a_listing_that_never_ends_is_refused() -> None:
    # Every page is new and the total keeps growing: bounded by the first total.
    def answer(number: int, size: int) -> tuple[list[int], int]:
        start = (number - 1) * size
        return list(range(start, start + size)), 10 * number + 10

    listing = FakeListing(answer)

    with pytest.raises(MalformedResponseError, match="has not ended after 5 pages"):
        await collect(listing.paginator(10))
    assert len(listing.requests) == 5


async def test_a_server_that_ignores_page_number_and_caps_size_cannot_loop() -> None:
    listing = FakeListing(lambda n, s: ([1, 2, 3], 1_000_000))

    with pytest.raises(MalformedResponseError) as caught:
        await collect(listing.paginator(100))
    assert listing.requests == [(1, 100), (2, 3)]
    assert caught.value.path == "room/list"


async def test_a_total_that_shrinks_ends_the_walk_cleanly() -> None:
    totals = {1: 10, 2: 3}

    def answer(number: int, size: int) -> tuple[list[int], int]:
        start = (number - 1) * size
        return list(range(start, start + size)), totals.get(number, 0)

    listing = FakeListing(answer)

    assert await collect(listing.paginator(2)) == [0, 1, 2, 3]
    assert listing.requests == [(1, 2), (2, 2)]


async def test_pages_carry_number_and_total_and_each_walk_starts_afresh() -> None:
    listing = FakeListing(honest(5))
    paginator = listing.paginator(2)

    first = [page async for page in paginator.pages()]
    second = [page async for page in paginator.pages()]

    assert first == second
    assert [(p.page, p.items, p.total) for p in first] == [
        (1, (0, 1), 5),
        (2, (2, 3), 5),
        (3, (4,), 5),
    ]


async def test_the_paginator_is_an_async_iterator_and_lazy() -> None:
    listing = FakeListing(honest(3))
    paginator = listing.paginator(2)

    assert listing.requests == []
    assert await anext(paginator) == 0
    assert listing.requests == [(1, 2)]
    assert [item async for item in paginator] == [1, 2]


async def test_paginated_methods_send_page_numbers_and_sizes(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    def page(number: int) -> dict[str, object]:
        codes = [{"code": f"c{number}{i}", "user_number": i} for i in range(2)]
        return envelope({"total": 3, "list": codes[: 3 - 2 * (number - 1)]})

    route = mock_api.post("room/listcode").mock(
        side_effect=[
            respx.MockResponse(json=page(1)),
            respx.MockResponse(json=page(2)),
        ]
    )

    codes = [code async for code in client.codes.list(7, page_size=2)]

    assert codes == [
        StudentCode(code="c10", user_number=0),
        StudentCode(code="c11", user_number=1),
        StudentCode(code="c20", user_number=0),
    ]
    sent = [sent_form(call.request) for call in route.calls]
    assert [(form["page"], form["limit"]) for form in sent] == [("1", "2"), ("2", "2")]
    assert {form["room_id"] for form in sent} == {"7"}
