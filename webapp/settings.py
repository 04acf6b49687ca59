"""Environment variables → one frozen settings object."""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import resource
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


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name, "")
    try:
        seconds = float(value) if value else default
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {value!r}") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise SettingsError(f"{name} must be a number of seconds above 0, not {value!r}")
    return seconds


def _rate(env: dict[str, str], name: str, default: Rate) -> Rate:
    value = env.get(name, "")
    if not value:
        return default
    try:
        count, seconds = value.split("/")
        rate = Rate(int(count), float(seconds))
    except ValueError:
        raise SettingsError(f"{name} must be COUNT/SECONDS, like 10/10, not {value!r}") from None
    if rate.count < 1 or rate.seconds <= 0:
        raise SettingsError(f"{name} must allow at least 1 per a positive number of seconds")
    return rate


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


# File descriptors kept free of sockets: database connections, page requests,
# static files and logs, so that /healthz and pages answer with the sockets at their cap.
FD_RESERVE = 200


def default_max_sockets() -> int:
    """Open sockets per process: the file-descriptor limit less a reserve."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(1, soft - FD_RESERVE)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _has_port(host: str) -> bool:
    # "[::1]" has none; "[::1]:8000", "example.com:8000" have one.
    return ":" in host.rsplit("]", 1)[-1]


def _hosts(env: dict[str, str], production: bool, host: str) -> tuple[str, ...]:
    hosts = tuple(h.strip().lower() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip())
    if not hosts and (production or not is_loopback(host)):
        # A server others can reach must know its own names: any other Host is a
        # DNS-rebinding page or a misdirected request.
        raise SettingsError("ALLOWED_HOSTS must be set (the host names this site is served under) when ENV=production or HOST is not a loopback address")
    return hosts


@dataclass(frozen=True)
class Rate:
    """At most `count` at once, refilled evenly over `seconds` (a token bucket)."""

    count: int
    seconds: float


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
    # The Host header values served (Litestar's allowed hosts); empty: the development defaults (hosts()).
    allowed_hosts: tuple[str, ...] = ()
    # Proxies trusted for X-Forwarded-For and -Proto (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    cookie_secure: bool = False
    # Bounds on what one client can make the server hold.
    socket_queue_size: int = 1000
    # Messages a reconnecting socket gets replayed; missed more, its page resyncs.
    replay_limit: int = 500
    max_frame_bytes: int = 65536
    # Keepalive: a ping every PING_SECONDS; unanswered for as long again, the socket is cut off.
    ping_seconds: float = 10.0
    # Rate limits (see webapp/realtime/limits.py): every frame per socket,
    # and each kind of action per identity.
    rate_frames: Rate = Rate(120, 2)
    rate_messages: Rate = Rate(10, 10)
    rate_rooms: Rate = Rate(5, 60)
    rate_edits: Rate = Rate(20, 10)
    rate_draws: Rate = Rate(60, 2)
    rate_cursors: Rate = Rate(60, 2)  # a page sends at most 20 a second
    rate_reactions: Rate = Rate(20, 10)
    # A page marks what it has read as it shows it: about once a second while messages come.
    rate_reads: Rate = Rate(30, 10)
    rooms_per_hour: int = 30
    sockets_per_identity: int = 20
    # New identities per client address per hour, counted in this process's memory.
    identities_per_hour: int = 20
    # Open sockets per process; past it a socket is closed with 1013 (try again later).
    max_sockets: int = field(default_factory=default_max_sockets)
    # HTTP: the request line and headers together, and how long an idle keep-alive connection is kept.
    max_header_bytes: int = 16384
    keepalive_seconds: float = 5.0
    # The key that makes a visitor a moderator on /moderate; empty: no moderators.
    moderator_key: str = field(default="", repr=False)
    # Tests only: the process kills itself between a commit and its delivery.
    crash_after_commit: bool = False

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
        host = env.get("HOST") or cls.host
        return cls(
            env=env.get("ENV", "development"),
            database_url=database_url,
            secret_key=_secret_key(env, production),
            host=host,
            port=_int(env, "PORT", cls.port),
            web_concurrency=workers,
            log_level=(env.get("LOG_LEVEL") or cls.log_level).lower(),
            channels_backend=backend,
            redis_url=env.get("REDIS_URL") or cls.redis_url,
            allowed_origins=origins,
            allowed_hosts=_hosts(env, production, host),
            forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS") or cls.forwarded_allow_ips,
            cookie_secure=env.get("COOKIE_SECURE", "true" if production else "false").lower() in {"1", "true", "yes"},
            socket_queue_size=_int(env, "SOCKET_QUEUE_SIZE", cls.socket_queue_size),
            replay_limit=_int(env, "REPLAY_LIMIT", cls.replay_limit),
            ping_seconds=_seconds(env, "PING_SECONDS", cls.ping_seconds),
            rate_frames=_rate(env, "RATE_FRAMES", cls.rate_frames),
            rate_messages=_rate(env, "RATE_MESSAGES", cls.rate_messages),
            rate_rooms=_rate(env, "RATE_ROOMS", cls.rate_rooms),
            rate_edits=_rate(env, "RATE_EDITS", cls.rate_edits),
            rate_draws=_rate(env, "RATE_DRAWS", cls.rate_draws),
            rate_cursors=_rate(env, "RATE_CURSORS", cls.rate_cursors),
            rate_reactions=_rate(env, "RATE_REACTIONS", cls.rate_reactions),
            rate_reads=_rate(env, "RATE_READS", cls.rate_reads),
            rooms_per_hour=_int(env, "ROOMS_PER_HOUR", cls.rooms_per_hour),
            sockets_per_identity=_int(env, "SOCKETS_PER_IDENTITY", cls.sockets_per_identity),
            identities_per_hour=_int(env, "IDENTITIES_PER_HOUR", cls.identities_per_hour),
            max_sockets=_int(env, "MAX_SOCKETS", default_max_sockets()),
            moderator_key=env.get("MODERATOR_KEY", ""),
            crash_after_commit=env.get("TEST_CRASH_AFTER_COMMIT") == "1",
        )

    def hosts(self) -> list[str]:
        """The Host header values this server answers: ALLOWED_HOSTS, or in
        development localhost, 127.0.0.1 and HOST. A name without a port is
        also allowed with the PORT served (a browser sends it when it is not 80 or 443)."""
        names = self.allowed_hosts or ("localhost", "127.0.0.1", f"[{self.host}]" if ":" in self.host else self.host)
        hosts = []
        for name in dict.fromkeys(names):
            hosts.append(name)
            if name != "*" and not _has_port(name):
                hosts.append(f"{name}:{self.port}")
        return hosts
