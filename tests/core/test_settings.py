"""Settings (SPEC §1): construction, environment and mapping reading, validation, derived values."""

from __future__ import annotations

import pytest

from authguard import ConfigurationError, Guard, Settings
from authguard.settings import (
    account_portal_url,
    cookie_suffix,
    load_rsa_pem,
    parse_publishable_key,
)
from authguard.testing import KeyPair

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
KEY = KeyPair.generate(kid="ins_settings")
WEAK = KeyPair.generate(bits=1024, kid="weak")


def test_publishable_key_vector() -> None:
    assert parse_publishable_key(PK) == "foo-bar-13.clerk.accounts.dev"
    assert cookie_suffix(PK) == "nx2hSE6I"


def test_publishable_key_with_and_without_padding() -> None:
    import base64

    raw = base64.b64encode(b"clerk.example.io$").decode()
    assert raw.endswith("=")
    for key in (f"pk_live_{raw}", f"pk_live_{raw.rstrip('=')}"):
        assert parse_publishable_key(key) == "clerk.example.io"
    # the suffix hashes the key exactly as given
    assert cookie_suffix(f"pk_live_{raw}") != cookie_suffix(f"pk_live_{raw.rstrip('=')}")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "pk_test_",
        "sk_test_Zm9vLmJhciQ",
        "pk_prod_Zm9vLmJhciQ",
        "pk_test_not*base64",
        "pk_test_Zm9vYmFyJA",  # "foobar$": no dot
        "pk_test_Zm9vLmJhcg",  # "foo.bar": no trailing $
        "pk_test_Zm9vJC5iYXIk",  # "foo$.bar$": two $
        "pk_test_a_b",
    ],
)
def test_bad_publishable_keys(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        parse_publishable_key(key)
    assert info.value.setting == "publishable_key"


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("foo-bar-13.clerk.accounts.dev", "https://foo-bar-13.accounts.dev/sign-in"),
        ("clerk.example.com", "https://accounts.example.com/sign-in"),
        ("clerk.accountsstage.dev", "https://accountsstage.dev/sign-in"),
        ("app.clerk.example.com", "https://app.accounts.example.com/sign-in"),
    ],
)
def test_account_portal_rule(host: str, url: str) -> None:
    assert account_portal_url(host, "/sign-in") == url


def test_derived_sign_in_and_up_urls() -> None:
    s = Settings(publishable_key=PK)
    assert s.resolved_sign_in_url == "https://foo-bar-13.accounts.dev/sign-in"
    assert s.resolved_sign_up_url == "https://foo-bar-13.accounts.dev/sign-up"
    assert Settings(publishable_key=PK, sign_in_url="/login").resolved_sign_in_url == "/login"
    assert Settings().resolved_sign_in_url is None
    assert s.is_development
    assert not Settings(publishable_key="pk_live_Y2xlcmsuZXhhbXBsZS5jb20k").is_development


def test_from_env_reads_the_spec_names() -> None:
    env = {
        "CLERK_SECRET_KEY": "sk_test_abc",
        "CLERK_PUBLISHABLE_KEY": PK,
        "CLERK_API_URL": "http://127.0.0.1:4000",
        "CLERK_AUTHORIZED_PARTIES": "https://a.example.com, https://b.example.com",
        "AUTHGUARD_CLOCK_SKEW": "0",
        "AUTHGUARD_DEBUG": "true",
        "CLERK_WEBHOOK_SIGNING_SECRET": "whsec_a whsec_b,whsec_c",
        "AUTHGUARD_APP_ORIGIN": "https://a.example.com",
    }
    s = Settings.from_env(env, debug=False)
    assert s.secret_key == "sk_test_abc"
    assert s.authorized_parties == ("https://a.example.com", "https://b.example.com")
    assert s.clock_skew == 0.0
    assert s.debug is False  # overrides win
    assert s.webhook_secret == ("whsec_a", "whsec_b", "whsec_c")
    assert s.backend_jwks_url == "http://127.0.0.1:4000/v1/jwks"
    s.validate()


def test_from_env_ignores_empty_values() -> None:
    assert Settings.from_env({"CLERK_SECRET_KEY": "  "}).secret_key is None


def test_from_mapping_with_prefix_and_typed_values() -> None:
    mapping = {
        "AUTHGUARD_JWT_KEY": KEY.public_pem(),
        "AUTHGUARD_HIDE_PROTECTED_ROUTES": True,
        "AUTHGUARD_MAX_TOKEN_BYTES": "4096",
        "AUTHGUARD_ALGORITHMS": ["RS256", "RS512"],
        "AUTHGUARD_REDIRECT_PARAM": "next",
        "OTHER": "ignored",
    }
    s = Settings.from_mapping(mapping, prefix="AUTHGUARD_")
    assert s.hide_protected_routes is True
    assert s.max_token_bytes == 4096
    assert s.algorithms == ("RS256", "RS512")
    assert s.redirect_param == "next"
    s.validate()


@pytest.mark.parametrize(
    ("name", "raw"),
    [("clock_skew", "soon"), ("max_token_bytes", "1.5"), ("debug", "maybe")],
)
def test_from_mapping_bad_strings_name_the_setting(name: str, raw: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings.from_mapping({name.upper(): raw})
    assert info.value.setting == name


def test_jwt_key_forms() -> None:
    pem = KEY.public_pem()
    one_line = " ".join(pem.strip().splitlines())
    escaped = pem.strip().replace("\n", "\\n")
    for text in (pem, one_line, escaped):
        assert load_rsa_pem(text).public_numbers() == KEY.public_key.public_numbers()


def test_repr_hides_secrets() -> None:
    text = repr(Settings(secret_key="sk_test_secret", jwt_key="PEM", webhook_secret="whsec_x"))
    assert "sk_test_secret" not in text
    assert "whsec_x" not in text


VALID = {"jwt_key": KEY.public_pem()}


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"jwt_key": None}, "secret_key"),
        ({"jwt_key": "not a pem"}, "jwt_key"),
        ({"jwt_key": WEAK.public_pem()}, "jwt_key"),
        ({"secret_key": "pk_test_oops"}, "secret_key"),
        ({"publishable_key": "pk_test_%%%"}, "publishable_key"),
        ({"algorithms": ("HS256",)}, "algorithms"),
        ({"algorithms": ()}, "algorithms"),
        ({"algorithms": ("RS256", "none")}, "algorithms"),
        ({"clock_skew": -1}, "clock_skew"),
        ({"clock_skew": float("nan")}, "clock_skew"),
        ({"clock_skew": True}, "clock_skew"),
        ({"http_timeout": 0}, "http_timeout"),
        ({"jwks_cache_ttl": 0}, "jwks_cache_ttl"),
        ({"jwks_miss_cooldown": -1}, "jwks_miss_cooldown"),
        ({"max_token_bytes": 0}, "max_token_bytes"),
        ({"api_url": "ftp://api.clerk.com"}, "api_url"),
        ({"jwks_url": "/relative/jwks"}, "jwks_url"),
        ({"sign_in_url": "//evil.example/sign-in"}, "sign_in_url"),
        ({"sign_in_url": "javascript:alert(1)"}, "sign_in_url"),
        ({"sign_up_url": "https://x.example/\r\nSet-Cookie: a=b"}, "sign_up_url"),
        ({"sign_in_url": "/\\evil.example"}, "sign_in_url"),
        ({"redirect_param": "a b"}, "redirect_param"),
        ({"app_origin": "https://app.example.com/path"}, "app_origin"),
        ({"app_origin": "app.example.com"}, "app_origin"),
        (
            {"authorized_parties": ("https://ok.example", "https://bad.example/")},
            "authorized_parties",
        ),
        ({"issuer": ""}, "issuer"),
        ({"audience": 5}, "audience"),
        ({"debug": "yes"}, "debug"),
    ],
)
def test_guard_construction_validates(overrides: dict[str, object], setting: str) -> None:
    settings = Settings(**{**VALID, **overrides})  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError) as info:
        Guard(settings)
    assert info.value.setting == setting
    assert setting in str(info.value)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"clock_skew": 0},
        {"sign_in_url": "/sign-in"},
        {"sign_in_url": "https://accounts.example.com/sign-in"},
        {"app_origin": "http://localhost:8000"},
        {"authorized_parties": ("https://app.example.com", "http://[::1]:8000")},
        {"jwks_url": "https://example.com/.well-known/jwks.json", "jwt_key": None},
        {"secret_key": "sk_live_abc123", "jwt_key": None},
    ],
)
def test_valid_settings_build_a_guard(overrides: dict[str, object]) -> None:
    Guard(Settings(**{**VALID, **overrides}))  # type: ignore[arg-type]


def test_warnings_for_plain_http_and_host_header() -> None:
    s = Settings(jwks_url="http://keys.example.com/jwks")
    text = " ".join(s.warnings())
    assert "plain http://" in text
    assert "Host header" in text
    quiet = Settings(jwks_url="http://127.0.0.1:4000/jwks", app_origin="http://localhost:8000")
    assert quiet.warnings() == []


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.debug = True  # type: ignore[misc]
