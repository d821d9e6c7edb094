"""``client.rooms``: creating, changing, reading, listing and deleting rooms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._bulk import CreateResult, create_many
from .._checks import (
    Timestamp,
    check_choice,
    check_flags,
    check_int,
    check_max_users,
    check_optional_int,
    check_room_times,
    check_title,
    merge_extra,
    to_unix,
)
from .._models import CreatedRoom, ListingBody, Room, RoomType
from ._base import Namespace

if TYPE_CHECKING:
    from .._multipart import FileSource, FileUpload
    from .._pagination import Paginator

__all__ = ["Rooms"]

_IMAGES = ("background_attachment", "whiteboard_attachment")


class Rooms(Namespace):
    """Live classrooms (``openapi/room/...``)."""

    async def create(
        self,
        *,
        title: str,
        start_time: Timestamp,
        end_time: Timestamp,
        max_users: int,
        type: RoomType | int = RoomType.SMALL_CLASS,
        max_backup_users: int | None = None,
        auto_on_stage: bool | None = None,
        has_foreign_user: bool | None = None,
        pre_enter_time: int | None = None,
        template_type: int | None = None,
        end_delay_time: int | None = None,
        enable_cloud_record: bool | None = None,
        auto_playback_record: bool | None = None,
        enable_pull_audio_only: bool | None = None,
        background_attachment: FileSource | FileUpload | None = None,
        whiteboard_attachment: FileSource | FileUpload | None = None,
        check_schedule: bool = True,
        extra_params: Mapping[str, object] | None = None,
    ) -> CreatedRoom:
        """Create a room and return its id and entry codes (``openapi/room/create``).

        ``type`` keeps the API's name: a :class:`RoomType`, small class by default.
        ``max_users`` is the number of students on stage (2 to 12 in a small class,
        exactly 1 in a one-on-one room); ``max_backup_users`` the audience of a
        1vNvM class (up to 300), whom ``auto_on_stage`` moves on stage by itself.
        Times are unix seconds or aware datetimes. A short-term room lasts more
        than 15 minutes and less than 24 hours within a year of now;
        ``check_schedule=False`` skips that local rule, e.g. for a long-term room
        requested through ``extra_params``, and leaves it to the service.
        ``has_foreign_user`` (sent as 2/1) announces users abroad,
        ``enable_cloud_record`` (sent as 1/2) shows or hides cloud recording, and
        ``end_delay_time`` is how long class may overrun before the service ends
        it (at most 7200 s, 0 for never). The attachments are background and
        whiteboard images, sent as file parts and not signed.
        """
        start, end = to_unix("start_time", start_time), to_unix("end_time", end_time)
        check_title(title)
        check_int("type", type, 0)
        check_flags(
            auto_on_stage=auto_on_stage,
            has_foreign_user=has_foreign_user,
            enable_cloud_record=enable_cloud_record,
            auto_playback_record=auto_playback_record,
            enable_pull_audio_only=enable_pull_audio_only,
            check_schedule=check_schedule,
        )
        check_max_users(max_users, type)
        check_room_times(start, end, short_term=check_schedule)
        check_optional_int("max_backup_users", max_backup_users, 0, 300)
        check_optional_int("pre_enter_time", pre_enter_time, 0)
        check_optional_int("end_delay_time", end_delay_time, 0, 7200)
        if template_type is not None:
            check_choice("template_type", template_type, (1, 3))

        documented = {
            "title": title,
            "start_time": start,
            "end_time": end,
            "type": type,
            "max_users": max_users,
            "max_backup_users": max_backup_users,
            "auto_on_stage": auto_on_stage,
            "has_foreign_user": _choose(has_foreign_user, yes=2, no=1),
            "pre_enter_time": pre_enter_time,
            "template_type": template_type,
            "end_delay_time": end_delay_time,
            "enable_cloud_record": _choose(enable_cloud_record, yes=1, no=2),
            "auto_playback_record": auto_playback_record,
            "enable_pull_audio_only": enable_pull_audio_only,
        }
        files = _images(background_attachment, whiteboard_attachment)
        params = merge_extra(documented, extra_params, files=_IMAGES)
        return await self._call("room/create", params, CreatedRoom, files=files)

    async def update(
        self,
        room_id: int,
        *,
        title: str | None = None,
        start_time: Timestamp | None = None,
        end_time: Timestamp | None = None,
        max_users: int | None = None,
        max_backup_users: int | None = None,
        pre_enter_time: int | None = None,
        template_type: int | None = None,
        auto_playback_record: bool | None = None,
        enable_pull_audio_only: bool | None = None,
        background_attachment: FileSource | FileUpload | None = None,
        whiteboard_attachment: FileSource | FileUpload | None = None,
        check_schedule: bool = True,
        extra_params: Mapping[str, object] | None = None,
    ) -> None:
        """Change the given settings of a room (``openapi/room/update``).

        Only the arguments passed are sent; the rest stay as they are. The rules
        are those of :meth:`create`, except that ``max_users`` may be 1 to 12 and
        ``template_type`` 1, 2 or 3. The schedule rules apply when both times are
        given; ``check_schedule=False`` skips the short-term ones.
        """
        start = None if start_time is None else to_unix("start_time", start_time)
        end = None if end_time is None else to_unix("end_time", end_time)
        check_int("room_id", room_id, 1)
        if title is not None:
            check_title(title)
        check_flags(
            auto_playback_record=auto_playback_record,
            enable_pull_audio_only=enable_pull_audio_only,
            check_schedule=check_schedule,
        )
        check_room_times(start, end, short_term=check_schedule)
        check_optional_int("max_users", max_users, 1, 12)
        check_optional_int("max_backup_users", max_backup_users, 0, 300)
        check_optional_int("pre_enter_time", pre_enter_time, 0)
        if template_type is not None:
            check_choice("template_type", template_type, (1, 2, 3))

        documented = {
            "room_id": room_id,
            "title": title,
            "start_time": start,
            "end_time": end,
            "max_users": max_users,
            "max_backup_users": max_backup_users,
            "pre_enter_time": pre_enter_time,
            "template_type": template_type,
            "auto_playback_record": auto_playback_record,
            "enable_pull_audio_only": enable_pull_audio_only,
        }
        files = _images(background_attachment, whiteboard_attachment)
        params = merge_extra(documented, extra_params, files=_IMAGES)
        await self._send("room/update", params, files=files)

    async def delete(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> None:
        """Delete a room (``openapi/room/delete``)."""
        check_int("room_id", room_id, 1)
        params = merge_extra({"room_id": room_id}, extra_params)
        await self._send("room/delete", params)

    async def get(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> Room:
        """Return a room's title, schedule, type, seats and codes.

        Calls ``openapi/room/info``, which leaves out the student code
        (``student_code`` is ``None``).
        """
        check_int("room_id", room_id, 1)
        params = merge_extra({"room_id": room_id}, extra_params)
        return await self._call("room/info", params, Room)

    async def create_many(
        self,
        specs: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = 8,
        progress: Callable[[int, int], None] | None = None,
        reconcile: bool = False,
    ) -> list[CreateResult]:
        """Create a room per spec, ``concurrency`` at a time (``openapi/room/create``).

        Each spec holds the keyword arguments of :meth:`create`. The result list
        has one :class:`CreateResult` per spec, in input order: the created room,
        the error, or status ``"unknown"`` when the request may have reached the
        service without an answer. ``reconcile=True`` resolves unknown outcomes
        after the batch with one pass over :meth:`list` (same title, times and
        type, created since the batch began) and creates only the specs that are
        truly missing, so each spec ends with exactly one room.
        ``progress(done, total)`` is called as specs finish.
        """
        return await create_many(
            self,
            specs,
            concurrency=concurrency,
            progress=progress,
            reconcile=reconcile,
        )

    def list(
        self,
        *,
        product_type: int | None = None,
        page_size: int = 100,
        extra_params: Mapping[str, object] | None = None,
    ) -> Paginator[Room]:
        """Iterate over the account's rooms (``openapi/room/list``).

        ``product_type=2`` keeps small-class rooms only. Pages of ``page_size``
        (1 to 1000, sent as ``limit``) are fetched as iteration needs them.
        """
        check_optional_int("product_type", product_type, 0)
        documented = {"product_type": product_type, "page": None, "limit": None}
        params = merge_extra(documented, extra_params)
        return self._paginate(
            "room/list",
            params,
            ListingBody[Room],
            size_key="limit",
            page_size=page_size,
        )


def _choose(flag: bool | None, *, yes: int, no: int) -> int | None:
    """Spell a flag the way a parameter with its own two codes wants it."""
    if flag is None:
        return None
    return yes if flag else no


def _images(
    background: FileSource | FileUpload | None,
    whiteboard: FileSource | FileUpload | None,
) -> dict[str, FileSource | FileUpload] | None:
    """Collect the room images that were given, as file parts."""
    given = {
        name: image
        for name, image in zip(_IMAGES, (background, whiteboard), strict=True)
        if image is not None
    }
    return given or None
