"""``RequestInfo``: the eager constructor, the lazy URL (resolved at most once), immutability."""

from __future__ import annotations

import threading

import pytest

from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import extract_token


class Resolver:
    """Counts calls; returns a fixed ``(url, host_trusted)``."""

    def __init__(self, url: str = "https://app.test/x?y=1", trusted: bool = True) -> None:
        self.calls = 0
        self.result = (url, trusted)

    def __call__(self) -> tuple[str, bool]:
        self.calls += 1
        return self.result


def lazy(
    resolver: Resolver, method: str = "GET", headers: dict[str, str] | None = None, cookie: str = ""
) -> RequestInfo:
    return RequestInfo.lazy(method, "/x", headers or {}, cookie, resolver)


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (lambda i: i.url, "https://app.test/x?y=1"),
        (lambda i: i.host_trusted, True),
        (lambda i: i.origin, "https://app.test"),
    ],
)
def test_lazy_resolves_once_on_first_access(access: object, expected: object) -> None:
    resolver = Resolver()
    info = lazy(resolver)
    assert resolver.calls == 0
    assert access(info) == expected  # type: ignore[operator]
    assert (info.url, info.host_trusted, info.origin) == (
        "https://app.test/x?y=1",
        True,
        "https://app.test",
    )
    assert resolver.calls == 1


@pytest.mark.parametrize(
    "use",
    [
        lambda i: i.method,
        lambda i: i.path,
        lambda i: i.header("authorization"),
        lambda i: i.cookie_header,
        lambda i: i.is_preflight,
        lambda i: i.is_page_request,
    ],
)
def test_request_fields_never_resolve_the_url(use: object) -> None:
    resolver = Resolver()
    use(lazy(resolver, headers={"authorization": "Bearer x"}))  # type: ignore[operator]
    assert resolver.calls == 0


def test_bearer_extraction_needs_no_url() -> None:
    resolver = Resolver()
    info = lazy(resolver, method="POST", headers={"authorization": "Bearer abc"})
    assert extract_token(info, Settings(jwt_key="k")).token == "abc"
    assert resolver.calls == 0


@pytest.mark.parametrize(
    ("origin", "reason"),
    [("https://evil.test", "cross-origin-cookie"), ("https://app.test", None)],
)
def test_cookie_csrf_check_still_uses_the_request_origin(origin: str, reason: str | None) -> None:
    resolver = Resolver()
    info = lazy(resolver, method="POST", headers={"origin": origin}, cookie="__session=t")
    assert extract_token(info, Settings(jwt_key="k")).reason == reason
    assert resolver.calls == 1  # the origin check ran, on the resolved URL


def test_concurrent_first_access_resolves_once() -> None:
    resolver = Resolver()
    info = lazy(resolver)
    barrier = threading.Barrier(8)
    seen: list[str] = []

    def worker() -> None:
        barrier.wait()
        seen.append(info.url)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == ["https://app.test/x?y=1"] * 8
    assert resolver.calls == 1


@pytest.mark.parametrize(
    "name", ["method", "path", "url", "headers", "cookie_header", "host_trusted", "anything"]
)
def test_immutable(name: str) -> None:
    info = RequestInfo("GET", "/x", "http://a.test/x")
    with pytest.raises(AttributeError):
        setattr(info, name, "changed")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ("GET", "/x", "http://a.test/x", {}, "", False)),
        (
            {"headers": {"a": "b"}, "cookie_header": "c=d", "host_trusted": True},
            ("GET", "/x", "http://a.test/x", {"a": "b"}, "c=d", True),
        ),
    ],
)
def test_eager_constructor_keeps_its_signature(
    kwargs: dict[str, object], expected: tuple[object, ...]
) -> None:
    info = RequestInfo("GET", "/x", "http://a.test/x", **kwargs)  # type: ignore[arg-type]
    got = (
        info.method,
        info.path,
        info.url,
        dict(info.headers),
        info.cookie_header,
        info.host_trusted,
    )
    assert got == expected
    assert info == RequestInfo(method="GET", path="/x", url="http://a.test/x", **kwargs)  # type: ignore[arg-type]


def test_lazy_equals_eager_once_resolved() -> None:
    info = lazy(Resolver("http://a.test/x", False))
    assert info == RequestInfo("GET", "/x", "http://a.test/x", {}, "")
    assert info != RequestInfo("GET", "/x", "http://a.test/y", {}, "")
