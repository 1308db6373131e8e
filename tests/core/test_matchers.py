"""Route matchers (SPEC §7; clerk-semantics §6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authguard.exceptions import ConfigurationError
from authguard.matchers import (
    STATIC_ASSETS,
    RouteMatcher,
    compile_pattern,
    create_route_matcher,
    route_path,
)
from authguard.request import RequestInfo

CASES = [
    ("/dashboard(.*)", "/dashboard", True),
    ("/dashboard(.*)", "/dashboard/", True),
    ("/dashboard(.*)", "/dashboard/a/b", True),
    ("/dashboard(.*)", "/dashboardx", True),
    ("/dashboard(.*)", "/DASHBOARDx", True),
    ("/dashboard(.*)", "/dash", False),
    ("/dashboard(.*)", "/x/dashboard", False),
    ("/dashboard(.*)", "/daſhboard", False),  # no Unicode case folding
    ("/dashboard(.*)", "/dashboard\nx", True),  # DOTALL
    ("/dashboard(.*)", "/dashboard%2Fa", True),
    ("/api/(.*)", "/api", False),
    ("/api/(.*)", "/api/", True),
    ("/api/(.*)", "/api/x", True),
    ("/foo", "/foo", True),
    ("/foo", "/foo/", True),
    ("/foo", "/FOO", True),
    ("/foo", "/foo//", True),  # // collapses to /
    ("/foo", "/foo/bar", False),
    ("/foo", "/foo\n", True),  # Starlette's $ accepts one trailing newline
    ("/foo", "/foo\n\n", False),
    ("/foo", "/foo/\n", True),
    ("/foo", "/fooo", False),
    ("/foo", "/foo%20", False),  # never decoded
    ("/foo", "/fo%6f", False),
    ("/foo", "/K", False),
    ("/kelvin", "/\u212aelvin", False),  # Kelvin sign K folds to k only with Unicode rules
    ("/users/:id", "/users/1", True),
    ("/users/:id", "/users/1/", True),
    ("/users/:id", "/users/1/2", False),
    ("/users/:id", "/users", False),
    ("/users/:id", "/users/ä", True),
    ("/files/:path*", "/files", True),
    ("/files/:path*", "/files/", True),
    ("/files/:path*", "/files/a/b", True),
    ("/files/:path*", "/filesx", False),
    ("/files/:path+", "/files", False),
    ("/files/:path+", "/files/a/b", True),
    ("/files/:name?", "/files", True),
    ("/files/:name?", "/files/a", True),
    ("/files/:name?", "/files/a/b", False),
    ("/img{-:size}?.png", "/img.png", True),
    ("/img{-:size}?.png", "/img-large.png", True),
    ("/img{-:size}?.png", "/img-.png", False),
    ("/a{/b}?", "/a", True),
    ("/a{/b}?", "/a/b", True),
    ("/a{/b}?", "/a/c", False),
    ("/v:version(\\d+)", "/v12", True),
    ("/v:version(\\d+)", "/vx", False),
    ("/v:version(\\d+)", "/v١", False),  # ASCII digits only
    ("/a\\*b", "/a*b", True),
    ("/a\\*b", "/aab", False),
    ("/a.b", "/a.b", True),
    ("/a.b", "/axb", False),  # literal dot escaped
    ("/", "/", True),
    ("/", "", False),  # as path-to-regexp: the root pattern needs its slash
    ("/a)", "/a)", True),  # a lone ")" is a literal in path-to-regexp 6
    ("/", "/x", False),
    ("/(.*)", "/anything/at/all", True),
    ("(.*)", "", True),
    ("/api/:rest(.*)", "/api/x/y", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), CASES)
def test_string_patterns(pattern: str, path: str, expected: bool) -> None:
    assert create_route_matcher(pattern)(path) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "/api/*",
        "/a(",
        "/a(?:x)",
        "/a(b(c))",
        "/:",
        "/a()",
        "/a{b",
        "/a\\",
        "/a/(?=x)",
        "/x([)",
    ],
)
def test_invalid_patterns_raise_at_creation(pattern: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        create_route_matcher(["/ok", pattern])
    assert repr(pattern) in str(info.value)


def test_combined_patterns_and_falsy_entries() -> None:
    m = create_route_matcher(["/a", None, "", ["/b(.*)", ("/c/:id",)]])
    assert [m(p) for p in ("/a", "/bz", "/c/1", "/c", "/d")] == [True, True, True, False, False]


def test_regex_patterns_use_search() -> None:
    m = create_route_matcher(re.compile(r"/admin"))
    assert m("/x/admin/y") is True
    assert m("/ADMIN") is False  # a regex keeps its own flags
    assert create_route_matcher([re.compile(r"^/api$")])("/api//") is False


def test_bytes_regex_rejected() -> None:
    with pytest.raises(ConfigurationError):
        create_route_matcher(re.compile(rb"/x"))


@pytest.mark.parametrize("bad", [1, 2.5, object(), b"/x"])
def test_unsupported_pattern_types(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        create_route_matcher(bad)


def test_callables_get_the_original_object_and_are_coerced() -> None:
    seen: list[object] = []

    def pattern(obj: object) -> Any:
        seen.append(obj)
        return "yes" if getattr(obj, "method", "") == "POST" else 0

    m = create_route_matcher([pattern])
    info = RequestInfo("POST", "/x", "https://a.example/x")
    assert m(info) is True
    assert m(RequestInfo("GET", "/x", "https://a.example/x")) is False
    assert seen[0] is info


def test_matcher_is_reused_and_composable() -> None:
    inner = create_route_matcher("/a")
    assert create_route_matcher(inner) is inner
    outer = create_route_matcher([inner, "/b"])
    assert isinstance(outer, RouteMatcher)
    assert (outer("/a"), outer("/b"), outer("/c")) == (True, True, False)


def test_string_patterns_compile_into_one_regex() -> None:
    m = create_route_matcher(["/a", "/b", "/c(.*)"])
    assert m._combined is not None
    assert m._regexes == ()


class Starlette:
    def __init__(self, scope: dict[str, Any]) -> None:
        self.scope = scope


class Django:
    def __init__(self, path: str, path_info: str) -> None:
        self.path, self.path_info = path, path_info
        self.META: dict[str, str] = {}
        self.scope = {"path": path}  # ASGIRequest also has a scope


class Werkzeug:
    def __init__(self, path: str) -> None:
        self.path, self.environ = path, {"SCRIPT_NAME": "/app"}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ("/x", "/x"),
        (RequestInfo("GET", "/route", "https://a.example/mount/route"), "/route"),
        (Starlette({"path": "/root/admin", "root_path": "/root"}), "/admin"),
        (Starlette({"path": "/root", "root_path": "/root"}), ""),
        (Starlette({"path": "/rootx/admin", "root_path": "/root"}), "/rootx/admin"),
        (Starlette({"path": "/admin", "root_path": "/other"}), "/admin"),
        (Starlette({"path": "/admin"}), "/admin"),
        (Django("/prefix/admin", "/admin"), "/admin"),
        (Werkzeug("/admin"), "/admin"),
    ],
)
def test_route_path(obj: object, expected: str) -> None:
    assert route_path(obj) == expected


def test_route_path_unknown_object() -> None:
    with pytest.raises(TypeError):
        route_path(object())
    with pytest.raises(TypeError):
        create_route_matcher("/a")(42)


def test_matcher_accepts_framework_objects() -> None:
    m = create_route_matcher("/admin(.*)")
    assert m(Starlette({"path": "/root/admin/x", "root_path": "/root"})) is True
    assert m(Django("/admin", "/public")) is False


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/style.css", True),
        ("/a/b/app.js", True),
        ("/data.json", False),
        ("/admin/export.csv", True),  # the documented danger
        ("/img/logo.PNG", False),
        ("/photo.jpeg", True),
        ("/font.woff2", True),
        ("/site.webmanifest", True),
        ("/dashboard", False),
        ("/api/users", False),
    ],
)
def test_static_assets(path: str, expected: bool) -> None:
    assert STATIC_ASSETS(path) is expected
    assert "export.csv" in (type(STATIC_ASSETS).__doc__ or "")


PATTERNS = ["/dashboard(.*)", "/users/:id", "/files/:path*", "/a{-:b}?", "/v:n(\\d+)", "/"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_paths_never_raise(path: str) -> None:
    m = create_route_matcher([*PATTERNS, re.compile("x"), lambda _: False])
    assert m(path) in (True, False)
    assert m("/" + path) in (True, False)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/:*+?{}()\\.ab-_#", max_size=20))
def test_arbitrary_patterns_compile_or_raise_configuration_error(pattern: str) -> None:
    message = ""
    try:
        matcher = create_route_matcher(pattern)
    except ConfigurationError as exc:
        message = str(exc)
    else:
        assert matcher("/a/b") in (True, False)
        return
    assert repr(pattern) in message


def test_compiles_like_clerk_example() -> None:
    # clerk-semantics §6: /dashboard(.*) → ^\/dashboard(.*)[\/#\?]?$ with flag i
    assert compile_pattern("/dashboard(.*)") == r"/dashboard(.*)[/\#\?]?"
