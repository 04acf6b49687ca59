"""`python -m webapp`: serve with the settings from the environment."""

from __future__ import annotations

import uvicorn

from webapp.settings import Settings


def socket_options(settings: Settings) -> dict:
    """uvicorn's socket options, part of the app's security; the test server uses them too."""
    return {
        # The server enforces the frame cap itself (close 1009), before reading more;
        # pinned, because the implementations differ in how they enforce it.
        "ws": "websockets-sansio",
        "ws_max_size": settings.max_frame_bytes,
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
        **socket_options(settings),
    )


if __name__ == "__main__":
    main()
