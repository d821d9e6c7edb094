"""``client.codes``: the codes students type to enter a room."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._checks import check_int, check_text, merge_extra
from .._converter import structure
from .._models import (
    CodeFoundBody,
    CodeInfo,
    CodeLookupBody,
    ListingBody,
    NewCodeBody,
    StudentCode,
)
from ._base import Namespace

if TYPE_CHECKING:
    from .._pagination import Paginator

__all__ = ["Codes"]


class Codes(Namespace):
    """Participation codes (``openapi/room/getcode`` and friends)."""

    async def create(
        self,
        room_id: int,
        user_number: int,
        *,
        user_avatar: str | None = None,
        extra_params: Mapping[str, object] | None = None,
    ) -> str:
        """Issue a student's six-character code for a room (``openapi/room/getcode``).

        ``user_number`` is the student's id in the caller's own user system. A
        non-zero number gets a personal code: one seat, so a second login with it
        pushes the first one out. 0 gets the shared code that any number of
        students may use at once. ``user_avatar`` is a full image URL.
        """
        check_int("room_id", room_id, 1)
        check_int("user_number", user_number, 0)
        check_text("user_avatar", user_avatar, optional=True)
        documented = {
            "room_id": room_id,
            "user_number": user_number,
            "user_avatar": user_avatar,
        }
        params = merge_extra(documented, extra_params)
        body = await self._call("room/getcode", params, NewCodeBody)
        return body.student_code

    async def get(
        self, code: str, *, extra_params: Mapping[str, object] | None = None
    ) -> CodeInfo | None:
        """Tell whom a code admits to which room, or ``None`` if no such code exists.

        Calls ``openapi/room/getCodeInfo``.
        """
        check_text("code", code)
        params = merge_extra({"code": code}, extra_params)
        data = await self._client.request("room/getCodeInfo", params)

        # Read code_info only for a code that exists: for an unknown code the
        # service may leave it empty in any shape.
        if not structure(data, CodeLookupBody, "room/getCodeInfo").exist:
            return None
        return structure(data, CodeFoundBody, "room/getCodeInfo").code_info

    def list(
        self,
        room_id: int,
        *,
        page_size: int = 100,
        extra_params: Mapping[str, object] | None = None,
    ) -> Paginator[StudentCode]:
        """Iterate over the student codes issued for a room (``openapi/room/listcode``).

        Pages of ``page_size`` (1 to 1000, sent as ``limit``) are fetched as
        iteration needs them.
        """
        check_int("room_id", room_id, 1)
        documented = {"room_id": room_id, "page": None, "limit": None}
        params = merge_extra(documented, extra_params)
        return self._paginate(
            "room/listcode",
            params,
            ListingBody[StudentCode],
            size_key="limit",
            page_size=page_size,
        )
