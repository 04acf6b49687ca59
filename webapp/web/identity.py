"""The anonymous identity: a user id in a signed, HttpOnly session cookie."""

from __future__ import annotations

import hashlib

from litestar import Request
from litestar.datastructures import State
from litestar.middleware.session.client_side import CookieBackendConfig

from webapp.chat import users
from webapp.chat.events import UserView
from webapp.settings import Settings

COOKIE = "chatboard_id"
ONE_YEAR = 365 * 24 * 3600


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


async def current_user(request: Request, state: State) -> UserView:
    """The visitor's user, created on their first page."""
    async with state.sessions.begin() as session:
        user = await users.get_user(session, request.session.get("uid", 0))
        if user is None:
            user = await users.create_user(session)
    request.set_session({"uid": user.id})
    return user
