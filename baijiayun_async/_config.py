"""Client configuration: where requests go and how long they may take."""

from __future__ import annotations

import ipaddress
import math
import re

import attrs
import httpx

from ._errors import InvalidArgumentError

__all__ = ["RateLimit", "Timeout", "resolve_base_url"]

_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < math.inf
    ):
        raise InvalidArgumentError(
            f"{attribute.name} must be a positive number of seconds"
        )


@attrs.frozen
class Timeout:
    """Per-phase socket timeouts and one deadline for a whole call, in seconds.

    ``total`` bounds the time a call spends with the service: sending, waiting
    for answers, and backing off between retries. Time queued behind the same
    client's other callers (for a connection slot or the rate limit) is not
    counted, so gathering thousands of calls queues them instead of failing them;
    bound that wait yourself with ``asyncio.timeout`` if you need to.
    """

    total: float = attrs.field(default=60.0, validator=_positive)
    connect: float = attrs.field(default=10.0, validator=_positive)
    read: float = attrs.field(default=30.0, validator=_positive)
    write: float = attrs.field(default=30.0, validator=_positive)
    pool: float = attrs.field(default=30.0, validator=_positive)

    @classmethod
    def of(cls, value: Timeout | float) -> Timeout:
        """Take a ``Timeout`` as is; a number is the per-call deadline."""
        if isinstance(value, Timeout):
            return value
        default = cls()
        return cls(
            total=value,
            connect=min(default.connect, value),
            read=min(default.read, value),
            write=min(default.write, value),
            pool=min(default.pool, value),
        )

    def for_httpx(self) -> httpx.Timeout:
        """Return the per-phase part in httpx's terms."""
        return httpx.Timeout(
            connect=self.connect, read=self.read, write=self.write, pool=self.pool
        )


@attrs.frozen
class RateLimit:
    """At most ``requests`` requests may start within any ``per`` seconds.

    The default is the service's documented limit for one account, 200 requests
    per 10 s across all endpoints. Several processes sharing an account should
    split it between them.
    """

    requests: int = attrs.field(default=200)
    per: float = attrs.field(default=10.0, validator=_positive)

    @requests.validator
    def _check_requests(self, _: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidArgumentError("rate_limit requests must be an integer >= 1")


def resolve_base_url(private_domain: str | None, base_url: str | None) -> str:
    """Return the URL that ``openapi/<path>`` is appended to, ending in ``/``.

    The signed traffic of an account must only ever go to that account's own
    ``https://<label>.at.baijiayun.com/`` host, so ``private_domain`` is refused
    unless it is a single DNS label. ``base_url`` (the fake server, a sandbox) may
    use plain http only on a loopback address.
    """
    if base_url is not None:
        if private_domain is not None:
            raise InvalidArgumentError(
                "pass either private_domain or base_url, not both"
            )
        return _check_base_url(base_url)
    if private_domain is None:
        raise InvalidArgumentError(
            "private_domain is required (the account's label in "
            "https://<private_domain>.at.baijiayun.com/), or pass base_url"
        )
    label = private_domain.lower() if isinstance(private_domain, str) else ""
    if not _DOMAIN_LABEL.fullmatch(label):
        raise InvalidArgumentError(
            "private_domain must be one DNS label: 1 to 63 characters of a-z, 0-9 "
            "and '-', not starting or ending with '-'"
        )
    return f"https://{label}.at.baijiayun.com/"


def _check_base_url(base_url: str) -> str:
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidArgumentError("base_url is not a valid URL") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidArgumentError("base_url must be an absolute http(s) URL")
    if url.userinfo or url.query or url.fragment:
        raise InvalidArgumentError(
            "base_url must not carry credentials, a query or a fragment"
        )
    if url.scheme == "http" and not _is_loopback(url.host):
        raise InvalidArgumentError(
            "base_url may use plain http only on a loopback address; use https"
        )
    text = str(url)
    return text if text.endswith("/") else text + "/"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
