"""``client.docs``: documents shown in class, in the account and in rooms."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, get_args

import attrs

from .._checks import (
    check_choice,
    check_file_type,
    check_flags,
    check_int,
    merge_extra,
)
from .._models import (
    AccountDoc,
    DocBinding,
    ItemsBody,
    ListingBody,
    RoomDoc,
    UploadedDoc,
)
from .._multipart import FileUpload, filename_of
from ._base import Namespace

if TYPE_CHECKING:
    from .._multipart import FileSource
    from .._pagination import Paginator

__all__ = ["Docs"]

DocSource = Literal["all", "room", "api", "management"]
_SOURCES = get_args(DocSource)


class Docs(Namespace):
    """Courseware documents (``openapi/doc/...``)."""

    async def upload(
        self,
        file: FileSource | FileUpload,
        *,
        room_id: int | None = None,
        ppt_animation: bool = False,
        filename: str | None = None,
        size: int | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        extra_params: Mapping[str, object] | None = None,
    ) -> UploadedDoc:
        """Upload a document to the account, and bind it to a room if one is given.

        Calls ``openapi/doc/uploadDoc``. ``file`` is a path, bytes, a binary file
        object, an async iterable of bytes or a :class:`FileUpload`; ``filename``
        names it when the source has no name of its own, and ``size`` announces
        an async iterable's length up front. The file is streamed from its source,
        read off the event loop, never held in memory whole; ``progress(sent,
        total)`` is called as its bytes go out (``total`` is ``None`` when the
        size is unknown). The type, read from the name's extension, must be one
        of .doc .ppt .pdf .pptx .docx .jpg .jpeg .png .gif .zip (a .zip is HTML5
        courseware, for small-class rooms with that feature enabled).
        ``ppt_animation=True`` keeps a PowerPoint's animations. An upload is not
        repeated once it may have reached the service (``OutcomeUnknownError``).
        """
        upload = file if isinstance(file, FileUpload) else FileUpload(file)
        upload = attrs.evolve(
            upload,
            filename=filename or upload.filename,
            size=upload.size if size is None else size,
            progress=progress or upload.progress,
        )
        check_file_type(filename_of("attachment", upload))
        check_flags(ppt_animation=ppt_animation)
        if room_id is not None:
            check_int("room_id", room_id, 1)

        documented = {"room_id": room_id, "ppt_animation": ppt_animation}
        params = merge_extra(documented, extra_params, files=("attachment",))
        files = {"attachment": upload}
        return await self._call("doc/uploadDoc", params, UploadedDoc, files=files)

    async def bind(
        self,
        room_id: int,
        fid: int,
        *,
        extra_params: Mapping[str, object] | None = None,
    ) -> DocBinding:
        """Bind an uploaded document to a room (``openapi/doc/bindDoc``)."""
        check_int("room_id", room_id, 1)
        check_int("fid", fid, 1)
        params = merge_extra({"room_id": room_id, "fid": fid}, extra_params)
        return await self._call("doc/bindDoc", params, DocBinding)

    async def room_docs(
        self, room_id: int, *, extra_params: Mapping[str, object] | None = None
    ) -> builtins.list[RoomDoc]:
        """Return the documents bound to a room (``openapi/doc/listDoc``)."""
        check_int("room_id", room_id, 1)
        params = merge_extra({"room_id": room_id}, extra_params)
        body = await self._call("doc/listDoc", params, ItemsBody[RoomDoc])
        return builtins.list(body.list)

    def list(
        self,
        *,
        source: DocSource = "all",
        page_size: int = 10,
        extra_params: Mapping[str, object] | None = None,
    ) -> Paginator[AccountDoc]:
        """Iterate over the account's documents (``openapi/doc/listAllDoc``).

        ``source`` (the wire's ``type``) picks where they were uploaded: ``"room"``
        in class, ``"api"`` through this API, ``"management"`` in the console, or
        ``"all"``. Pages of ``page_size`` (1 to 1000) are fetched as iteration
        needs them.
        """
        check_choice("source", source, _SOURCES)
        documented = {"type": source, "page": None, "page_size": None}
        params = merge_extra(documented, extra_params)
        return self._paginate(
            "doc/listAllDoc",
            params,
            ListingBody[AccountDoc],
            size_key="page_size",
            page_size=page_size,
        )

    async def remove(
        self,
        room_id: int,
        fid: int,
        *,
        extra_params: Mapping[str, object] | None = None,
    ) -> None:
        """Remove a document from a room (``openapi/doc/removeDoc``)."""
        check_int("room_id", room_id, 1)
        check_int("fid", fid, 1)
        params = merge_extra({"room_id": room_id, "fid": fid}, extra_params)
        await self._send("doc/removeDoc", params)
