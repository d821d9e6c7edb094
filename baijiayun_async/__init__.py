"""Asyncio SDK for the Baijiayun small-class live-classroom server API."""

import logging

from ._bulk import CreateResult
from ._callbacks import verify_callback
from ._client import BaijiayunClient
from ._config import RateLimit, Timeout
from ._errors import (
    AccountError,
    APIError,
    BaijiayunError,
    ConnectError,
    EndpointNotFoundError,
    HTTPStatusError,
    InvalidArgumentError,
    MalformedResponseError,
    OutcomeUnknownError,
    ParameterError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseValidationError,
    RoomDeletedError,
    RoomNotFoundError,
    SignatureError,
    TransportError,
    UploadFailedError,
)
from ._models import (
    AccountDoc,
    AttendanceRecord,
    ChatMessage,
    ClientType,
    CodeInfo,
    CreatedRoom,
    DocBinding,
    Page,
    Question,
    QuestionOption,
    Room,
    RoomDoc,
    RoomType,
    RoomUserStat,
    StudentAnswer,
    StudentCode,
    UploadedDoc,
    UserCount,
    UserRole,
)
from ._multipart import FileUpload
from ._pagination import Paginator
from ._signing import sign

__all__ = [
    "APIError",
    "AccountDoc",
    "AccountError",
    "AttendanceRecord",
    "BaijiayunClient",
    "BaijiayunError",
    "ChatMessage",
    "ClientType",
    "CodeInfo",
    "ConnectError",
    "CreateResult",
    "CreatedRoom",
    "DocBinding",
    "EndpointNotFoundError",
    "FileUpload",
    "HTTPStatusError",
    "InvalidArgumentError",
    "MalformedResponseError",
    "OutcomeUnknownError",
    "Page",
    "Paginator",
    "ParameterError",
    "PermissionDeniedError",
    "Question",
    "QuestionOption",
    "RateLimit",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "Room",
    "RoomDeletedError",
    "RoomDoc",
    "RoomNotFoundError",
    "RoomType",
    "RoomUserStat",
    "SignatureError",
    "StudentAnswer",
    "StudentCode",
    "Timeout",
    "TransportError",
    "UploadFailedError",
    "UploadedDoc",
    "UserCount",
    "UserRole",
    "sign",
    "verify_callback",
]
__version__ = "0.1.0.dev0"

# A library logs; the application decides where to. Without this, retry warnings
# would reach stderr through logging's last-resort handler.
logging.getLogger("baijiayun_async").addHandler(logging.NullHandler())
