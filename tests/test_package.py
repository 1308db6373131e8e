"""The core's public surface: what `import authguard` exports; it needs no framework."""

from __future__ import annotations

import subprocess
import sys

import authguard

EXPECTED_ALL = [
    "STATIC_ASSETS",
    "Auth",
    "AuthGuardError",
    "BackendAPIError",
    "ConfigurationError",
    "Decision",
    "Guard",
    "KeySetUnavailable",
    "RequestInfo",
    "RequestState",
    "RouteMatcher",
    "Settings",
    "SignInRedirect",
    "TokenVerificationError",
    "Unauthenticated",
    "Unauthorized",
    "WebhookEvent",
    "WebhookVerificationError",
    "__version__",
    "create_route_matcher",
    "verify_webhook",
]

CORE_MODULES = [
    "authguard",
    "authguard.auth",
    "authguard.claims",
    "authguard.decisions",
    "authguard.guard",
    "authguard.keys",
    "authguard.matchers",
    "authguard.request",
    "authguard.settings",
    "authguard.testing",
    "authguard.tokens",
    "authguard.webhooks",
]

BLOCKER = """
import sys
FRAMEWORKS = {"starlette", "fastapi", "django", "flask", "werkzeug", "rest_framework"}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FRAMEWORKS:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import importlib
for module in %r:
    importlib.import_module(module)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in FRAMEWORKS)
print("LOADED", loaded)
"""


def test_all_is_pinned() -> None:
    # Adding a public name is a decision: update this list with it.
    assert authguard.__all__ == EXPECTED_ALL


def test_every_exported_name_exists() -> None:
    for name in authguard.__all__:
        assert getattr(authguard, name) is not None, name


def test_core_imports_without_any_framework() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER % (CORE_MODULES,)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_error_tree_has_one_root() -> None:
    errors = [getattr(authguard, n) for n in authguard.__all__ if n.endswith("Error")]
    errors += [authguard.KeySetUnavailable, authguard.SignInRedirect]
    errors += [authguard.Unauthenticated, authguard.Unauthorized]
    for error in errors:
        assert issubclass(error, authguard.AuthGuardError), error


def test_package_ships_py_typed() -> None:
    from importlib.resources import files

    assert files("authguard").joinpath("py.typed").is_file()
