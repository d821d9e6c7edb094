"""Multipart bodies streamed from disk, read off the event loop.

httpx's own multipart reads files with blocking calls on the event loop; an SDK
that serves many rooms from one loop cannot afford that, and must never hold a
large courseware file in memory. Here every read of a file happens in a worker
thread, the body is produced chunk by chunk, and its length is announced whenever
the sizes are known (``Transfer-Encoding: chunked`` otherwise).
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from typing import IO, TypeGuard, Union

import anyio.to_thread
import attrs

from ._errors import InvalidArgumentError

__all__ = [
    "CHUNK_SIZE",
    "FilePart",
    "FileSource",
    "FileUpload",
    "MultipartBody",
    "file_parts",
    "filename_of",
]

#: Bytes read from a file per worker-thread hop.
CHUNK_SIZE = 1024 * 1024

FileSource = Union[bytes, str, "os.PathLike[str]", IO[bytes], AsyncIterable[bytes]]
Progress = Callable[[int, "int | None"], None]

_ESCAPES = {ord('"'): "%22", **{c: f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_ESCAPES[0x7F] = "%7F"


@attrs.frozen
class FileUpload:
    """A file to send as one multipart part.

    ``source`` is a path, bytes, a binary file object (seekable or not) or an async
    iterable of bytes. ``filename`` defaults to the path's or file object's name;
    ``size`` is needed only for async iterables, to announce the length up front.
    ``progress(sent, total)`` is called as the bytes of this file go out (``total``
    is ``None`` when unknown).
    """

    source: FileSource
    filename: str | None = None
    size: int | None = None
    content_type: str | None = None
    progress: Progress | None = None


class FilePart:
    """One file part: where its bytes come from and whether they can be re-read."""

    def __init__(self, field: str, upload: FileUpload) -> None:
        source = upload.source
        self.field = field
        self.filename = filename_of(field, upload)
        self.content_type = (
            upload.content_type
            or mimetypes.guess_type(self.filename)[0]
            or "application/octet-stream"
        )
        self.source = source
        self.size = upload.size
        self.progress = upload.progress
        self.started = False
        self.start_offset = 0

    async def measure(self) -> None:
        """Learn the size and starting offset, in a worker thread for files."""
        source = self.source
        if isinstance(source, bytes):
            self.size = len(source)
        elif isinstance(source, (str, os.PathLike)):
            try:
                stat = await anyio.to_thread.run_sync(os.stat, source)
            except OSError as exc:
                raise InvalidArgumentError(
                    f"file {self.field!r} cannot be read: {exc.strerror}"
                ) from exc
            self.size = stat.st_size
        elif _is_file(source) and source.seekable():
            self.start_offset, end = await anyio.to_thread.run_sync(_span, source)
            self.size = end - self.start_offset

    @property
    def rewindable(self) -> bool:
        """Whether the bytes can be sent again (or were never read)."""
        source = self.source
        if not self.started or isinstance(source, (bytes, str, os.PathLike)):
            return True
        return _is_file(source) and source.seekable()

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the file's bytes, reading any file in a worker thread."""
        if self.started and _is_file(self.source):
            await anyio.to_thread.run_sync(self.source.seek, self.start_offset)
        self.started = True
        source = self.source
        if isinstance(source, bytes):
            view = memoryview(source)
            for start in range(0, len(view), CHUNK_SIZE):
                yield bytes(view[start : start + CHUNK_SIZE])
        elif isinstance(source, (str, os.PathLike)):
            handle = await anyio.to_thread.run_sync(_open, source)
            try:
                async for chunk in _read_all(handle):
                    yield chunk
            finally:
                await anyio.to_thread.run_sync(handle.close)
        elif isinstance(source, AsyncIterable):
            async for chunk in source:
                yield bytes(chunk)
        else:
            async for chunk in _read_all(source):
                yield chunk


def file_parts(files: Mapping[str, FileSource | FileUpload]) -> list[FilePart]:
    """Normalise the ``files`` argument, refusing what cannot be sent."""
    parts = []
    for field, value in files.items():
        upload = value if isinstance(value, FileUpload) else FileUpload(value)
        source = upload.source
        if not (
            isinstance(source, (bytes, str, os.PathLike, AsyncIterable))
            or _is_file(source)
        ):
            raise InvalidArgumentError(
                f"file {field!r} must be a path, bytes, a binary file object or an "
                "async iterable of bytes"
            )
        size = upload.size
        if size is not None and (
            isinstance(size, bool) or not isinstance(size, int) or size < 0
        ):
            raise InvalidArgumentError(f"file {field!r} size must be an integer >= 0")
        if not isinstance(field, str) or not field:
            raise InvalidArgumentError("file field names must be non-empty strings")
        content_type = upload.content_type
        # It goes into a part header as is: a line break would forge a header.
        if content_type is not None and (
            not isinstance(content_type, str) or _has_control(content_type)
        ):
            raise InvalidArgumentError(
                f"file {field!r} content_type must be text without control characters"
            )
        if upload.filename is not None and not isinstance(upload.filename, str):
            raise InvalidArgumentError(f"file {field!r} filename must be a string")
        parts.append(FilePart(field, upload))
    return parts


class MultipartBody:
    """A ``multipart/form-data`` body: the signed fields, then the file parts."""

    def __init__(self, fields: Mapping[str, str], parts: list[FilePart]) -> None:
        self._boundary = secrets.token_hex(16)
        self._head = b"".join(
            self._part_header(name, None, None) + value.encode() + b"\r\n"
            for name, value in fields.items()
        )
        self._parts = parts
        self._tail = f"--{self._boundary}--\r\n".encode()
        self._file_headers = [
            self._part_header(p.field, p.filename, p.content_type) for p in parts
        ]

    @property
    def headers(self) -> dict[str, str]:
        """Content type with the boundary, and the length whenever it is known."""
        headers = {"Content-Type": f"multipart/form-data; boundary={self._boundary}"}
        sizes = [part.size for part in self._parts]
        if all(size is not None for size in sizes):
            fixed = len(self._head) + len(self._tail) + 2 * len(self._parts)
            fixed += sum(len(header) for header in self._file_headers)
            headers["Content-Length"] = str(fixed + sum(s or 0 for s in sizes))
        return headers

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._head
        for part, header in zip(self._parts, self._file_headers, strict=True):
            yield header
            sent = 0
            async for chunk in part.chunks():
                sent += len(chunk)
                yield chunk
                if part.progress is not None:
                    part.progress(sent, part.size)
            if part.size is not None and sent != part.size:
                raise InvalidArgumentError(
                    f"file {part.field!r} gave {sent} bytes but its size is "
                    f"{part.size}; it changed while being sent"
                )
            yield b"\r\n"
        yield self._tail

    def _part_header(
        self, name: str, filename: str | None, content_type: str | None
    ) -> bytes:
        disposition = f'form-data; name="{_escape(name)}"'
        if filename is not None:
            disposition += f'; filename="{_escape(filename)}"'
        lines = [f"--{self._boundary}", f"Content-Disposition: {disposition}"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _escape(value: str) -> str:
    """Escape a quoted header value the way browsers do; the rest stays raw UTF-8."""
    return value.translate(_ESCAPES)


def filename_of(field: str, upload: FileUpload) -> str:
    """Name the file as it will be sent: as given, else from its path or object."""
    if upload.filename:
        return upload.filename
    source = upload.source
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name)
    return field


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def _is_file(source: object) -> TypeGuard[IO[bytes]]:
    return callable(getattr(source, "read", None))


def _open(path: str | os.PathLike[str]) -> IO[bytes]:
    return open(path, "rb")


def _span(handle: IO[bytes]) -> tuple[int, int]:
    start = handle.tell()
    end = handle.seek(0, os.SEEK_END)
    handle.seek(start)
    return start, end


async def _read_all(handle: IO[bytes]) -> AsyncIterator[bytes]:
    while chunk := await anyio.to_thread.run_sync(handle.read, CHUNK_SIZE):
        yield chunk
