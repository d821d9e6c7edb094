"""The request signature: MD5 over the sorted, raw parameter string plus the key."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

__all__ = ["sign"]


def sign(params: Mapping[str, str], partner_key: str) -> str:
    """Return the lowercase hex MD5 signature of already-rendered parameters.

    Keys are sorted by their UTF-8 bytes and joined as ``k=v&...`` with the raw,
    un-encoded values; ``&partner_key=<key>`` is appended last and never sorted.
    A ``sign`` entry, if present, is left out, so the same function serves both
    outgoing requests and incoming callbacks.
    """
    pairs = sorted(
        (key.encode(), value.encode()) for key, value in params.items() if key != "sign"
    )
    payload = b"&".join(key + b"=" + value for key, value in pairs)
    if payload:
        payload += b"&"
    payload += b"partner_key=" + partner_key.encode()
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()
