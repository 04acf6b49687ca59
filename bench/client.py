"""A load client that speaks docs/protocol.md: a page for the identity cookie,
a websocket with Cookie and Origin, JSON action frames out, HTML fragments in."""

from __future__ import annotations

import json
import re
import socket
import time
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy

import httpx
import websockets

# Every message body the bench sends: "bench {phase}:{sender}:{seq}:{sent_ns}".
# Digits and colons only, so escaping leaves it as it is.
MARKER = re.compile(r"bench (\d+):(\d+):(\d+):(\d+)")
LEADING_ID = re.compile(r"([0-9a-zA-Z-]+)\"")
# A stroke's point count after the batch that sent it: one batch, one count. (data-from
# will not do: the stroke's last batch resends it whole, from point 0.)
STROKE_POINTS = re.compile(r'data-points="(\d+)"')
ERROR_CODE = re.compile(r'data-code="([a-z_]+)"')


def body_for(phase: int, sender: int, seq: int) -> str:
    return f"bench {phase}:{sender}:{seq}:{time.monotonic_ns()}"


@dataclass
class Fragment:
    """What the bench reads out of one frame."""

    messages: list[tuple[int, tuple[int, int, int, int] | None]] = field(default_factory=list)
    strokes: list[tuple[str, int]] = field(default_factory=list)  # (stroke id, its points so far)
    errors: list[str] = field(default_factory=list)


def parse_frame(frame: str) -> Fragment:
    """Find each `message-{id}` element and the marker in its body, each
    `stroke-{id}` element, and each error notice's code.

    A message element runs from its id to the next message element, so a
    marker is never credited to the wrong message."""
    found = Fragment()
    parts = frame.split('id="message-')
    for part in parts[1:]:
        head = LEADING_ID.match(part)
        if head is None:
            continue
        marker = MARKER.search(part)
        found.messages.append((int(head.group(1)), tuple(map(int, marker.groups())) if marker else None))
    if 'id="stroke-' in frame:
        for part in frame.split('id="stroke-')[1:]:
            head = LEADING_ID.match(part)
            points = STROKE_POINTS.search(part)
            if head is not None and points is not None:
                found.strokes.append((head.group(1), int(points.group(1))))
    if 'data-code="' in frame:
        found.errors = ERROR_CODE.findall(frame)
    return found


_no_cookies = DefaultCookiePolicy(allowed_domains=[])


def page_client(base_url: str) -> httpx.AsyncClient:
    """One HTTP client for many identities: it keeps no cookies of its own."""
    http = httpx.AsyncClient(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=50))
    http.cookies.jar.set_policy(_no_cookies)
    return http


async def fetch_cookie(http: httpx.AsyncClient, page: str) -> str:
    """GET a page as a new visitor; return the identity cookie it sets."""
    response = await http.get(page)
    response.raise_for_status()
    cookies = [header.split(";", 1)[0] for header in response.headers.get_list("set-cookie")]
    if not cookies:
        raise RuntimeError(f"{page} set no cookie")
    return "; ".join(cookies)


async def connect(base_url: str, socket_path: str, cookie: str, stalled: bool = False) -> websockets.ClientConnection:
    """Open the page's socket as a browser would. A stalled client reads
    nothing: a tiny receive buffer and a one-frame queue make it stop reading
    from the network almost at once, so the server sees a reader that never reads."""
    sock = None
    if stalled:
        host, port = base_url.removeprefix("http://").split(":")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((host, int(port)))
        sock.setblocking(False)
    return await websockets.connect(
        "ws" + base_url.removeprefix("http") + socket_path,
        sock=sock,
        additional_headers={"Cookie": cookie, "Origin": base_url},
        max_size=2**22,
        max_queue=1 if stalled else 4096,
        compression=None,
        open_timeout=60,
        ping_interval=None,
        close_timeout=2,
    )


def action(kind: str, **fields) -> str:
    """A frame as htmx-ext-ws sends a form: its fields plus HEADERS."""
    return json.dumps({"action": kind, **fields, "HEADERS": {"HX-Request": "true"}})
