"""Session-token customisation (``authguard dev --claims FILE``), as Clerk's Dashboard offers.

The file is a JSON object of extra claims. Strings may hold shortcodes ``{{user.<path>}}``, a
dotted path into the user (``id``, ``first_name``, ``last_name``, ``full_name``, ``username``,
``primary_email_address``, ``image_url``, ``public_metadata.role``, ``unsafe_metadata.x``…)::

    {"metadata": {"role": "{{user.public_metadata.role}}"},
     "email": "{{user.primary_email_address}}"}

Rules (documented in ``docs/backend-api.md``):

- A string that is exactly one shortcode takes the value's JSON type (object, array, number,
  boolean, null); otherwise each shortcode is interpolated as text (objects/arrays as JSON).
- A missing value is ``null`` (empty text inside a longer string). A top-level claim that
  renders ``null`` is left out of the token; nulls inside objects and arrays stay.
- ``private_metadata`` is never available: it must not reach a token the browser can read.
- Reserved claims (``sub``, ``sid``, ``iat``, ``exp``, ``v``, ``o``…) cannot be customised: a
  template naming one is refused at start-up, and rendering never emits one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authguard.dev.bapi_store import store_for
from authguard.dev.bapi_users import user_json
from authguard.dev.config import DevConfigError

if TYPE_CHECKING:
    from authguard.dev.directory import User
    from authguard.dev.server import DevContext

__all__ = ["RESERVED_CLAIMS", "ClaimsTemplate", "claims_renderer", "user_context"]

#: Claims Clerk sets itself; a template cannot override them (v2 and v1 names).
RESERVED_CLAIMS = frozenset(
    {"act", "aud", "azp", "exp", "fea", "fva", "iat", "iss", "jti", "nbf", "o", "pla", "sid",
     "sts", "sub", "v", "org_id", "org_role", "org_slug", "org_permissions"}
)  # fmt: skip

_SHORTCODE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_PATH = re.compile(r"user(?:\.[A-Za-z0-9_-]+)+")
_MISSING = object()


class ClaimsTemplate:
    """A validated claims template; :meth:`render` fills it for one user.

    ``reserved`` and ``option`` (for messages) default to the session token's (``--claims``);
    JWT templates (``authguard.dev.jwt_templates``) reserve fewer claims.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        reserved: frozenset[str] = RESERVED_CLAIMS,
        option: str = "--claims",
    ) -> None:
        if not isinstance(template, Mapping):
            raise DevConfigError(f"{option}: the template must be a JSON object of claims")
        named = sorted(set(template) & reserved)
        if named:
            raise DevConfigError(
                f"{option}: {', '.join(named)} cannot be customised (Clerk sets them)"
            )
        _check_shortcodes(template, option)
        self.template = dict(template)
        self.reserved = reserved

    @classmethod
    def load(cls, path: Path) -> ClaimsTemplate:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise DevConfigError(f"--claims: cannot read {path}: {exc}") from None
        return cls(data)

    def render(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """The custom claims for ``user`` (see :func:`user_context`)."""
        out: dict[str, Any] = {}
        for name, value in self.template.items():
            rendered = _render(value, user)
            if name not in self.reserved and rendered is not None:
                out[name] = rendered
        return out


def _check_shortcodes(value: Any, option: str) -> None:
    if isinstance(value, Mapping):
        for item in value.values():
            _check_shortcodes(item, option)
    elif isinstance(value, list):
        for item in value:
            _check_shortcodes(item, option)
    elif isinstance(value, str):
        for match in _SHORTCODE.finditer(value):
            if not _PATH.fullmatch(match.group(1)):
                raise DevConfigError(
                    f"{option}: unknown shortcode {match.group(0)!r}; "
                    "use {{user.<field>}} such as {{user.public_metadata.role}}"
                )


def _lookup(user: Mapping[str, Any], path: str) -> Any:
    value: Any = user
    for part in path.split(".")[1:]:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _render(value: Any, user: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping):
        return {k: _render(v, user) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, user) for v in value]
    if not isinstance(value, str):
        return value
    whole = _SHORTCODE.fullmatch(value)
    if whole is not None:
        return _lookup(user, whole.group(1))
    return _SHORTCODE.sub(lambda m: _as_text(_lookup(user, m.group(1))), value)


def user_context(user_json: Mapping[str, Any]) -> dict[str, Any]:
    """What shortcodes see: the Backend API's user JSON plus Clerk's shortcut fields,
    without ``private_metadata``."""
    context = {k: v for k, v in user_json.items() if k != "private_metadata"}
    emails = user_json.get("email_addresses") or []
    primary = next(
        (e for e in emails if e.get("id") == user_json.get("primary_email_address_id")), None
    )
    context["primary_email_address"] = primary.get("email_address") if primary else None
    names = [user_json.get("first_name"), user_json.get("last_name")]
    context["full_name"] = " ".join(n for n in names if n) or None
    return context


def claims_renderer(ctx: DevContext) -> Callable[[User], dict[str, Any]] | None:
    """The minter's custom claims for ``--claims FILE`` (None without it)."""
    path = ctx.config.claims_file
    if path is None:
        return None
    template = ClaimsTemplate.load(path)

    def render(user: User) -> dict[str, Any]:
        return template.render(user_context(user_json(store_for(ctx), user)))

    return render
