"""The extension itself: factories, several apps, settings precedence, hooks on responses."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, Response, g, jsonify, render_template_string, request
from flask_helpers import (
    API,
    KEY,
    OTHER_KEY,
    PAGE,
    PUBLISHABLE_KEY,
    SIGN_IN,
    admin_token,
    bearer,
    identity,
    make_settings,
    member_token,
)

from authguard.auth import Auth
from authguard.exceptions import ConfigurationError
from authguard.flask import AuthGuard, current_auth, get_auth, protect
from authguard.guard import RequestState
from authguard.integrations.flask._glue import build_request_info
from authguard.settings import Settings

EXT = AuthGuard()  # one extension object shared by every app below, as a factory would


def create_app(config: dict[str, Any]) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    EXT.init_app(app)
    app.add_url_rule("/me", "me", protect(identity))
    return app


def key_config(key: Any) -> dict[str, Any]:
    return {"AUTHGUARD_JWT_KEY": key.public_pem(), "AUTHGUARD_PUBLISHABLE_KEY": PUBLISHABLE_KEY}


def test_app_factory_two_apps_each_accept_only_their_own_tokens() -> None:
    app_a, app_b = create_app(key_config(KEY)), create_app(key_config(OTHER_KEY))
    table = [
        (app_a, admin_token(KEY), 200),
        (app_a, admin_token(OTHER_KEY), 401),
        (app_b, admin_token(OTHER_KEY), 200),
        (app_b, admin_token(KEY), 401),
    ]
    for app, tok, status in table:
        assert app.test_client().get("/me", headers=bearer(tok)).status_code == status
    assert AuthGuard.guard_for(app_a) is not AuthGuard.guard_for(app_b)
    assert not hasattr(EXT, "app")
    assert app_a.extensions["authguard"].extension is EXT


@pytest.mark.parametrize(
    ("env", "config", "explicit", "accepted"),
    [
        (KEY, None, None, KEY),  # environment only
        (KEY, OTHER_KEY, None, OTHER_KEY),  # app.config wins over the environment
        (OTHER_KEY, OTHER_KEY, KEY, KEY),  # settings= wins over app.config
    ],
)
def test_settings_precedence(
    monkeypatch: pytest.MonkeyPatch, env: Any, config: Any, explicit: Any, accepted: Any
) -> None:
    monkeypatch.setenv("CLERK_JWT_KEY", env.public_pem())
    app = Flask(__name__)
    if config is not None:
        app.config["AUTHGUARD_JWT_KEY"] = config.public_pem()
    settings = make_settings(explicit) if explicit is not None else None
    AuthGuard(app, settings=settings)
    app.add_url_rule("/me", "me", protect(identity))
    client = app.test_client()
    rejected = OTHER_KEY if accepted is KEY else KEY
    assert client.get("/me", headers=bearer(admin_token(accepted))).status_code == 200
    assert client.get("/me", headers=bearer(admin_token(rejected))).status_code == 401


def test_config_keys_are_coerced_and_merged_with_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_JWT_KEY", KEY.public_pem())
    monkeypatch.setenv("CLERK_SIGN_IN_URL", "https://env.example/sign-in")
    app = Flask(__name__)
    app.config.update(AUTHGUARD_CLOCK_SKEW="0", AUTHGUARD_REDIRECT_PARAM="next")
    settings = EXT.settings_for(app)
    assert (settings.clock_skew, settings.redirect_param) == (0.0, "next")
    assert settings.sign_in_url == "https://env.example/sign-in"


@pytest.mark.parametrize(
    "config",
    [
        {},  # no key source at all
        {"AUTHGUARD_JWT_KEY": "not a pem"},
        {"AUTHGUARD_JWT_KEY": KEY.public_pem(), "AUTHGUARD_CLOCK_SKEW": "-1"},
        {"AUTHGUARD_JWT_KEY": KEY.public_pem(), "AUTHGUARD_HANDLER": 42},
    ],
)
def test_configuration_errors_surface_at_init_app(config: dict[str, Any]) -> None:
    app = Flask(__name__)
    app.config.update(config)
    with pytest.raises(ConfigurationError):
        AuthGuard(app)
    assert "authguard" not in app.extensions


def test_init_app_twice_on_one_app_is_refused() -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())
    with pytest.raises(ConfigurationError, match="already initialised"):
        AuthGuard(app, settings=make_settings())


def test_without_init_app_current_auth_says_what_to_do() -> None:
    app = Flask(__name__)
    with app.test_request_context("/"), pytest.raises(ConfigurationError, match="init_app"):
        _ = current_auth.user_id


def test_handler_from_config_import_string() -> None:
    app = Flask(__name__)
    app.config.update(key_config(KEY), AUTHGUARD_HANDLER="flask_helpers:handler_protects")
    AuthGuard(app)
    app.add_url_rule("/open", "open", identity)
    client = app.test_client()
    assert client.get("/open", headers=API).status_code == 401
    assert client.get("/open", headers=bearer(member_token())).status_code == 200


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (None, "Authorization, Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Authorization, Cookie"),
        ("Cookie", "Cookie, Authorization"),
    ],
)
def test_vary_is_merged(existing: str | None, expected: str) -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())

    @app.get("/")
    def index() -> Any:
        response = jsonify(ok=True)
        if existing:
            response.headers["Vary"] = existing
        return response

    assert app.test_client().get("/").headers.getlist("Vary") == [expected]


def test_skip_means_not_authenticated() -> None:
    app = Flask(__name__)
    calls: list[str] = []
    AuthGuard(app, settings=make_settings(), skip=["/static(.*)", "/health"])
    guard = AuthGuard.guard_for(app)
    real = guard.authenticate
    guard.authenticate = lambda info: calls.append(info.path) or real(info)  # type: ignore[method-assign]
    app.add_url_rule("/health", "health", lambda: "ok")
    app.add_url_rule("/skipped-me", "skipped_me", identity)
    client = app.test_client()
    response = client.get("/health", headers=bearer(admin_token()))
    assert (response.status_code, "Vary" in response.headers, calls) == (200, False, [])
    assert client.get("/static/app.js").status_code == 404
    assert calls == []
    client.get("/skipped-me")
    assert calls == ["/skipped-me"]


def test_protect_on_a_skipped_route_is_a_configuration_error() -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings(), skip="/health")
    app.add_url_rule("/health", "health", protect(identity))
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ConfigurationError, match="skip"):
        app.test_client().get("/health", headers=bearer(admin_token()))


def _fake_state(status: str, headers: tuple[tuple[str, str], ...]) -> RequestState:
    return RequestState(status, None, None, None, Auth.signed_out("x"), headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["signed-out", "handshake"])
def test_multiple_set_cookie_survive_once_each(
    monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())
    app.add_url_rule("/", "index", identity)
    cookies = (("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"))
    extra = (("Location", "https://foo-bar-13.clerk.accounts.dev/v1/client/handshake"),)
    state = _fake_state(status, cookies + (extra if status == "handshake" else ()))
    monkeypatch.setattr(AuthGuard.guard_for(app), "authenticate", lambda info: state)
    response = app.test_client(use_cookies=False).get("/", headers=PAGE)
    assert response.headers.getlist("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert response.status_code == (307 if status == "handshake" else 200)
    assert response.headers.getlist("Vary") == ["Authorization, Cookie"]


def test_untrusted_host_never_500s() -> None:
    app = Flask(__name__)
    app.config["TRUSTED_HOSTS"] = ["good.example"]
    AuthGuard(app, settings=make_settings(app_origin=None))
    app.add_url_rule("/me", "me", protect(identity))
    client = app.test_client()
    bad = client.get("/me", headers=PAGE, base_url="http://evil.example")
    assert bad.status_code == 400  # Werkzeug's own answer to an untrusted host
    server = {"SERVER_NAME": "internal", "SERVER_PORT": "8080"}
    with app.test_request_context(
        "/me?a=1", base_url="http://evil.example", environ_overrides=server
    ):
        info = build_request_info(request, app)
    # the URL comes from the server's own name, never from the rejected Host header
    assert (info.url, info.host_trusted) == ("http://internal:8080/me?a=1", False)
    good = client.get("/me", headers=PAGE, base_url="http://good.example")
    assert good.status_code == 307
    assert good.headers["Location"].startswith(f"{SIGN_IN}?redirect_url=http%3A%2F%2Fgood.example")


def test_identity_never_leaks_across_requests_sharing_an_app_context() -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())
    app.add_url_rule("/me", "me", identity)
    client = app.test_client()
    with app.app_context():  # one g for every request below
        first = client.get("/me", headers=bearer(admin_token())).get_json()["user_id"]
        with app.test_request_context("/me"):  # right after a signed-in request, no token
            after_first = current_auth.user_id
        second = client.get("/me", headers=API).get_json()["user_id"]
        with app.test_request_context("/me"):
            third = current_auth.user_id
    assert (first, after_first, second, third) == ("user_admin", None, None, None)


def test_template_global_and_get_auth() -> None:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())
    source = "{{ auth.is_signed_in }}|{{ auth.user_id }}|{{ auth.org_role }}"

    @app.get("/page")
    def page() -> str:
        assert get_auth() is current_auth._get_current_object()  # type: ignore[attr-defined]
        return render_template_string(source)

    client = app.test_client()
    assert client.get("/page", headers=bearer(admin_token())).text == "True|user_admin|org:admin"
    assert client.get("/page").text == "False|None|None"
    with app.app_context():
        assert render_template_string("{{ auth is defined }}") == "False"


def test_flask_login_names_are_not_defined() -> None:
    import authguard.flask as module

    assert not {"current_user", "login_required", "login_manager"} & set(dir(module))
    assert sorted(module.__all__) == module.__all__
    assert isinstance(make_settings(), Settings)


@pytest.mark.parametrize(
    ("config_routes", "explicit", "status"),
    [
        (["/open"], None, 200),  # AUTHGUARD_PUBLIC_ROUTES from app.config
        (["/open"], ["/elsewhere"], 401),  # the constructor argument wins
        (None, None, 200),  # no public_routes at all: nothing is protected by default
    ],
)
def test_public_routes_from_config(
    config_routes: list[str] | None, explicit: list[str] | None, status: int
) -> None:
    app = Flask(__name__)
    app.config.update(key_config(KEY), AUTHGUARD_PUBLIC_ROUTES=config_routes)
    AuthGuard(app, public_routes=explicit)
    app.add_url_rule("/open", "open", identity)
    assert app.test_client().get("/open", headers=API).status_code == status


def test_request_state_lives_under_g_authguard() -> None:
    # SPEC §8 names the place: per-request state under g._authguard.
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings())
    seen: dict[str, Any] = {}

    @app.get("/peek")
    def peek() -> Response:
        seen["state"] = g.get("_authguard")
        return identity()

    assert app.test_client().get("/peek", headers=bearer(admin_token())).status_code == 200
    assert seen["state"] is not None
    assert seen["state"].state.auth.user_id == "user_admin"
