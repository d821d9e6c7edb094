"""``client.partner``: the account's signing key."""

from __future__ import annotations

from collections.abc import Mapping

from .._checks import check_flags, check_text, merge_extra
from .._models import PartnerKeyBody
from ._base import Namespace

__all__ = ["Partner"]


class Partner(Namespace):
    """The account itself (``openapi/partner/...``)."""

    async def create_key(
        self,
        secret_key: str,
        *,
        regenerate: bool = False,
        extra_params: Mapping[str, object] | None = None,
    ) -> str:
        """Return the account's ``partner_key`` (``openapi/partner/createkey``).

        ``secret_key`` is the account's separate secret for this call, shown in the
        console. With ``regenerate=True`` the service issues a new key and the old
        one stops working at once: every other program, server or colleague still
        signing with it breaks. This client keeps the key it was built with, so
        build a new one with the returned key.
        """
        check_text("secret_key", secret_key)
        check_flags(regenerate=regenerate)
        params = merge_extra(
            {"secret_key": secret_key, "regenerate": regenerate}, extra_params
        )
        body = await self._call("partner/createkey", params, PartnerKeyBody)
        return body.partner_key
