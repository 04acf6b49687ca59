"""A client of /api as the old chat's programs are: statements in, statements out."""

from __future__ import annotations

import asyncio
import json
import time

import websockets


class ApiClient:
    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict] = []

    @classmethod
    async def connect(cls, base_url: str, headers: dict[str, str] | None = None) -> ApiClient:
        ws = await websockets.connect(
            "ws" + base_url.removeprefix("http") + "/api", additional_headers=headers or {}, max_size=2**22, compression=None
        )
        return cls(ws)

    async def call(self, message: str, **fields) -> None:
        await self.ws.send(json.dumps({"type": "call", "payload": {"message": message, **fields}}))

    async def expect(self, message: str, where=lambda payload: True, timeout: float = 5.0, type: str = "result") -> dict:
        """Read statements until one of this type and message (and `where`) comes; its payload."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {type} {message} within {timeout}s; saw {self.seen[-5:]}")
            statement = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            self.seen.append(statement)
            if statement["type"] == type and statement["payload"]["message"] == message and where(statement["payload"]):
                return statement["payload"]

    async def expect_error(self, code: str, timeout: float = 5.0) -> dict:
        """The next error statement, which must be this one."""
        deadline = time.monotonic() + timeout
        while True:
            statement = json.loads(await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic()))
            self.seen.append(statement)
            if statement["type"] == "error":
                assert statement["payload"]["message"] == code, statement
                return statement["payload"]

    async def quiet(self, seconds: float = 0.4) -> list[dict]:
        got = []
        try:
            while True:
                got.append(json.loads(await asyncio.wait_for(self.ws.recv(), seconds)))
        except TimeoutError:
            return got

    async def close(self) -> None:
        await self.ws.close()
