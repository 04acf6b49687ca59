"""HTTP: security headers on every response; the identity cookie's attributes and forgeries."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar, Request, get
from litestar.testing import TestClient

from tests.support import forged_cookie, parse_page
from webapp.web.headers import give_nonce, security_headers
from webapp.web.identity import COOKIE


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/info", "/rooms/999999", "/static/app.css", "/static/vendor/htmx-2.0.11.min.js", "/healthz", "/?q=x"])
async def test_every_response_carries_the_security_headers(server, path: str) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get(path, headers={"HX-Request": "true"} if "q=" in path else {})
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"].startswith("'self' 'nonce-")  # a page's own <style> carries the nonce
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers.get_list("content-security-policy") == [response.headers["content-security-policy"]]


async def test_the_style_nonce_is_new_for_every_response(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        nonces = {directives((await http.get("/")).headers["content-security-policy"])["style-src"] for _ in range(3)}
    assert len(nonces) == 3


def test_a_handler_sees_the_nonce_of_its_own_response() -> None:
    @get("/", media_type="text/plain")
    async def nonce(request: Request) -> str:
        return request.state.csp_nonce

    with TestClient(Litestar([nonce], before_request=give_nonce, before_send=[security_headers])) as client:
        response = client.get("/")
    assert f"'nonce-{response.text}'" in directives(response.headers["content-security-policy"])["style-src"]


def identity_cookie(response: httpx.Response) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    return header


def attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


async def test_the_identity_cookie_is_httponly_and_samesite_lax(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        cookie = identity_cookie(await http.get("/"))
    assert {"httponly", "samesite", "path", "max-age"} <= attributes(cookie)
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in attributes(cookie)  # plain http in development: a Secure cookie would never come back


async def test_the_identity_cookie_is_secure_behind_https(server, server_with) -> None:
    # uvicorn trusts X-Forwarded-Proto from loopback, as from a TLS proxy in front.
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert "secure" in attributes(identity_cookie(await http.get("/", headers={"X-Forwarded-Proto": "https"})))
    # COOKIE_SECURE (the default with ENV=production) makes it Secure whatever the scheme.
    async with httpx.AsyncClient(base_url=server_with(cookie_secure=True).url) as http:
        assert "secure" in attributes(identity_cookie(await http.get("/")))


async def page_user(http: httpx.AsyncClient, cookie: str | None = None) -> tuple[int, str]:
    response = await http.get("/", headers={"Cookie": cookie} if cookie else {})
    page = parse_page(response.text)
    return int(page.find(".//body").get("data-me")), page.find(".//input[@id='my-name']").get("value")


async def test_a_tampered_or_forged_cookie_gets_a_fresh_identity_never_another(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as victim, httpx.AsyncClient(base_url=server.url) as attacker:
        victim_id, _ = await page_user(victim)
        await victim.get("/")
        real = identity_cookie(await victim.get("/")).split(";")[0]
        name, value = real.split("=", 1)
        value = value.strip('"')

        known = {victim_id}
        for cookie in (
            f'{name}="{value[:-8]}AAAAAAAA"',  # tampered tail
            f'{name}="{value[:20]}{value[21:]}"',  # a byte dropped
            f"{name}=null",
            forged_cookie(victim_id, "a-guessed-secret"),  # well-formed, sealed with the wrong key
            forged_cookie(victim_id + 1, "test-secret-but-not-quite"),
        ):
            user_id, _ = await page_user(attacker, cookie)
            assert user_id not in known, f"{cookie[:40]}… got an existing identity"
            assert user_id > victim_id  # a new row, made just now
            known.add(user_id)
        # The victim still is who they were.
        assert (await page_user(victim))[0] == victim_id
