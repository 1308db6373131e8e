"""Settings (SPEC §1): one frozen dataclass, read from keywords, the environment or a mapping.

Validation runs when a ``Guard`` is built (``Settings.validate()``), so a half-configured
``Settings`` object can still be created, inspected and reported on by ``authguard check``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from authguard._settings_checks import ALLOWED_ALGORITHMS as ALLOWED_ALGORITHMS
from authguard._settings_checks import CHECKS, is_loopback
from authguard.exceptions import ConfigurationError

MIN_RSA_BITS = 2048

# field name -> environment variable (SPEC §1 table); fields without one are keyword-only.
ENV_NAMES: dict[str, str] = {
    "secret_key": "CLERK_SECRET_KEY",
    "publishable_key": "CLERK_PUBLISHABLE_KEY",
    "jwt_key": "CLERK_JWT_KEY",
    "api_url": "CLERK_API_URL",
    "api_version": "CLERK_API_VERSION",
    "jwks_url": "AUTHGUARD_JWKS_URL",
    "issuer": "AUTHGUARD_ISSUER",
    "audience": "AUTHGUARD_AUDIENCE",
    "authorized_parties": "CLERK_AUTHORIZED_PARTIES",
    "clock_skew": "AUTHGUARD_CLOCK_SKEW",
    "sign_in_url": "CLERK_SIGN_IN_URL",
    "sign_up_url": "CLERK_SIGN_UP_URL",
    "app_origin": "AUTHGUARD_APP_ORIGIN",
    "webhook_secret": "CLERK_WEBHOOK_SIGNING_SECRET",
    "debug": "AUTHGUARD_DEBUG",
}


@dataclass(frozen=True)
class Settings:
    """Everything authguard needs to know about the Clerk instance and the app."""

    secret_key: str | None = field(default=None, repr=False)
    publishable_key: str | None = None
    jwt_key: str | None = field(default=None, repr=False)
    api_url: str = "https://api.clerk.com"
    api_version: str = "v1"
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    authorized_parties: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ("RS256",)
    clock_skew: float = 5
    sign_in_url: str | None = None
    sign_up_url: str | None = None
    redirect_param: str = "redirect_url"
    app_origin: str | None = None
    hide_protected_routes: bool = False
    jwks_cache_ttl: float = 300
    jwks_miss_cooldown: float = 30
    http_timeout: float = 3
    max_token_bytes: int = 16384
    webhook_secret: tuple[str, ...] = field(default=(), repr=False)
    debug: bool = False

    def __post_init__(self) -> None:
        for name in ("authorized_parties", "algorithms", "webhook_secret"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, _split_list(value))
            elif isinstance(value, Iterable):
                object.__setattr__(self, name, tuple(value))

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, prefix: str = "") -> Settings:
        """Read ``{prefix}{FIELD_NAME}`` keys; string values are converted to the field type."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            key = prefix + f.name.upper()
            if key in mapping:
                values[f.name] = _coerce(f.name, mapping[key])
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read the environment variables of SPEC §1; keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in ENV_NAMES.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _coerce(name, raw)
        values.update(overrides)
        return cls(**values)

    def merged(self, **overrides: Any) -> Settings:
        return dataclasses.replace(self, **overrides)

    # -- derived values -------------------------------------------------------------

    @cached_property
    def frontend_api(self) -> str | None:
        """The Frontend API host encoded in the publishable key (None when there is none)."""
        if not self.publishable_key:
            return None
        try:
            return parse_publishable_key(self.publishable_key)
        except ConfigurationError:
            return None

    @property
    def frontend_api_strict(self) -> str:
        """Like ``frontend_api`` but raising ConfigurationError for a malformed key."""
        return parse_publishable_key(self.publishable_key or "")

    @cached_property
    def cookie_suffix(self) -> str | None:
        return cookie_suffix(self.publishable_key) if self.publishable_key else None

    @cached_property
    def is_development(self) -> bool:
        pk, sk = self.publishable_key or "", self.secret_key or ""
        if pk:
            return not pk.startswith("pk_live_")
        return sk.startswith(("sk_test_", "test_"))

    @cached_property
    def resolved_sign_in_url(self) -> str | None:
        """The configured sign-in URL, else the Account Portal's, else None."""
        if self.sign_in_url:
            return self.sign_in_url
        return account_portal_url(self.frontend_api, "/sign-in") if self.frontend_api else None

    @cached_property
    def resolved_sign_up_url(self) -> str | None:
        if self.sign_up_url:
            return self.sign_up_url
        return account_portal_url(self.frontend_api, "/sign-up") if self.frontend_api else None

    @cached_property
    def backend_jwks_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/{self.api_version.strip('/')}/jwks"

    @cached_property
    def public_key(self) -> RSAPublicKey | None:
        """``jwt_key`` parsed once; None when not configured. Raises ConfigurationError if bad."""
        return load_rsa_pem(self.jwt_key) if self.jwt_key else None

    # -- validation -----------------------------------------------------------------

    def validate(self) -> None:
        """Raise ConfigurationError naming the first bad setting (called by ``Guard``)."""
        for check in CHECKS:
            check(self)

    def warnings(self) -> list[str]:
        """What works but is probably not meant (logged by Guard, shown by ``check``)."""
        out = []
        for name in ("api_url", "jwks_url"):
            url = getattr(self, name)
            if url and url.startswith("http://") and not is_loopback(urlsplit(url).hostname):
                out.append(
                    f"{name} uses plain http:// to a non-loopback host ({url}); use https://"
                )
        if not self.app_origin and not self.authorized_parties:
            out.append(
                "neither app_origin nor authorized_parties is set: return URLs follow the "
                "request's Host header unless the framework validates it"
            )
        return out


# -- publishable key, cookie suffix, Account Portal ------------------------------------


def parse_publishable_key(key: str) -> str:
    """Return the Frontend API host encoded in a ``pk_test_``/``pk_live_`` key."""
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != "pk" or parts[1] not in ("test", "live") or not parts[2]:
        raise ConfigurationError(
            "publishable_key must look like pk_test_… or pk_live_… (copy it from the Clerk "
            "dashboard, API keys page)",
            setting="publishable_key",
        )
    encoded = parts[2]
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    host = decoded[:-1]
    if not decoded.endswith("$") or "$" in host or "." not in host or not _HOST_RE.fullmatch(host):
        raise ConfigurationError(
            "publishable_key does not encode a Frontend API host; check you copied the whole key",
            setting="publishable_key",
        )
    return host


def cookie_suffix(publishable_key: str) -> str:
    """First 8 chars of URL-safe base64(SHA-1(key as given)) — Clerk's ``getCookieSuffix``."""
    digest = hashlib.sha1(publishable_key.encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode()[:8]


def account_portal_url(frontend_api: str, path: str) -> str:
    """Clerk's Account Portal URL for a Frontend API host (``clerk.`` → ``accounts.``)."""
    host = frontend_api
    if host.startswith("clerk.accountsstage."):
        host = "accountsstage." + host[len("clerk.accountsstage.") :]
    else:
        match = re.search(r"clerk\.accounts\.|clerk\.", host)
        if match:
            host = host[: match.start()] + "accounts." + host[match.end() :]
    return f"https://{host}{path}"


def load_rsa_pem(text: str) -> RSAPublicKey:
    """Parse a PEM public key given multi-line, on one line, or with literal ``\\n``."""
    pem = _normalise_pem(text)
    try:
        key = load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "jwt_key is not a PEM public key; paste the 'PEM Public Key' from the Clerk "
            "dashboard (API keys → Show JWT public key)",
            setting="jwt_key",
        ) from exc
    if not isinstance(key, RSAPublicKey) or key.key_size < MIN_RSA_BITS:
        raise ConfigurationError(
            f"jwt_key must be an RSA public key of at least {MIN_RSA_BITS} bits", setting="jwt_key"
        )
    return key


def _normalise_pem(text: str) -> str:
    text = text.strip().replace("\\n", "\n")
    match = re.fullmatch(r"(-----BEGIN [A-Z ]+-----)\s*(.*?)\s*(-----END [A-Z ]+-----)", text, re.S)
    if not match:
        return text
    head, body, tail = match.groups()
    body = re.sub(r"\s+", "", body)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([head, *lines, tail]) + "\n"


_HOST_RE = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


# -- coercion of string values ---------------------------------------------------------

_FLOATS = {"clock_skew", "jwks_cache_ttl", "jwks_miss_cooldown", "http_timeout"}
_INTS = {"max_token_bytes"}
_BOOLS = {"debug", "hide_protected_routes"}
_LISTS = {"authorized_parties", "algorithms", "webhook_secret"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    raw = value.strip()
    try:
        if name in _FLOATS:
            return float(raw)
        if name in _INTS:
            return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}", setting=name) from exc
    if name in _BOOLS:
        if raw.lower() not in _TRUE | _FALSE:
            raise ConfigurationError(f"{name} must be true or false, got {raw!r}", setting=name)
        return raw.lower() in _TRUE
    if name in _LISTS:
        return _split_list(raw)
    return raw


def _split_list(raw: str) -> tuple[str, ...]:
    return tuple(p for p in re.split(r"[\s,]+", raw.strip()) if p)
