"""Checking the class events the service posts to an account's callback URL."""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping

from ._errors import InvalidArgumentError
from ._signing import sign

__all__ = ["check_partner_key", "verify_callback"]


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
    check_partner_key(partner_key)
    if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
        raise InvalidArgumentError("max_age must be a number of seconds >= 0")
    if not max_age >= 0:
        raise InvalidArgumentError("max_age must be a number of seconds >= 0")

    pairs: dict[str, str] = {}
    try:
        for key, value in fields.items():
            # A repeated key (a multidict form) could smuggle a second value
            # past the signature: the app might read the one that was not signed.
            if not isinstance(key, str) or not isinstance(value, str) or key in pairs:
                return False
            pairs[key] = value
    except (AttributeError, TypeError, ValueError):
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


def check_partner_key(partner_key: object) -> None:
    """Refuse a key that cannot sign: empty, not text, or not encodable as UTF-8.

    The message never holds the key itself.
    """
    if not isinstance(partner_key, str) or not partner_key:
        raise InvalidArgumentError("partner_key must be a non-empty string")
    try:
        partner_key.encode()
    except UnicodeEncodeError:
        raise InvalidArgumentError("partner_key must be encodable as UTF-8") from None


def _is_unix_seconds(stamp: str) -> bool:
    return 0 < len(stamp) <= 12 and stamp.isascii() and stamp.isdigit()
