"""The dev server's configuration and the checks that keep it on loopback."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from authguard.request import origin_of

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 4000
DEFAULT_DATA_DIR = Path(".authguard-dev")
DEFAULT_APP_ORIGIN = "http://localhost:8000"

_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class DevConfigError(ValueError):
    """A dev server option is unusable; the message says which and what to do."""


@dataclass(frozen=True)
class DevConfig:
    """Options of ``authguard dev`` (see ``authguard.dev.add_arguments``).

    ``port=0`` binds a free port (tests). ``app_origins`` are the origins of the apps that use
    this instance: return URLs must belong to one of them, the first is the default ``azp``,
    and only they may call the refresh endpoint with credentials.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = DEFAULT_DATA_DIR
    users_file: Path | None = None
    app_origins: tuple[str, ...] = (DEFAULT_APP_ORIGIN,)
    token_ttl: int = 60
    claims_version: int = 2
    webhooks: tuple[str, ...] = ()
    claims_file: Path | None = None
    jwt_templates: tuple[tuple[str, Path], ...] = ()

    def __post_init__(self) -> None:
        check_loopback_host(self.host)
        if not 0 <= self.port <= 65535:
            raise DevConfigError(f"--port must be between 0 and 65535, got {self.port}")
        if self.token_ttl < 5:
            raise DevConfigError(f"--token-ttl must be at least 5 seconds, got {self.token_ttl}")
        if self.claims_version not in (1, 2):
            raise DevConfigError(f"--claims-version must be 1 or 2, got {self.claims_version}")
        if not self.app_origins:
            raise DevConfigError("at least one --app-origin is needed")
        object.__setattr__(
            self, "app_origins", tuple(normalise_origin(o) for o in self.app_origins)
        )
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "webhooks", tuple(check_webhook_url(u) for u in self.webhooks))
        if self.claims_file is not None:
            object.__setattr__(self, "claims_file", Path(self.claims_file))
        object.__setattr__(self, "jwt_templates", check_jwt_templates(self.jwt_templates))

    @property
    def bind_address(self) -> str:
        """``localhost`` binds IPv4 loopback, which the publishable key names (see ``keys``)."""
        return "127.0.0.1" if self.host == "localhost" else self.host


def check_loopback_host(host: str) -> None:
    """Refuse anything but ``localhost`` and IPv4 loopback addresses.

    IPv6 ``::1`` is loopback too, but Clerk's publishable key format cannot encode an IPv6
    host (it needs a dotted host name), so the instance would be unusable.
    """
    if host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise DevConfigError(
            f"--host must be localhost or a loopback address like 127.0.0.1, got {host!r}: "
            "the dev server is a development tool and never listens on other interfaces"
        ) from None
    if address.version != 4 or not address.is_loopback:
        raise DevConfigError(
            f"--host must be localhost or an IPv4 loopback address (127.0.0.0/8), got {host!r}"
        )


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` for an app origin, refusing paths, queries and credentials."""
    origin = origin_of(value.strip())
    if origin is None or value.strip().rstrip("/").lower() != origin or "@" in value:
        raise DevConfigError(
            f"--app-origin must be an origin like http://localhost:8000 (no path), got {value!r}"
        )
    return origin


def check_webhook_url(url: str) -> str:
    """An ``http(s)://host/...`` URL for ``--webhook``; anything else is refused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise DevConfigError(
            f"--webhook must be an http(s) URL like http://localhost:8000/webhooks/clerk, "
            f"got {url!r}"
        )
    return url.strip()


def parse_jwt_template(value: str) -> tuple[str, Path]:
    """``NAME=FILE`` of ``--jwt-template`` as (name, path)."""
    name, sep, path = value.partition("=")
    if not sep or not path.strip():
        raise DevConfigError(f"--jwt-template must be NAME=FILE, got {value!r}")
    return name.strip(), Path(path.strip())


def check_jwt_templates(pairs: tuple[tuple[str, Path], ...]) -> tuple[tuple[str, Path], ...]:
    """Template names are URL-safe (they are a path segment) and unique."""
    names = [name for name, _ in pairs]
    for name in names:
        if not _TEMPLATE_NAME.fullmatch(name):
            raise DevConfigError(
                f"--jwt-template: the name must be letters, digits, '.', '_' or '-', got {name!r}"
            )
    if len(set(names)) != len(names):
        raise DevConfigError("--jwt-template: each template name may be given once")
    return tuple((name, Path(path)) for name, path in pairs)
