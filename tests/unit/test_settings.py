from __future__ import annotations

import pytest

from webapp import settings as settings_module
from webapp.db.engine import normalize_url
from webapp.realtime.bus import asyncpg_dsn
from webapp.settings import Settings, SettingsError


def test_production_needs_a_secret_key() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"ENV": "production", "ALLOWED_HOSTS": "chat.example"})
    assert Settings.from_env({"ENV": "production", "SECRET_KEY": "k", "ALLOWED_HOSTS": "chat.example"}).cookie_secure is True


def test_production_and_reachable_hosts_need_allowed_hosts() -> None:
    for env in ({"ENV": "production", "SECRET_KEY": "k"}, {"SECRET_KEY": "k", "HOST": "0.0.0.0"}):
        with pytest.raises(SettingsError, match="ALLOWED_HOSTS"):
            Settings.from_env(env)
    settings = Settings.from_env({"ENV": "production", "SECRET_KEY": "k", "ALLOWED_HOSTS": " Chat.Example , *.chat.example", "PORT": "8000"})
    assert settings.hosts() == ["chat.example", "chat.example:8000", "*.chat.example", "*.chat.example:8000"]
    # Development on loopback: localhost, 127.0.0.1 and the host served, with and without the port.
    assert Settings.from_env({"SECRET_KEY": "k", "HOST": "::1", "PORT": "9000"}).hosts() == [
        "localhost", "localhost:9000", "127.0.0.1", "127.0.0.1:9000", "[::1]", "[::1]:9000"
    ]


def test_development_keeps_a_generated_key(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings_module, "DEV_SECRET_FILE", tmp_path / ".secret_key")
    first = Settings.from_env({})
    assert len(first.secret_key) >= 32
    assert Settings.from_env({}).secret_key == first.secret_key
    assert first.cookie_secure is False


def test_environment_is_read() -> None:
    settings = Settings.from_env({"SECRET_KEY": "k", "PORT": "9000", "HOST": "0.0.0.0", "ALLOWED_HOSTS": "chat.example", "LOG_LEVEL": "WARNING", "ALLOWED_ORIGINS": "https://a.example/, https://b.example"})
    assert (settings.port, settings.host, settings.log_level) == (9000, "0.0.0.0", "warning")
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    with pytest.raises(SettingsError, match="PORT"):
        Settings.from_env({"SECRET_KEY": "k", "PORT": "eighty"})


def test_the_keepalive_interval_is_a_positive_number_of_seconds() -> None:
    assert Settings.from_env({"SECRET_KEY": "k"}).ping_seconds == 10
    assert Settings.from_env({"SECRET_KEY": "k", "PING_SECONDS": "2.5"}).ping_seconds == 2.5
    for wrong in ("soon", "0", "-1", "nan", "inf"):
        with pytest.raises(SettingsError, match="PING_SECONDS"):
            Settings.from_env({"SECRET_KEY": "k", "PING_SECONDS": wrong})


def test_database_urls_get_async_drivers() -> None:
    assert normalize_url("postgres://u:p@db:5432/app") == "postgresql+asyncpg://u:p@db:5432/app"
    assert normalize_url("postgresql://u@db/app") == "postgresql+asyncpg://u@db/app"
    assert normalize_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalize_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_several_workers_need_a_shared_channels_backend() -> None:
    with pytest.raises(SettingsError, match="WEB_CONCURRENCY"):
        Settings.from_env({"SECRET_KEY": "k", "WEB_CONCURRENCY": "2"})
    settings = Settings.from_env({"SECRET_KEY": "k", "WEB_CONCURRENCY": "2", "CHANNELS_BACKEND": "redis"})
    assert settings.web_concurrency == 2


def test_the_postgres_backend_needs_a_postgres_database() -> None:
    with pytest.raises(SettingsError, match="PostgreSQL"):
        Settings.from_env({"SECRET_KEY": "k", "CHANNELS_BACKEND": "postgres"})
    settings = Settings.from_env(
        {"SECRET_KEY": "k", "CHANNELS_BACKEND": "postgres", "DATABASE_URL": "postgres://u:p%40ss@db:5432/chat"}
    )
    assert settings.channels_backend == "postgres"


def test_the_listener_gets_a_plain_asyncpg_dsn_from_any_postgres_url() -> None:
    for url in ("postgres://u:p%40ss@db:5432/chat", "postgresql+asyncpg://u:p%40ss@db:5432/chat"):
        assert asyncpg_dsn(url) == "postgresql://u:p%40ss@db:5432/chat"
