"""Decode a request's form body, urlencoded or multipart, without keeping file bytes.

File parts are streamed through: the fake keeps their name, type, size and MD5,
never the content, so a test can upload a gigabyte without holding it in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["Form", "FormError", "UploadedFile", "read_form"]

#: Bounds on everything that is not a file part; a real form here is a few hundred
#: bytes, so anything near these is a broken or hostile client.
_MAX_FIELDS_BYTES = 1024 * 1024
_MAX_FIELDS = 1000


class FormError(Exception):
    """The body cannot be decoded as a form; the service answers a parameter error."""


@dataclass(frozen=True)
class UploadedFile:
    """What the fake keeps of an uploaded file part: its description, not its bytes."""

    field: str
    filename: str
    content_type: str | None
    size: int
    md5: str


@dataclass
class Form:
    """The decoded text fields (last one wins) and file parts of a request."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


async def read_form(content_type: str, chunks: AsyncIterator[bytes]) -> Form:
    """Decode a body by its ``Content-Type``; an empty type means an empty body."""
    kind, options = parse_options_header(content_type)
    if kind == b"multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary:
            raise FormError("multipart body without a boundary")
        return await _read_multipart(boundary, chunks)
    if kind in (b"application/x-www-form-urlencoded", b""):
        return await _read_urlencoded(chunks)
    raise FormError(f"unsupported content type {kind.decode('latin-1')!r}")


async def _read_urlencoded(chunks: AsyncIterator[bytes]) -> Form:
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > _MAX_FIELDS_BYTES:
            raise FormError("form body too large")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except ValueError as exc:  # also UnicodeDecodeError
        raise FormError("form body is not valid UTF-8 urlencoded text") from exc
    return Form(fields=dict(pairs))


class _MultipartCollector:
    """Callbacks for the streaming parser: text parts kept, file parts measured."""

    def __init__(self) -> None:
        self.form = Form()
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._field_bytes = 0
        self._name = ""
        self._filename: str | None = None
        self._value = bytearray()
        self._size = 0
        self._md5 = hashlib.md5(usedforsecurity=False)

    def parser(self, boundary: bytes) -> MultipartParser:
        return MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        name = bytes(self._header_name).strip().lower()
        self._headers[name] = bytes(self._header_value).strip()
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name")
        if name is None:
            raise FormError("multipart part without a name")
        self._name = name.decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._filename = (
            None if filename is None else filename.decode("utf-8", "replace")
        )
        self._value.clear()
        self._size = 0
        self._md5 = hashlib.md5(usedforsecurity=False)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._filename is not None:
            self._size += end - start
            self._md5.update(data[start:end])
            return
        self._field_bytes += end - start
        if self._field_bytes > _MAX_FIELDS_BYTES:
            raise FormError("form fields too large")
        self._value += data[start:end]

    def _part_end(self) -> None:
        if self._filename is None:
            if len(self.form.fields) >= _MAX_FIELDS:
                raise FormError("too many form fields")
            try:
                self.form.fields[self._name] = self._value.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormError(f"field {self._name!r} is not UTF-8") from exc
            return
        content_type = self._headers.get(b"content-type")
        self.form.files[self._name] = UploadedFile(
            field=self._name,
            filename=self._filename,
            content_type=None
            if content_type is None
            else content_type.decode("latin-1"),
            size=self._size,
            md5=self._md5.hexdigest(),
        )


async def _read_multipart(boundary: bytes, chunks: AsyncIterator[bytes]) -> Form:
    collector = _MultipartCollector()
    parser = collector.parser(boundary)
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise FormError("malformed multipart body") from exc
    return collector.form
