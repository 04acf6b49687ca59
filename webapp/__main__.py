"""`python -m webapp`: serve with the settings from the environment."""

from __future__ import annotations

import uvicorn

from webapp.settings import Settings


GRACE_SECONDS = 10


def socket_options(settings: Settings) -> dict:
    """uvicorn's socket options, part of the app's security; the test server uses them too."""
    return {
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
        proxy_headers=True,
        # On SIGTERM: sockets closed (1001), frames being handled committed, then exit;
        # well within the usual 30 s a platform waits before SIGKILL.
        timeout_graceful_shutdown=GRACE_SECONDS,
        **socket_options(settings),
    )


if __name__ == "__main__":
    main()
