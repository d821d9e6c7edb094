"""``client.live``: what is happening in a room right now."""

from __future__ import annotations

from collections.abc import Mapping

from .._checks import check_int, merge_extra
from .._models import StatusBody, UserCount
from ._base import Namespace

__all__ = ["Live"]


class Live(Namespace):
    """A room's live state (``openapi/live/...``)."""

    async def is_live(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> bool:
        """Tell whether class is on in a room (``openapi/live/getLiveStatus``)."""
        return await self._status("live/getLiveStatus", room_id, extra_params)

    async def is_teacher_online(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> bool:
        """Tell whether the teacher is in the room.

        Calls ``openapi/live/getTeacherOnlineStatus``.
        """
        return await self._status("live/getTeacherOnlineStatus", room_id, extra_params)

    async def user_count(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> UserCount:
        """Count the people in a room now (``openapi/live/getUserCount``).

        ``display_user_count`` is the figure the room shows, which may differ.
        """
        check_int("room_id", room_id, 1)
        params = merge_extra({"room_id": room_id}, extra_params)
        return await self._call("live/getUserCount", params, UserCount)

    async def _status(
        self, path: str, room_id: int, extra_params: Mapping[str, object] | None
    ) -> bool:
        check_int("room_id", room_id, 1)
        params = merge_extra({"room_id": room_id}, extra_params)
        return (await self._call(path, params, StatusBody)).status
