"""One path for every call: sign, send, decode the envelope, retry what is safe."""

from __future__ import annotations

import asyncio
import email.utils
import functools
import itertools
import json
import logging
import math
import random
import re
import sys
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx

from ._config import RateLimit, Timeout
from ._errors import (
    APIError,
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

#: The largest answer read (decoded); a thousand listed rooms take about 1 MiB.
MAX_ANSWER_BYTES = 64 * 1024 * 1024

#: The longest ``Retry-After`` the client obeys; a longer one is cut to this.
MAX_RETRY_AFTER = 30.0

#: Back-off before retry ``n`` is drawn from 0 to ``min(BACKOFF_CAP, BACKOFF_BASE *
#: 2 ** (n - 1))`` seconds: full jitter, so clients that failed together spread out.
BACKOFF_BASE = 0.25
BACKOFF_CAP = 8.0

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
                headers={"User-Agent": _user_agent()},
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
        parts = file_parts(files) if files else []
        for part in parts:
            await part.measure()
        replayable = path not in NOT_REPLAYABLE

        # A plain loop rather than a retry library: this runs on every call, and
        # a generic retry object costs more per call than the rest of the SDK.
        budget = _Budget(self._timeout.total)
        for attempt in itertools.count(1):
            try:
                return await self._attempt(
                    path,
                    rendered,
                    parts,
                    attempt=attempt,
                    replayable=replayable,
                    budget=budget,
                )
            except BaijiayunError as exc:
                rewindable = all(part.rewindable for part in parts)
                if (
                    attempt > self._max_retries
                    or budget.left <= 0
                    or not (rewindable and _is_retryable(exc, replayable))
                ):
                    raise
                delay = _delay(exc, attempt)
                _log_retry(path, exc, delay, attempt)
            try:
                async with budget:
                    await _sleep(delay)
            except TimeoutError as exc:
                raise budget.exceeded(path, replayable) from exc
        raise AssertionError("unreachable: the loop returns or raises")

    async def _attempt(
        self,
        path: str,
        rendered: dict[str, str],
        parts: list[FilePart],
        *,
        attempt: int,
        replayable: bool,
        budget: _Budget,
    ) -> Any:
        # Waiting for a slot and for the rate limit is this client pacing its own
        # callers, so it happens outside the deadline: gathering thousands of
        # calls queues them instead of timing them out.
        lane = await self._pool.lane()
        async with lane.slots:
            if self._limiter is not None:
                await self._limiter.acquire()
            request = self._build(lane.client, path, rendered, parts)
            budget.sent = True
            started = time.perf_counter()
            failure: BaijiayunError | None = None
            try:
                async with budget:
                    response, body = await _exchange(lane.client, request)
            except TimeoutError:
                failure = budget.exceeded(path, replayable)
            except BaijiayunError:
                raise  # our own, from the multipart body: the caller's file
            except Exception as exc:  # noqa: BLE001 -- every failure is typed here
                failure = _transport_error(path, exc)
        # Raised outside the handler, so that the httpx exception, whose request
        # holds the signed body, is not kept as this error's context.
        if failure is not None:
            _log_attempt(path, "-", "-", started, attempt)
            if isinstance(failure, TransportError) and (
                failure.request_sent and not replayable
            ):
                unknown = OutcomeUnknownError(path, failure.reason)
                unknown.__cause__ = failure
                raise unknown
            raise failure

        try:
            data = _decode(path, response, body)
        except (HTTPStatusError, MalformedResponseError) as exc:
            _log_attempt(path, response.status_code, "-", started, attempt)
            if not replayable and not isinstance(exc, RateLimitedError):
                raise OutcomeUnknownError(path, _reason(exc)) from exc
            raise
        except APIError as exc:
            _log_attempt(path, response.status_code, exc.code, started, attempt)
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


@functools.cache
def _user_agent() -> str:
    # importlib.metadata is slow to import; only a client that sends needs it.
    from importlib.metadata import version  # noqa: PLC0415

    return f"baijiayun-async/{version('baijiayun-async')}"


class _Budget:
    """The per-call deadline, spent only while the service has the call.

    Each ``async with budget:`` block (sending and waiting for the answer,
    backing off before a retry) runs within what is left and uses up the time it
    takes; time queued behind this client's own callers is spent outside any
    block. ``sent`` records whether a request was handed to the connection, and
    so may have arrived.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.left = seconds
        self.sent = False
        self._started = 0.0
        self._scope: Any = None

    if sys.version_info >= (3, 11):

        async def __aenter__(self) -> None:
            self._started = time.monotonic()
            self._scope = asyncio.timeout(max(self.left, 0.0))
            await self._scope.__aenter__()

        async def __aexit__(self, *exc_info: Any) -> bool | None:
            self.left -= time.monotonic() - self._started
            return await self._scope.__aexit__(*exc_info)  # type: ignore[no-any-return]

    else:  # pragma: no cover -- Python 3.10 has no asyncio.timeout

        async def __aenter__(self) -> None:
            self._started = time.monotonic()
            self._scope = anyio.fail_after(max(self.left, 0.0))
            self._scope.__enter__()

        async def __aexit__(self, *exc_info: Any) -> bool | None:
            self.left -= time.monotonic() - self._started
            return self._scope.__exit__(*exc_info)  # type: ignore[no-any-return]

    def exceeded(self, path: str, replayable: bool) -> BaijiayunError:
        """Return the error for a call whose deadline ran out."""
        reason = f"the per-call deadline of {self.seconds}s ran out"
        if self.sent and not replayable:
            return OutcomeUnknownError(path, reason)
        return RequestTimeoutError(reason, path=path, request_sent=self.sent)


def _transport_error(path: str, exc: Exception) -> TransportError:
    """Type a failure to exchange a request, keeping only its kind and message."""
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
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


async def _exchange(
    client: httpx.AsyncClient, request: httpx.Request
) -> tuple[httpx.Response, bytes | None]:
    """Send a request and read its answer; ``None`` for an answer too large to hold.

    A redirect is never followed: it would carry the signed body (a
    ``secret_key``, say) to whatever host the answer names.
    """
    response = await client.send(request, follow_redirects=False, stream=True)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                return response, None
            chunks.append(chunk)
    finally:
        await response.aclose()
    return response, b"".join(chunks)


def _decode(path: str, response: httpx.Response, body: bytes | None) -> Any:
    if body is None:
        raise MalformedResponseError(
            path, f"answer larger than {MAX_ANSWER_BYTES >> 20} MiB", "not read"
        )
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        payload = None

    code = _envelope_code(payload)
    # HTTP 429 is the one status that outranks the envelope: whatever code an
    # overloaded service puts in its body, the answer means "slow down and retry".
    if response.status_code == 429:
        raise RateLimitedError(
            path, 429, _shown(path, body), retry_after=_retry_after(response.headers)
        )
    if code is not None and code != 0:
        msg = payload.get("msg")
        raise api_error(code, msg if isinstance(msg, str) else str(msg), path)
    if not response.is_success:
        raise HTTPStatusError(
            path,
            response.status_code,
            _shown(path, body),
            retry_after=_retry_after(response.headers),
        )
    if code is None:
        raise MalformedResponseError(
            path, "body is not the JSON envelope", _shown(path, body)
        )
    return payload.get("data")


def _envelope_code(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    code = payload.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.isascii() and code.isdigit() and len(code) < 19:
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
            seconds = when.timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _is_retryable(exc: BaseException, replayable: bool) -> bool:
    if isinstance(exc, TransportError):
        return replayable or not exc.request_sent
    if isinstance(exc, HTTPStatusError):
        return replayable and (exc.status_code >= 500 or exc.status_code == 429)
    if isinstance(exc, MalformedResponseError):
        # A cut or garbled body is a failure after sending, like a lost answer.
        return replayable
    return False


_sleep = asyncio.sleep


def _backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (from 1), with full jitter."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return random.uniform(0, ceiling)  # noqa: S311 -- jitter, not a secret


def _delay(exc: BaseException, attempt: int) -> float:
    """Obey the service's ``Retry-After`` (capped), else back off exponentially."""
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        return float(min(retry_after, MAX_RETRY_AFTER))
    return float(_backoff(attempt))


def _log_retry(path: str, exc: BaseException, delay: float, attempt: int) -> None:
    logger.warning(
        "retrying %s in %.2fs after %s (attempt %d failed)",
        path,
        delay,
        _reason(exc),
        attempt,
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
    if not logger.isEnabledFor(logging.DEBUG):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(
        "POST openapi/%s status=%s code=%s elapsed_ms=%.1f attempt=%d",
        path,
        status,
        code,
        elapsed_ms,
        attempt,
    )
