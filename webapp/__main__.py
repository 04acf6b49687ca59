"""`python -m webapp`: serve with the settings from the environment."""

from __future__ import annotations

import uvicorn

from webapp.settings import Settings


GRACE_SECONDS = 10


def server_options(settings: Settings) -> dict:
    """uvicorn's options that are part of the app's security; the test server uses them too."""
    return {
        # h11, not httptools: only h11 caps what a request's line and headers may
        # take (a 400 past it). A request's headers have no time limit in uvicorn,
        # nor does a connection that sends nothing: the proxy in front bounds those (README).
        "http": "h11",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keepalive_seconds,
        # X-Forwarded-For and -Proto are believed from these proxies only.
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # The server enforces the frame cap itself (close 1009), before reading more;
        # pinned, because the implementations differ in how they enforce it.
        "ws": "webapp.realtime.protocol:ChatProtocol",  # websockets-sansio, with our closing rules
        "ws_max_size": settings.max_frame_bytes,
        # A socket that does not answer a ping within another interval is cut off.
        "ws_ping_interval": settings.ping_seconds,
        "ws_ping_timeout": settings.ping_seconds,
        "ws_per_message_deflate": False,
    }


def main() -> None:
    settings = Settings.from_env()
    uvicorn.run(
        "webapp.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.web_concurrency,
        log_level=settings.log_level,
        # On SIGTERM: sockets closed (1001), frames being handled committed, then exit;
        # well within the usual 30 s a platform waits before SIGKILL.
        timeout_graceful_shutdown=GRACE_SECONDS,
        **server_options(settings),
    )


if __name__ == "__main__":
    main()
