"""Environment variables → one frozen settings object."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DEV_SECRET_FILE = Path(".secret_key")


class SettingsError(RuntimeError):
    pass


def _int(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None


def _secret_key(env: dict[str, str], production: bool) -> str:
    key = env.get("SECRET_KEY", "")
    if key:
        return key
    if production:
        raise SettingsError("SECRET_KEY must be set when ENV=production")
    # Development: keep one generated key so identities survive restarts.
    if DEV_SECRET_FILE.exists():
        return DEV_SECRET_FILE.read_text().strip()
    key = secrets.token_urlsafe(32)
    DEV_SECRET_FILE.write_text(key + "\n")
    log.warning("SECRET_KEY is not set; generated one in %s (development only)", DEV_SECRET_FILE)
    return key


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = "sqlite+aiosqlite:///chatboard.db"
    secret_key: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    web_concurrency: int = 1
    log_level: str = "info"
    channels_backend: str = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    allowed_origins: tuple[str, ...] = ()
    cookie_secure: bool = False
    # Bounds on what one client can make the server hold.
    socket_queue_size: int = 1000
    max_frame_bytes: int = 65536

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        production = env.get("ENV", "development") == "production"
        backend = env.get("CHANNELS_BACKEND", "memory")
        if backend not in {"memory", "postgres", "redis"}:
            raise SettingsError(f"CHANNELS_BACKEND must be memory, postgres or redis, not {backend!r}")
        database_url = env.get("DATABASE_URL") or cls.database_url
        workers = _int(env, "WEB_CONCURRENCY", cls.web_concurrency)
        if backend == "memory" and workers > 1:
            raise SettingsError("WEB_CONCURRENCY above 1 needs CHANNELS_BACKEND=postgres or redis: workers share no memory")
        if backend == "postgres" and not database_url.startswith("postgres"):
            raise SettingsError("CHANNELS_BACKEND=postgres needs DATABASE_URL to be a PostgreSQL database")
        origins = tuple(o.strip().rstrip("/") for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(
            env=env.get("ENV", "development"),
            database_url=database_url,
            secret_key=_secret_key(env, production),
            host=env.get("HOST") or cls.host,
            port=_int(env, "PORT", cls.port),
            web_concurrency=workers,
            log_level=(env.get("LOG_LEVEL") or cls.log_level).lower(),
            channels_backend=backend,
            redis_url=env.get("REDIS_URL") or cls.redis_url,
            allowed_origins=origins,
            cookie_secure=env.get("COOKIE_SECURE", "true" if production else "false").lower() in {"1", "true", "yes"},
            socket_queue_size=_int(env, "SOCKET_QUEUE_SIZE", cls.socket_queue_size),
        )
