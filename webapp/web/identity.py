"""The anonymous identity: a user id in a signed, HttpOnly session cookie."""

from __future__ import annotations

import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidTag
from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import SerializationException
from litestar.middleware import DefineMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig

from webapp.chat import users
from webapp.chat.events import UserView
from webapp.settings import Settings
from webapp.services import Services

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


def cookie_config(settings: Settings) -> CookieBackendConfig:
    # The cookie is encrypted and authenticated (AES-GCM): a forged or
    # tampered one reads as empty, so its bearer gets a fresh identity.
    return CookieBackendConfig(
        secret=hashlib.sha256(settings.secret_key.encode()).digest(),
        key=COOKIE,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def identity_middleware(settings: Settings) -> DefineMiddleware:
    return DefineMiddleware(SessionMiddleware, backend=IdentityCookieBackend(config=cookie_config(settings)))


async def current_user(request: Request, services: NamedDependency[Services]) -> UserView:
    """The visitor's user, created on their first page; past the address's new
    identities for the hour, the read-only READER (its socket reads, and refuses
    every action with rate_limited)."""
    async with services.transaction() as session:
        user = await users.get_user(session, request.session.get("uid", 0))
        if user is None:
            # The address as uvicorn gives it: X-Forwarded-For from FORWARDED_ALLOW_IPS only.
            if not services.limiter.identities.admit(request.client.host if request.client else ""):
                request.set_session({"reader": True})
                return users.READER
            user = await users.create_user(session)
    request.set_session({"uid": user.id})
    return user
