"""Checking the class events the service posts to an account's callback URL."""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping

from ._errors import InvalidArgumentError
from ._signing import sign

__all__ = ["verify_callback"]


def verify_callback(
    fields: Mapping[str, str], partner_key: str, *, max_age: float = 300
) -> bool:
    """Tell whether a posted callback is authentic and fresh.

    The service signs callbacks with the request rule over every field but
    ``sign``. The signature is compared in constant time, and ``timestamp`` (unix
    seconds) must lie within ``max_age`` seconds of now in either direction, so a
    captured callback cannot be replayed later. Hostile or malformed input (a
    missing field, a non-text value, a non-numeric timestamp) gives ``False`` and
    never raises; only a wrong ``partner_key`` or ``max_age`` does, being the
    caller's own mistake.
    """
    if not isinstance(partner_key, str) or not partner_key:
        raise InvalidArgumentError("partner_key must be a non-empty string")
    if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
        raise InvalidArgumentError("max_age must be a number of seconds >= 0")
    if not max_age >= 0:
        raise InvalidArgumentError("max_age must be a number of seconds >= 0")

    try:
        pairs = dict(fields.items())
    except (AttributeError, TypeError, ValueError):
        return False
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()):
        return False
    given, stamp = pairs.get("sign"), pairs.get("timestamp")
    if given is None or stamp is None or not _is_unix_seconds(stamp):
        return False
    if abs(time.time() - int(stamp)) > max_age:
        return False
    try:
        expected = sign(pairs, partner_key)
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _is_unix_seconds(stamp: str) -> bool:
    return 0 < len(stamp) <= 12 and stamp.isascii() and stamp.isdigit()
