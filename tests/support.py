"""Test helpers: a real server on loopback, and clients that speak docs/protocol.md."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

import asyncpg
import html5lib
import httpx
import uvicorn
import websockets
from alembic import command
from alembic.config import Config
from litestar.middleware.session.client_side import ClientSideSessionBackend
from sqlalchemy.engine import make_url

from webapp.__main__ import server_options
from webapp.app import create_app
from webapp.realtime.fragments import Fragments
from webapp.settings import Rate, Settings
from webapp.web.identity import COOKIE, cookie_config

ROOT = Path(__file__).resolve().parent.parent
# scripts/test-services starts both (`make test` runs it).
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://chatboard_test:chatboard_test@127.0.0.1:5432/chatboard_test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:{os.environ.get('TEST_REDIS_PORT', '6389')}/0")


# Rate limits out of the way, for tests about something else (limits have their own, with small ones).
NO_LIMITS = {
    "rate_frames": Rate(10**9, 1),
    "rate_messages": Rate(10**9, 1),
    "rate_rooms": Rate(10**9, 1),
    "rate_edits": Rate(10**9, 1),
    "rate_draws": Rate(10**9, 1),
    "rate_cursors": Rate(10**9, 1),
    "rate_reactions": Rate(10**9, 1),
    "rate_reads": Rate(10**9, 1),
    "rooms_per_hour": 10**9,
    "identities_per_hour": 10**9,
}


def migrate(database_url: str) -> None:
    """`alembic upgrade head`, in a thread: alembic runs its own event loop,
    and the caller may be inside one (async tests, Playwright)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["configure_logger"] = False
    with ThreadPoolExecutor(1) as pool:
        pool.submit(command.upgrade, config, "head").result()


def run_coroutine(coroutine):
    """Run a coroutine to its end from sync code, whether or not a loop is running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def postgres_available() -> bool:
    async def ping() -> None:
        connection = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=5)
        await connection.close()

    try:
        run_coroutine(ping())
        return True
    except (OSError, asyncpg.PostgresError):
        return False


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database of its own on the test PostgreSQL, empty or a copy of `template`'s; dropped afterwards."""
    name = f"chatboard_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_dsn(POSTGRES_URL))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    run_coroutine(admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{make_url(template).database}"' if template else "")))
    try:
        yield make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        run_coroutine(_drop(admin, name))


async def _drop(admin, name: str) -> None:
    # FORCE cannot end an autovacuum worker that happens to be in the database
    # (it is not our role's process): it finishes within moments, so try again.
    for attempt in range(10):
        try:
            return await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except asyncpg.InsufficientPrivilegeError:
            if attempt == 9:
                raise
            await asyncio.sleep(0.3)


def forged_cookie(user_id: int, secret: str) -> str:
    """A well-formed identity cookie for any user id, sealed with the given key."""
    backend = ClientSideSessionBackend(config=cookie_config(Settings(secret_key=secret)))
    [sealed] = backend.dump_data({"uid": user_id})
    return f"{COOKIE}={sealed.decode()}"


def parse_fragment(html: str) -> list[Element]:
    """The top-level elements of a fragment, parsed as a browser would."""
    root = html5lib.parseFragment(html, container="div", treebuilder="etree", namespaceHTMLElements=False)
    return list(root)


def parse_page(html: str) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def by_id(root: Element, element_id: str) -> Element | None:
    return next((el for el in root.iter() if el.get("id") == element_id), None)


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


class Server:
    """The app under uvicorn in a thread, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # The port served: the development hosts allowed (Settings.hosts) name it.
        self.settings = settings = dataclasses.replace(settings, port=self.port)
        config = uvicorn.Config(
            create_app(settings),
            log_level="warning",
            **server_options(settings),
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class Client:
    """A browser-like client: a page for the identity cookie, then the socket."""

    base_url: str
    http: httpx.AsyncClient = field(init=False)
    ws: websockets.ClientConnection | None = None
    frames: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=10)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())

    @property
    def user_id(self) -> int:
        return int(parse_page(self.last_page).find(".//body").get("data-me"))

    async def get(self, path: str = "/") -> httpx.Response:
        response = await self.http.get(path)
        self.last_page = response.text
        return response

    async def connect(self, path: str = "/", socket_path: str | None = None, origin: str | None = None) -> Client:
        await self.get(path)
        socket_path = socket_path or ("/ws" if path == "/" else f"{path}/ws")
        self.ws = await websockets.connect(
            "ws" + self.base_url.removeprefix("http") + socket_path,
            additional_headers={"Cookie": self.cookie_header, "Origin": origin or self.base_url},
            max_size=2**22,
            compression=None,
        )
        return self

    async def send(self, action: str, **fields) -> None:
        await self.ws.send(json.dumps({"action": action, **fields, "HEADERS": {"HX-Request": "true"}}))

    async def expect(self, element_id: str, timeout: float = 5.0, where=lambda el: True) -> Element:
        """Read frames until one holds a top-level element with this id."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no #{element_id} within {timeout}s; saw {self.frames[-5:]}")
            frame = await asyncio.wait_for(self.ws.recv(), remaining)
            self.frames.append(frame)
            for element in parse_fragment(frame):
                if element.get("id") == element_id and where(element):
                    return element

    async def expect_error(self, code: str, timeout: float = 5.0) -> Element:
        errors = await self.expect("errors", timeout, where=lambda el: el.find(".//*[@data-code]") is not None)
        notice = errors.find(".//*[@data-code]")
        assert notice.get("data-code") == code, f"expected {code}, got {notice.get('data-code')}: {text_of(notice)}"
        assert "error" in notice.get("class", "").split()
        return notice

    async def quiet(self, seconds: float = 0.3) -> list[str]:
        """Frames that arrive within a short while (to check what did not come)."""
        got = []
        try:
            while True:
                got.append(await asyncio.wait_for(self.ws.recv(), seconds))
        except TimeoutError:
            return got

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.http.aclose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """`python -m webapp` in a process of its own, as deployed; on a free loopback port."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SECRET_KEY": "test-secret",
            "LOG_LEVEL": "warning",
            **{
                name.upper(): f"{value.count}/{value.seconds}" if isinstance(value, Rate) else str(value)
                for name, value in NO_LIMITS.items()
            },
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webapp"], cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server process exited: {self.output()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server process did not answer /healthz")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def render_event(env, event) -> list[tuple[str, str]]:
    """Each (channel, html) an event becomes, rendered as the hub would."""
    return [(channel, render()) for channel, _seq, render in Fragments(env).deliveries(event)]


class Inbox:
    """What a bus delivered (its `deliver`), and a way to wait for it."""

    def __init__(self) -> None:
        self.events: list = []
        self.arrived = asyncio.Event()

    def __call__(self, event) -> None:
        self.events.append(event)
        self.arrived.set()

    async def wait_for(self, count: int, timeout: float = 10) -> list:
        async with asyncio.timeout(timeout):
            while len(self.events) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.events
