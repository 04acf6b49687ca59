"""Pages and the fragments that HTTP serves."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import text

from webapp.chat import drawing, messages, presence, rooms
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.web.identity import current_user

identified = {"me": Provide(current_user)}


async def _room_list(state: State, search: str) -> dict:
    async with state.sessions() as session:
        try:
            room_views, total = await rooms.list_rooms(session, search)
        except ChatError as error:
            raise HTTPException(status_code=400, detail=error.detail) from None
    return {"rooms": room_views, "total": total, "search": search}


@get("/", dependencies=identified)
async def lobby(request: Request, state: State, me: NamedDependency[UserView], q: FromQuery[str] = "") -> Template:
    context = await _room_list(state, q)
    if request.headers.get("hx-request"):
        # The search box asks for the list alone.
        return Template("fragments/rooms.html", context=context)
    return Template("pages/lobby.html", context={**context, "me": me, "socket_url": "/ws"})


@get("/rooms/{room_id:int}", dependencies=identified)
async def room_page(state: State, me: NamedDependency[UserView], room_id: FromPath[int]) -> Template:
    async with state.sessions() as session:
        try:
            room = await rooms.get_room(session, room_id)
        except ChatError:
            raise NotFoundException() from None
        newest = await messages.page_before(session, room_id)
        people = await presence.users_in_room(session, room_id)
        strokes = await drawing.board(session, room_id)
    context = await _room_list(state, "")
    return Template(
        "pages/room.html",
        context={
            **context,
            "room": room,
            "me": me,
            "socket_url": f"/rooms/{room_id}/ws",
            "messages": newest.messages,
            "more": newest.more,
            "users": people,
            "strokes": strokes,
        },
    )


@get("/rooms/{room_id:int}/messages")
async def history(state: State, room_id: FromPath[int], before: FromQuery[int | None] = None) -> Template:
    """A page of older messages, oldest first, for scrolling back."""
    async with state.sessions() as session:
        try:
            await rooms.get_room(session, room_id)
        except ChatError:
            raise NotFoundException() from None
        page = await messages.page_before(session, room_id, before)
    return Template(
        "fragments/history.html",
        context={"messages": page.messages, "more": page.more, "room_id": room_id},
    )


@get("/rooms/{room_id:int}/board.svg", cache=False)
async def board_svg(state: State, room_id: FromPath[int]) -> Response:
    """The board as a standalone SVG file, to download."""
    async with state.sessions() as session:
        try:
            await rooms.get_room(session, room_id)
        except ChatError:
            raise NotFoundException() from None
        strokes = await drawing.board(session, room_id)
    svg = state.templates.get_template("fragments/drawing.html").render(strokes=strokes, oob=False)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="board-{room_id}.svg"'},
    )


@get("/info", dependencies=identified)
async def info(me: NamedDependency[UserView]) -> Template:
    return Template("pages/info.html", context={"me": me, "socket_url": None})


@get("/healthz", cache=False)
async def healthz(state: State) -> Response:
    try:
        async with state.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return Response({"status": "unavailable"}, status_code=503)
    return Response({"status": "ok"})


def not_found(request: Request, _exc: Exception) -> Response:
    if request.headers.get("hx-request"):
        return Response("", status_code=404)
    return Template("pages/not_found.html", context={"me": None, "socket_url": None}, status_code=404)
