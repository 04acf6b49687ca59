"""The anonymous identity: a user id in a signed, HttpOnly session cookie."""

from __future__ import annotations

import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidTag
from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import SerializationException
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig

from webapp.chat import users
from webapp.chat.events import UserView
from webapp.settings import Settings

COOKIE = "chatboard_id"
ONE_YEAR = 365 * 24 * 3600


class IdentityCookieBackend(ClientSideSessionBackend):
    def load_data(self, data: list[bytes]) -> dict[str, Any]:
        # Litestar reads the cookie's expiry before it checks the seal, and lets
        # a garbled expiry escape as a server error: that is a forgery like any other.
        try:
            return super().load_data(data)
        except (InvalidTag, binascii.Error, SerializationException, LookupError, TypeError, ValueError):
            return {}


class IdentityCookieConfig(CookieBackendConfig):
    _backend_class = IdentityCookieBackend


def cookie_config(settings: Settings) -> CookieBackendConfig:
    # The cookie is encrypted and authenticated (AES-GCM): a forged or
    # tampered one reads as empty, so its bearer gets a fresh identity.
    return IdentityCookieConfig(
        secret=hashlib.sha256(settings.secret_key.encode()).digest(),
        key=COOKIE,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


async def current_user(request: Request, state: State) -> UserView:
    """The visitor's user, created on their first page."""
    async with state.write() as session:
        user = await users.get_user(session, request.session.get("uid", 0))
        if user is None:
            user = await users.create_user(session)
    request.set_session({"uid": user.id})
    return user
