from __future__ import annotations

import httpx
import pytest
from devkit import form_token

from authguard.dev import DevServer
from authguard.dev.returns import safe_return_url

TRUSTED = ("http://localhost:8000", "https://app.example.com")
FALLBACK = "http://localhost:4000/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://localhost:8000/dashboard?x=1#y", "http://localhost:8000/dashboard?x=1#y"),
        ("https://app.example.com/", "https://app.example.com/"),
        ("HTTP://LOCALHOST:8000/a", "HTTP://LOCALHOST:8000/a"),
        ("https://app.example.com:443/a", "https://app.example.com:443/a"),
        (None, FALLBACK),
        ("", FALLBACK),
        ("/dashboard", FALLBACK),
        ("dashboard", FALLBACK),
        ("https://evil.example/", FALLBACK),
        ("http://localhost:8001/", FALLBACK),
        ("https://localhost:8000/", FALLBACK),
        ("http://app.example.com/", FALLBACK),
        ("//evil.example/", FALLBACK),
        ("///evil.example/", FALLBACK),
        ("/\\evil.example/", FALLBACK),
        ("\\\\evil.example/", FALLBACK),
        ("http:\\\\localhost:8000\\", FALLBACK),
        ("javascript:alert(1)", FALLBACK),
        ("JavaScript://localhost:8000/%0aalert(1)", FALLBACK),
        ("data:text/html,<script>", FALLBACK),
        ("http://localhost:8000@evil.example/", FALLBACK),
        ("http://user:pw@localhost:8000/", FALLBACK),
        ("http://evil.example\\@localhost:8000/", FALLBACK),
        ("http://localhost:8000/a\r\nSet-Cookie: x=1", FALLBACK),
        ("http://localhost:8000/a\nb", FALLBACK),
        ("http://localhost:8000/a\tb", FALLBACK),
        (" http://localhost:8000/", FALLBACK),
        ("http://localhost:8000:80/", FALLBACK),
        ("http://localhost:99999/", FALLBACK),
        ("http:/localhost:8000/", FALLBACK),
        ("http://localhost:8000/" + "a" * 5000, FALLBACK),
    ],
)
def test_return_url_table(raw: str | None, expected: str) -> None:
    assert safe_return_url(raw, TRUSTED, FALLBACK) == expected


@pytest.mark.parametrize(
    ("redirect_url", "accepted"),
    [
        ("http://localhost:8000/dashboard", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("javascript:alert(1)", False),
        ("http://localhost:8000@evil.example/", False),
        ("http://localhost:8000/\r\nx", False),
    ],
)
@pytest.mark.parametrize("endpoint", ["/sign-in", "/sign-out"])
def test_pages_send_refused_return_urls_to_the_fixed_page(
    server: DevServer, client: httpx.Client, redirect_url: str, accepted: bool, endpoint: str
) -> None:
    data = {"user_id": "user_solo", "redirect_url": redirect_url, "form_token": form_token(client)}
    response = client.post(endpoint, data=data)
    assert response.status_code == 303
    assert response.headers["location"] == (redirect_url if accepted else f"{server.url}/")


def test_sign_in_page_carries_only_a_validated_return_url(
    server: DevServer, client: httpx.Client
) -> None:
    page = client.get("/sign-in", params={"redirect_url": "https://evil.example/x"}).text
    assert "evil.example" not in page
    page = client.get("/sign-in", params={"redirect_url": "http://localhost:8000/ok"}).text
    assert 'value="http://localhost:8000/ok"' in page
