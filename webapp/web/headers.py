"""Security headers on every HTTP response, pages, fragments and static files alike."""

from __future__ import annotations

import secrets

from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


def security_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = (b"content-security-policy", CONTENT_SECURITY_POLICY.format(nonce=nonce).encode())

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() not in NAMES]
                if https:
                    # Behind HTTPS the identity cookie is Secure even if COOKIE_SECURE was not set.
                    headers = [(name, _secure(value) if name.lower() == b"set-cookie" else value) for name, value in headers]
                message = {**message, "headers": [*headers, policy, *HEADERS]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def _secure(cookie: bytes) -> bytes:
    attributes = {part.strip().lower() for part in cookie.split(b";")[1:]}
    return cookie if b"secure" in attributes else cookie + b"; Secure"
