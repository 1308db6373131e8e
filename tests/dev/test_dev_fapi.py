"""The dev server's Frontend API handshake: directives, nonces, legacy token, dev browsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from devkit import APP, FakeClock, sign_in

from authguard.dev import DevServer
from authguard.dev.fapi_state import NONCE_TTL

OTHER_APP = "http://localhost:9000"


@pytest.fixture
def fapi(start_server: Callable[..., DevServer]) -> DevServer:
    """The dev server on 127.0.0.1, apps on localhost: they share no cookies."""
    return start_server(host="127.0.0.1", app_origins=(APP, OTHER_APP), token_ttl=5)


@pytest.fixture
def browser(fapi: DevServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fapi.url) as http:
        yield http


def handshake(http: httpx.Client, redirect_url: str | None = f"{APP}/page", **extra: str) -> Any:
    params = {"__clerk_api_version": "2026-05-12", "suffixed_cookies": "false"}
    params |= {"__clerk_hs_reason": "dev-browser-missing", "format": "nonce", **extra}
    if redirect_url is not None:
        params["redirect_url"] = redirect_url
    return http.get("/v1/client/handshake", params={k: v for k, v in params.items() if v})


def query_of(response: httpx.Response) -> dict[str, list[str]]:
    return parse_qs(urlsplit(response.headers["location"]).query)


def secret(server: DevServer) -> str:
    assert server.context is not None
    return server.context.instance.secret_key


def payload(server: DevServer, nonce: str, auth: str | None = None) -> httpx.Response:
    headers = {"Authorization": auth if auth is not None else f"Bearer {secret(server)}"}
    return httpx.get(f"{server.url}/v1/clients/handshake_payload", params={"nonce": nonce},
                     headers=headers)  # fmt: skip


def directives(server: DevServer, response: httpx.Response) -> dict[str, str]:
    """The handshake's directives (via the nonce) by cookie name."""
    assert response.status_code == 307
    nonce = query_of(response)["__clerk_handshake_nonce"][0]
    body = payload(server, nonce).json()
    return {d.split("=", 1)[0]: d for d in body["directives"]}


def value(directive: str) -> str:
    return directive.split(";", 1)[0].split("=", 1)[1]


def verify(server: DevServer, token: str) -> dict[str, Any]:
    keys = httpx.get(f"{server.url}/v1/jwks", headers={"Authorization": f"Bearer {secret(server)}"})
    key = jwt.PyJWK(keys.json()["keys"][0]).key
    # The fake clock runs in 2027: only the signature is checked here.
    options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}
    claims: dict[str, Any] = jwt.decode(token, key, algorithms=["RS256"], options=options)
    return claims


def test_signed_in_client_gets_a_fresh_session_and_uat(
    fapi: DevServer, browser: httpx.Client, clock: FakeClock
) -> None:
    sign_in(browser, "user_admin", f"{APP}/dashboard")
    clock.now += 3600
    response = handshake(browser, f"{OTHER_APP}/x?a=1")
    assert response.headers["location"].startswith(f"{OTHER_APP}/x?a=1&__clerk_handshake_nonce=")
    assert response.headers["cache-control"] == "no-store"
    got = directives(fapi, response)
    assert set(got) == {"__session", "__client_uat", "__clerk_db_jwt"}
    claims = verify(fapi, value(got["__session"]))
    assert (claims["sub"], claims["azp"], claims["iat"]) == ("user_admin", OTHER_APP, clock.now)
    assert int(value(got["__client_uat"])) == clock.now - 3600
    assert value(got["__clerk_db_jwt"]).startswith("dvb_")
    for directive in got.values():
        assert "Path=/" in directive
        assert "SameSite=Lax" in directive
        assert "Domain" not in directive
        assert "HttpOnly" not in directive


@pytest.mark.parametrize("signed_out_how", ["never signed in", "signed out"])
def test_signed_out_client_gets_expiring_directives(
    fapi: DevServer, browser: httpx.Client, signed_out_how: str
) -> None:
    if signed_out_how == "signed out":
        sign_in(browser, "user_admin")
        assert browser.get("/sign-out", params={"redirect_url": APP + "/"}).status_code == 303
    got = directives(fapi, handshake(browser))
    assert "Max-Age=0" in got["__session"]
    assert value(got["__session"]) == ""
    assert value(got["__client_uat"]) == "0"
    assert value(got["__clerk_db_jwt"]).startswith("dvb_")


def test_suffixed_cookies_add_the_suffixed_variants(fapi: DevServer, browser: httpx.Client) -> None:
    assert fapi.context is not None
    suffix = fapi.context.cookie_suffix
    sign_in(browser, "user_member")
    got = directives(fapi, handshake(browser, suffixed_cookies="true"))
    names = {f"{name}{end}" for name in ("__session", "__client_uat", "__clerk_db_jwt")
             for end in ("", f"_{suffix}")}  # fmt: skip
    assert set(got) == names
    assert value(got["__session"]) == value(got[f"__session_{suffix}"])


def test_a_nonce_is_good_once(fapi: DevServer, browser: httpx.Client) -> None:
    nonce = query_of(handshake(browser))["__clerk_handshake_nonce"][0]
    assert payload(fapi, nonce).status_code == 200
    again = payload(fapi, nonce)
    assert again.status_code == 404
    assert again.json()["errors"][0]["code"] == "resource_not_found"


@pytest.mark.parametrize(("elapsed", "status"), [(NONCE_TTL - 1, 200), (NONCE_TTL, 404)])
def test_a_nonce_expires(
    fapi: DevServer, browser: httpx.Client, clock: FakeClock, elapsed: int, status: int
) -> None:
    nonce = query_of(handshake(browser))["__clerk_handshake_nonce"][0]
    clock.now += elapsed
    assert payload(fapi, nonce).status_code == status


@pytest.mark.parametrize("nonce", ["", "nope", "x" * 43])
def test_unknown_nonces_are_not_found(fapi: DevServer, nonce: str) -> None:
    assert payload(fapi, nonce).status_code == 404


@pytest.mark.parametrize("auth", ["", "Bearer", "Bearer sk_test_wrong", "Basic {sk}", "{sk}"])
def test_payload_needs_the_secret_key(fapi: DevServer, browser: httpx.Client, auth: str) -> None:
    nonce = query_of(handshake(browser))["__clerk_handshake_nonce"][0]
    refused = payload(fapi, nonce, auth.format(sk=secret(fapi)))
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "authentication_invalid"
    assert payload(fapi, nonce).status_code == 200  # a refused call does not spend the nonce


@pytest.mark.parametrize(
    "redirect_url",
    [None, "", "/page", "//evil.example/", "http://evil.example/", "javascript:alert(1)",
     "http://localhost:8001/", "http://app@localhost:8000/", "SELF"],
)  # fmt: skip
def test_redirect_url_must_be_an_app_origin(
    fapi: DevServer, browser: httpx.Client, redirect_url: str | None
) -> None:
    url = f"{fapi.url}/" if redirect_url == "SELF" else redirect_url
    response = handshake(browser, url)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "--app-origin" in response.text


def test_old_handshake_parameters_are_replaced(fapi: DevServer, browser: httpx.Client) -> None:
    url = f"{APP}/p?__clerk_handshake_nonce=old&__clerk_db_jwt=dvb_old&keep=1"
    query = query_of(handshake(browser, url))
    assert query["keep"] == ["1"]
    assert query["__clerk_handshake_nonce"] != ["old"]
    assert "__clerk_db_jwt" not in query


def test_legacy_format_is_a_token_signed_with_the_instance_key(
    fapi: DevServer, browser: httpx.Client
) -> None:
    sign_in(browser, "user_admin")
    response = handshake(browser, format="")
    assert response.status_code == 307
    query = query_of(response)
    assert "__clerk_handshake_nonce" not in query
    token = query["__clerk_handshake"][0]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    listed = verify(fapi, token)["handshake"]
    names = [d.split("=", 1)[0] for d in listed]
    assert names == ["__session", "__client_uat", "__clerk_db_jwt"]
    assert verify(fapi, value(listed[0]))["sub"] == "user_admin"


def test_app_on_another_host_gets_the_dev_browser_token_after_sign_in(
    fapi: DevServer, browser: httpx.Client
) -> None:
    back = sign_in(browser, "user_member", f"{APP}/dashboard?tab=2")
    query = query_of(back)
    assert back.headers["location"].startswith(f"{APP}/dashboard?tab=2&__clerk_db_jwt=dvb_")
    token = query["__clerk_db_jwt"][0]
    with httpx.Client(base_url=fapi.url) as app_side:  # no cookies of the dev server's host
        got = directives(fapi, handshake(app_side, __clerk_db_jwt=token))
    assert verify(fapi, value(got["__session"]))["sub"] == "user_member"
    assert value(got["__clerk_db_jwt"]) == token


def test_sign_out_hands_the_app_a_token_that_now_reads_signed_out(
    fapi: DevServer, browser: httpx.Client
) -> None:
    token = query_of(sign_in(browser, "user_member"))["__clerk_db_jwt"][0]
    out = browser.get("/sign-out", params={"redirect_url": f"{APP}/"})
    assert query_of(out)["__clerk_db_jwt"] == [token]
    with httpx.Client(base_url=fapi.url) as app_side:
        got = directives(fapi, handshake(app_side, __clerk_db_jwt=token))
    assert value(got["__client_uat"]) == "0"


def test_same_host_apps_get_no_query_parameter(server: DevServer, client: httpx.Client) -> None:
    assert sign_in(client, "user_admin", f"{APP}/d").headers["location"] == f"{APP}/d"
    assert client.get("/sign-out", params={"redirect_url": APP}).headers["location"] == APP


def test_an_unknown_dev_browser_token_reads_signed_out_with_a_new_one(
    fapi: DevServer, browser: httpx.Client
) -> None:
    got = directives(fapi, handshake(browser, __clerk_db_jwt="dvb_made_up"))
    assert value(got["__client_uat"]) == "0"
    assert value(got["__clerk_db_jwt"]) not in ("dvb_made_up", "")


def test_the_own_client_cookie_beats_a_token_from_a_crafted_link(fapi: DevServer) -> None:
    with httpx.Client(base_url=fapi.url) as mallory, httpx.Client(base_url=fapi.url) as alice:
        planted = query_of(sign_in(mallory, "user_member"))["__clerk_db_jwt"][0]
        own = query_of(sign_in(alice, "user_admin"))["__clerk_db_jwt"][0]
        got = directives(fapi, handshake(alice, __clerk_db_jwt=planted))
    assert verify(fapi, value(got["__session"]))["sub"] == "user_admin"
    assert value(got["__clerk_db_jwt"]) == own


def test_signing_in_again_keeps_the_browser_token(fapi: DevServer, browser: httpx.Client) -> None:
    first = query_of(sign_in(browser, "user_admin"))["__clerk_db_jwt"]
    assert query_of(sign_in(browser, "user_member"))["__clerk_db_jwt"] == first


def test_a_planted_dev_browser_cookie_is_not_adopted(
    fapi: DevServer, browser: httpx.Client
) -> None:
    planted = browser.get("/v1/dev_browser").json()["token"]
    browser.cookies.set("__dev_client", "planted-client")
    assert query_of(sign_in(browser, "user_admin"))["__clerk_db_jwt"] != [planted]
    with httpx.Client(base_url=fapi.url) as app_side:
        got = directives(fapi, handshake(app_side, __clerk_db_jwt=planted))
    assert value(got["__client_uat"]) == "0"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_dev_browser_endpoint(fapi: DevServer, browser: httpx.Client, method: str) -> None:
    anonymous = browser.request(method, "/v1/dev_browser")
    assert anonymous.status_code == 200
    token = anonymous.json()["token"]
    assert token.startswith("dvb_")
    assert anonymous.json()["id"] == token
    assert any(h.startswith(f"__clerk_db_jwt={token};")
               for h in anonymous.headers.get_list("set-cookie"))  # fmt: skip
    sign_in(browser, "user_admin")
    mine = browser.request(method, "/v1/dev_browser").json()["token"]
    with httpx.Client(base_url=fapi.url) as app_side:
        got = directives(fapi, handshake(app_side, __clerk_db_jwt=mine))
    assert verify(fapi, value(got["__session"]))["sub"] == "user_admin"


def test_same_host_sign_in_token_works_at_the_key_s_address(
    server: DevServer, client: httpx.Client
) -> None:
    """Dev server on ``localhost`` (the shortcut): its Frontend API address is ``127.0.0.1``,
    which sees none of its cookies, so the shared ``__clerk_db_jwt`` identifies the browser."""
    sign_in(client, "user_admin")
    token = client.cookies["__clerk_db_jwt"]
    frontend = server.url.replace("://localhost:", "://127.0.0.1:")
    with httpx.Client(base_url=frontend) as app_side:
        got = directives(server, handshake(app_side, __clerk_db_jwt=token))
    assert verify(server, value(got["__session"]))["sub"] == "user_admin"
    assert value(got["__clerk_db_jwt"]) == token
