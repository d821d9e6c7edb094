"""``client.reports``: what happened in class, exported after the fact."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, get_args

from .._checks import (
    check_choice,
    check_date,
    check_flags,
    check_int,
    merge_extra,
)
from .._models import (
    AttendanceBody,
    AttendanceRecord,
    ChatMessage,
    ItemsBody,
    Question,
    RoomUserStat,
    RoomUserStatsBody,
)
from ._base import Namespace

if TYPE_CHECKING:
    from .._pagination import Paginator

__all__ = ["Reports"]

UserType = Literal["all", "student", "teacher", "admin"]
_USER_TYPES = get_args(UserType)


class Reports(Namespace):
    """What happened in class (``openapi/room_data/...``)."""

    async def answers(
        self,
        room_id: int,
        *,
        date: dt.date | str | None = None,
        extra_params: Mapping[str, object] | None = None,
    ) -> builtins.list[Question]:
        """Return the quiz questions asked in a room and the students' answers.

        Calls ``openapi/room_data/exportAnswerStat``. A long-term room needs the
        ``date`` of the class (a ``date`` or ``YYYY-MM-DD``).
        """
        params = merge_extra(_room_day(room_id, date), extra_params)
        path = "room_data/exportAnswerStat"
        body = await self._call(path, params, ItemsBody[Question])
        return builtins.list(body.list)

    async def chat(
        self,
        room_id: int,
        *,
        date: dt.date | str | None = None,
        extra_params: Mapping[str, object] | None = None,
    ) -> builtins.list[ChatMessage]:
        """Return the chat messages of a room (``openapi/room_data/exportChatMsg``).

        Only the last two weeks of chat are kept. Without ``date``, a long-term
        room gives its latest day of class and a short-term room all of it.
        """
        params = merge_extra(_room_day(room_id, date), extra_params)
        path = "room_data/exportChatMsg"
        return builtins.list(
            (await self._call(path, params, ItemsBody[ChatMessage])).list
        )

    def attendance(
        self,
        room_id: int,
        *,
        user_type: UserType = "student",
        date: dt.date | str | None = None,
        detail: bool = False,
        page_size: int = 100,
        extra_params: Mapping[str, object] | None = None,
    ) -> Paginator[AttendanceRecord]:
        """Iterate over who attended a room, when, for how long and from where.

        Calls ``openapi/room_data/exportLiveReport``. ``user_type`` (the wire's
        ``type``) picks ``"student"``, ``"teacher"``, ``"admin"`` (assistants) or
        ``"all"``. ``detail=True`` asks for each entry and exit as well. Pages of
        ``page_size`` (1 to 1000) are fetched as iteration needs them; the
        service's own "everything at once" (``page_size=0``) is not offered.
        """
        check_choice("user_type", user_type, _USER_TYPES)
        check_flags(detail=detail)
        documented = {
            **_room_day(room_id, date),
            "type": user_type,
            # TODO: model the entry/exit detail; its shape is undocumented, so
            # the records drop it (client.request returns it raw).
            "detail": True if detail else None,
            "page": None,
            "page_size": None,
        }
        params = merge_extra(documented, extra_params)
        return self._paginate(
            "room_data/exportLiveReport",
            params,
            AttendanceBody,
            size_key="page_size",
            page_size=page_size,
        )

    async def room_user_stats(
        self,
        date: dt.date | str,
        *,
        product_type: int = 2,
        extra_params: Mapping[str, object] | None = None,
    ) -> builtins.list[RoomUserStat]:
        """Return every room's head count and peak concurrency on one day.

        Calls ``openapi/room_data/getAllRoomUserStat``. ``product_type`` picks the
        product: 2 small class (the default), 1 education live, 4 enterprise live.
        """
        day = check_date("date", date)
        check_int("product_type", product_type, 0)
        documented = {"date": day, "product_type": product_type}
        params = merge_extra(documented, extra_params)
        path = "room_data/getAllRoomUserStat"
        body = await self._call(path, params, RoomUserStatsBody)
        return builtins.list(body.room_user_stat.values())


def _room_day(room_id: int, date: dt.date | str | None) -> dict[str, object]:
    """Check and return the room and optional day most reports take."""
    check_int("room_id", room_id, 1)
    return {
        "room_id": room_id,
        "date": None if date is None else check_date("date", date),
    }
