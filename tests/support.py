"""Constants and helpers shared by the unit tests."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx

PARTNER_ID = 12345678
#: The key of the vendor document's signing example.
PARTNER_KEY = (
    "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+"
    "AmNJDdLmzU89zKUAP3Xg=="
)
BASE = "https://demo123.at.baijiayun.com/openapi/"


def envelope(data: object = None, code: int = 0, msg: str = "") -> dict[str, object]:
    """Build the service's JSON envelope."""
    return {"code": code, "msg": msg, "data": data, "ts": 1564729477}


def sent_form(request: httpx.Request) -> dict[str, str]:
    """Decode a form-encoded request body the way a server would."""
    return dict(parse_qsl(request.content.decode("ascii"), keep_blank_values=True))
