"""Every exception the SDK raises, rooted at one base class.

    BaijiayunError
    ├── InvalidArgumentError (also ValueError): refused before anything is sent
    ├── TransportError: no usable HTTP answer arrived
    │   ├── ConnectError: the connection never opened, so nothing was sent
    │   └── RequestTimeoutError: a phase or the per-call deadline ran out
    ├── OutcomeUnknownError: a call that must not be replayed may have reached
    │   the server; whether it acted is unknown
    ├── HTTPStatusError: a non-2xx answer that is not an API error envelope
    │   └── RateLimitedError: HTTP 429, the service asked us to slow down
    ├── MalformedResponseError: the body is not the ``{code, msg, data}`` envelope
    │   └── ResponseValidationError: ``data`` does not fit the endpoint's model
    └── APIError: the envelope carried a non-zero ``code``
        ├── EndpointNotFoundError      404
        ├── ParameterError             1001
        ├── SignatureError             1002
        ├── AccountError               2001, 2003
        ├── PermissionDeniedError      2002
        ├── RoomNotFoundError          3001
        │   └── RoomDeletedError       3002
        └── UploadFailedError          4001

No message, attribute or ``repr`` here ever holds a key, a signature or a
parameter value: they are safe to log and paste into a bug report.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "APIError",
    "AccountError",
    "BaijiayunError",
    "ConnectError",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "InvalidArgumentError",
    "MalformedResponseError",
    "OutcomeUnknownError",
    "ParameterError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "RoomDeletedError",
    "RoomNotFoundError",
    "SignatureError",
    "TransportError",
    "UploadFailedError",
    "api_error",
]

_EXCERPT_CHARS = 200
_CONTROL_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def excerpt(body: bytes | str) -> str:
    r"""Shorten server text for an error message, and make it safe to print.

    Control characters become ``\xNN``-style escapes, so an answer cannot forge log
    lines or send escape sequences to a terminal.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if len(text) > _EXCERPT_CHARS:
        text = text[:_EXCERPT_CHARS] + f"… ({len(text)} chars)"
    return text.translate(_CONTROL_ESCAPES)


class BaijiayunError(Exception):
    """Base class of every error raised by this SDK."""


class InvalidArgumentError(BaijiayunError, ValueError):
    """An argument breaks a documented rule; nothing was sent."""


class TransportError(BaijiayunError):
    """The call got no usable HTTP answer (network failure or timeout).

    ``request_sent`` is false only when the request certainly never left the
    client, which makes a retry safe for every endpoint.
    """

    def __init__(self, reason: str, *, path: str, request_sent: bool = True) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.request_sent = request_sent


class ConnectError(TransportError):
    """The connection could not be opened; the request was never sent."""

    def __init__(self, reason: str, *, path: str) -> None:
        super().__init__(reason, path=path, request_sent=False)


class RequestTimeoutError(TransportError):
    """A connect, read, write or pool timeout, or the per-call deadline, ran out."""


class OutcomeUnknownError(BaijiayunError):
    """A non-repeatable call failed after it may have reached the server.

    The SDK does not replay such calls (``room/create`` would create a second room),
    so the caller must find out whether the server acted, e.g. by listing rooms.
    The failure that caused it is chained as ``__cause__``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"{path}: outcome unknown, the request may have reached the server "
            f"and was not repeated ({reason})"
        )
        self.path = path
        self.reason = reason


class HTTPStatusError(BaijiayunError):
    """The server answered with a non-2xx status and no API error envelope."""

    def __init__(
        self,
        path: str,
        status_code: int,
        body_excerpt: str,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{path}: HTTP {status_code}: {body_excerpt}")
        self.path = path
        self.status_code = status_code
        self.body_excerpt = body_excerpt
        self.retry_after = retry_after


class RateLimitedError(HTTPStatusError):
    """HTTP 429: the account or the calling address sent too many requests."""


class MalformedResponseError(BaijiayunError):
    """The body is not the documented JSON envelope."""

    def __init__(self, path: str, problem: str, body_excerpt: str) -> None:
        super().__init__(f"{path}: {problem}: {body_excerpt}")
        self.path = path
        self.problem = problem
        self.body_excerpt = body_excerpt


class ResponseValidationError(MalformedResponseError):
    """The envelope's ``data`` does not fit the endpoint's model.

    ``fields`` lists every offending field path, such as ``list[3].user_number``.
    """

    def __init__(self, path: str, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        problem = "response does not fit the model at " + ", ".join(self.fields)
        super().__init__(path, problem, "")
        self.args = (f"{path}: {problem}",)

    def __str__(self) -> str:
        return str(self.args[0])


class APIError(BaijiayunError):
    """The service answered with a non-zero ``code``; ``msg`` says why."""

    def __init__(self, code: int, msg: str, path: str) -> None:
        super().__init__(f"{path}: code {code}: {excerpt(msg)}")
        self.code = code
        self.msg = msg
        self.path = path


class EndpointNotFoundError(APIError):
    """Code 404: the path does not exist."""


class ParameterError(APIError):
    """Code 1001: a parameter is missing or invalid."""


class SignatureError(APIError):
    """Code 1002: the signature does not match (wrong key or altered field)."""


class AccountError(APIError):
    """Codes 2001 and 2003: the account does not exist or its service is stopped."""


class PermissionDeniedError(APIError):
    """Code 2002: the account lacks the permission for this call."""


class RoomNotFoundError(APIError):
    """Code 3001: the room does not exist."""


class RoomDeletedError(RoomNotFoundError):
    """Code 3002: the room was deleted."""


class UploadFailedError(APIError):
    """Code 4001: the file upload failed."""


_API_ERRORS: dict[int, type[APIError]] = {
    404: EndpointNotFoundError,
    1001: ParameterError,
    1002: SignatureError,
    2001: AccountError,
    2002: PermissionDeniedError,
    2003: AccountError,
    3001: RoomNotFoundError,
    3002: RoomDeletedError,
    4001: UploadFailedError,
}


def api_error(code: int, msg: str, path: str) -> APIError:
    """Build the most specific ``APIError`` for a vendor code."""
    return _API_ERRORS.get(code, APIError)(code, msg, path)
