"""Security headers on every HTTP response, pages, fragments and static files alike."""

from __future__ import annotations

import secrets

from litestar import Request
from litestar.types import Message, Scope

# Scripts and styles come only from our own files: injected markup can neither
# run script nor load anything from elsewhere. Inline style *attributes* carry
# the room and pen colours (validated colour values, never user text). A page's
# own <style> element needs this response's nonce: `<style nonce="{{
# request.state.csp_nonce }}">`; an injected one has none. 'self' covers
# ws:/wss: to the same host and port.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'nonce-{nonce}'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NAMES = {b"content-security-policy"} | {name for name, _ in HEADERS}


def csp_nonce(scope: Scope) -> str:
    """This response's style nonce, made the first time it is asked for."""
    return scope["state"].setdefault("csp_nonce", secrets.token_urlsafe(16))


async def give_nonce(request: Request) -> None:
    """A `before_request` hook: the nonce exists before a page renders its `<style>`."""
    csp_nonce(request.scope)


async def security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook, so that it sees every HTTP response: those of the
    route handlers, and those answered before any route is found (404, 405, a
    refused Host), which route middleware never see."""
    if message["type"] != "http.response.start":
        return
    policy = (b"content-security-policy", CONTENT_SECURITY_POLICY.format(nonce=csp_nonce(scope)).encode())
    # A response with a stricter policy of its own keeps it (a board snapshot's).
    policy = next(((name, value) for name, value in message.get("headers", []) if name.lower() == policy[0]), policy)
    headers = [(name, value) for name, value in message.get("headers", []) if name.lower() not in NAMES]
    if scope.get("scheme") == "https":
        # Behind HTTPS the identity cookie is Secure even if COOKIE_SECURE was not set.
        headers = [(name, _secure(value) if name.lower() == b"set-cookie" else value) for name, value in headers]
    message["headers"] = [*headers, policy, *HEADERS]


def _secure(cookie: bytes) -> bytes:
    attributes = {part.strip().lower() for part in cookie.split(b";")[1:]}
    return cookie if b"secure" in attributes else cookie + b"; Secure"
