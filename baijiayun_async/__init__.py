"""Asyncio SDK for the Baijiayun small-class live-classroom server API."""

from ._client import BaijiayunClient
from ._config import Timeout
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
from ._multipart import FileUpload
from ._signing import sign

__all__ = [
    "APIError",
    "AccountError",
    "BaijiayunClient",
    "BaijiayunError",
    "ConnectError",
    "EndpointNotFoundError",
    "FileUpload",
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
    "Timeout",
    "TransportError",
    "UploadFailedError",
    "sign",
]
__version__ = "0.1.0.dev0"
