"""One path for every call: sign, send, decode the envelope, retry what is safe."""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import re
import time
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from ._config import RateLimit, Timeout
from ._errors import (
    BaijiayunError,
    ConnectError,
    HTTPStatusError,
    InvalidArgumentError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
    api_error,
    excerpt,
)
from ._multipart import FilePart, FileSource, FileUpload, MultipartBody, file_parts
from ._params import render
from ._pool import Pool
from ._ratelimit import RateLimiter
from ._signing import sign

__all__ = ["NOT_REPLAYABLE", "Files", "Transport"]

logger = logging.getLogger("baijiayun_async")

#: Calls that change state without an idempotency key: replaying one that may have
#: reached the server could create a second room, upload or binding, or rotate the
#: partner key twice.
NOT_REPLAYABLE = frozenset(
    {"room/create", "doc/uploadDoc", "doc/bindDoc", "partner/createkey"}
)

#: Answers on these paths carry credentials; their bodies never enter a message.
_SECRET_BEARING = frozenset({"partner/createkey"})

USER_AGENT = f"baijiayun-async/{version('baijiayun-async')}"

#: The longest ``Retry-After`` the client obeys; a longer one is cut to this.
MAX_RETRY_AFTER = 30.0

_PATH = re.compile(r"[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*")
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}

Files = Mapping[str, "FileSource | FileUpload"]


class Transport:
    """Signs and sends calls over one httpx pool, with retries and a deadline."""

    def __init__(
        self,
        *,
        partner_id: int,
        partner_key: str,
        base_url: str,
        timeout: Timeout,
        max_retries: int,
        max_connections: int,
        rate_limit: RateLimit | None,
        http_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._partner_id = str(partner_id)
        self._partner_key = partner_key
        self._endpoint = base_url + "openapi/"
        self._timeout = timeout
        self._max_retries = max_retries
        self._limiter = (
            RateLimiter(rate_limit.requests, rate_limit.per) if rate_limit else None
        )

        def make_client() -> httpx.AsyncClient:
            return httpx.AsyncClient(
                timeout=timeout.for_httpx(),
                limits=httpx.Limits(
                    max_connections=max_connections,
                    max_keepalive_connections=max_connections,
                ),
                headers={"User-Agent": USER_AGENT},
                transport=transport,
            )

        self._pool = Pool(
            http_client=http_client,
            make_client=make_client,
            max_connections=max_connections,
        )

    async def call(
        self,
        path: str,
        params: Mapping[str, object],
        files: Files | None,
    ) -> Any:
        """Send one API call and return the envelope's ``data``."""
        if not isinstance(path, str) or not _PATH.fullmatch(path):
            raise InvalidArgumentError(
                f"path {path!r} must be relative to openapi/, e.g. 'room/info'"
            )
        rendered = render(params)
        parts = file_parts(files or {})
        for part in parts:
            await part.measure()
        replayable = path not in NOT_REPLAYABLE

        def retryable(exc: BaseException) -> bool:
            rewindable = all(part.rewindable for part in parts)
            return rewindable and _is_retryable(exc, replayable)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._max_retries + 1),
            wait=_wait,
            retry=retry_if_exception(retryable),
            before_sleep=_log_retry,
            sleep=_sleep,
            reraise=True,
        )

        maybe_sent = False
        try:
            with anyio.fail_after(self._timeout.total):
                async for attempt in retrying:
                    with attempt:
                        number = attempt.retry_state.attempt_number
                        maybe_sent = True
                        return await self._attempt(
                            path, rendered, parts, number, replayable
                        )
        except TimeoutError as exc:
            deadline = f"the per-call deadline of {self._timeout.total}s ran out"
            if maybe_sent and not replayable:
                raise OutcomeUnknownError(path, deadline) from exc
            raise RequestTimeoutError(
                deadline, path=path, request_sent=maybe_sent
            ) from exc
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    async def _attempt(
        self,
        path: str,
        rendered: dict[str, str],
        parts: list[FilePart],
        attempt: int,
        replayable: bool,
    ) -> Any:
        if self._limiter is not None:
            await self._limiter.acquire()
        started = time.perf_counter()

        try:
            response = await self._pool.send(
                lambda pool: self._build(pool, path, rendered, parts)
            )
        except httpx.TransportError as exc:
            _log_attempt(path, "-", "-", started, attempt)
            error = _transport_error(path, exc)
            if error.request_sent and not replayable:
                raise OutcomeUnknownError(path, type(exc).__name__) from error
            raise error from exc

        try:
            data = _decode(path, response)
        except HTTPStatusError as exc:
            _log_attempt(path, response.status_code, "-", started, attempt)
            if exc.status_code >= 500 and not replayable:
                raise OutcomeUnknownError(path, f"HTTP {exc.status_code}") from exc
            raise
        except BaijiayunError as exc:
            code = getattr(exc, "code", "-")
            _log_attempt(path, response.status_code, code, started, attempt)
            raise
        _log_attempt(path, response.status_code, 0, started, attempt)
        return data

    def _build(
        self,
        pool: httpx.AsyncClient,
        path: str,
        rendered: dict[str, str],
        parts: list[FilePart],
    ) -> httpx.Request:
        form = {
            **rendered,
            "partner_id": self._partner_id,
            "timestamp": _timestamp(),
        }
        form["sign"] = sign(form, self._partner_key)
        url = self._endpoint + path
        if parts:
            multipart = MultipartBody(form, parts)
            return pool.build_request(
                "POST", url, content=multipart, headers=multipart.headers
            )
        body = urlencode(form).encode("ascii")
        return pool.build_request("POST", url, content=body, headers=_FORM)

    async def aclose(self) -> None:
        """Close the pool of the running loop if this transport opened it."""
        await self._pool.aclose()


def _timestamp() -> str:
    return str(int(time.time()))


def _transport_error(path: str, exc: httpx.TransportError) -> TransportError:
    reason = type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return ConnectError(f"could not connect ({reason})", path=path)
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connect",
            httpx.PoolTimeout: "pool",
            httpx.ReadTimeout: "read",
            httpx.WriteTimeout: "write",
        }.get(type(exc), "request")
        sent = phase not in ("connect", "pool")
        return RequestTimeoutError(f"{phase} timeout", path=path, request_sent=sent)
    return TransportError(f"connection failed ({reason})", path=path)


def _decode(path: str, response: httpx.Response) -> Any:
    body = response.content
    shown = _shown(path, body)
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None

    code = _envelope_code(payload)
    # HTTP 429 is the one status that outranks the envelope: whatever code an
    # overloaded service puts in its body, the answer means "slow down and retry".
    if response.status_code == 429:
        raise RateLimitedError(
            path, 429, shown, retry_after=_retry_after(response.headers)
        )
    if code is not None and code != 0:
        msg = payload.get("msg")
        raise api_error(code, msg if isinstance(msg, str) else str(msg), path)
    if not response.is_success:
        raise HTTPStatusError(
            path,
            response.status_code,
            shown,
            retry_after=_retry_after(response.headers),
        )
    if code is None:
        raise MalformedResponseError(path, "body is not the JSON envelope", shown)
    return payload.get("data")


def _envelope_code(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    code = payload.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return None


def _shown(path: str, body: bytes) -> str:
    if path in _SECRET_BEARING:
        return f"<{len(body)} bytes, not shown: the answer may hold credentials>"
    return excerpt(body)


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _is_retryable(exc: BaseException, replayable: bool) -> bool:
    if isinstance(exc, TransportError):
        return replayable or not exc.request_sent
    if isinstance(exc, HTTPStatusError):
        return replayable and (exc.status_code >= 500 or exc.status_code == 429)
    return False


_backoff = wait_random_exponential(multiplier=0.25, max=8.0)
_sleep = asyncio.sleep


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        return float(min(retry_after, MAX_RETRY_AFTER))
    return float(_backoff(state))


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    delay = state.next_action.sleep if state.next_action else 0.0
    path = getattr(exc, "path", "?")
    logger.warning(
        "retrying %s in %.2fs after %s (attempt %d failed)",
        path,
        delay,
        _reason(exc),
        state.attempt_number,
    )


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, HTTPStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, TransportError):
        return f"{type(exc).__name__} ({exc.reason})"
    return type(exc).__name__


def _log_attempt(
    path: str, status: int | str, code: int | str, started: float, attempt: int
) -> None:
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(
        "POST openapi/%s status=%s code=%s elapsed_ms=%.1f attempt=%d",
        path,
        status,
        code,
        elapsed_ms,
        attempt,
    )
