"""``protect``/``public`` keep the decorated view's type under ``mypy --strict``.

One module uses every decorator in both forms on sync and async views and must check clean;
a second misuses the decorated views, and mypy must flag exactly the lines marked ``# E``
(a decorator returning ``Any`` would let those calls through).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

_STARLETTE = """
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from authguard.starlette import protect as sl_protect


@sl_protect
def s_bare(request: Request) -> Response:
    return PlainTextResponse("ok")


@sl_protect(role="org:admin", reverification={"level": "first_factor", "after_minutes": 10})
async def s_called(request: Request) -> Response:
    return PlainTextResponse("ok")


@sl_protect()
async def s_empty(request: Request) -> Response:
    return PlainTextResponse("ok")


@sl_protect(
    permission="org:x:read",
    feature="f",
    plan="p",
    predicate=lambda has: has(role="org:admin"),
    unauthenticated_url="/sign-in",
    unauthorized_url="/denied",
)
def s_all(request: Request) -> Response:
    return PlainTextResponse("ok")
"""

_DJANGO = """
from django.http import HttpRequest, HttpResponse
from django.views import View

from authguard.django import protect as dj_protect, public as dj_public


@dj_protect
def d_bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@dj_protect(permission="org:x:read", reverification="strict")
async def d_called(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


@dj_public
def d_public(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@dj_public
async def d_apublic(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@dj_public
class DPublicView(View):
    pass
"""

_FLASK = """
from flask.views import MethodView

from authguard.flask import protect as fl_protect, public as fl_public


@fl_protect
def f_bare() -> str:
    return "ok"


@fl_protect(role="org:admin", unauthorized_url="/denied")
async def f_called(user_id: int) -> str:
    return str(user_id)


@fl_public
def f_public() -> str:
    return "ok"


@fl_public
class FPublicView(MethodView):
    pass
"""

GOOD_USES = """

def _sync_uses(request: Request, hreq: HttpRequest) -> None:
    response: Response = s_bare(request)
    full: Response = s_all(request)
    page: HttpResponse = d_bare(hreq)
    plain: HttpResponse = d_public(hreq)
    text: str = f_bare() + f_public()
    print(response, full, page, plain, text, DPublicView.as_view(), FPublicView.as_view("x"))


async def _async_uses(request: Request, hreq: HttpRequest) -> None:
    called: Response = await s_called(request)
    empty: Response = await s_empty(request)
    page: HttpResponse = await d_called(hreq, 3)
    public: HttpResponse = await d_apublic(hreq)
    text: str = await f_called(7)
    print(called, empty, page, public, text)
"""

BAD_USES = """

def _sync_misuses(request: Request, hreq: HttpRequest) -> None:
    s_bare("not a request")  # E
    s_all(request, 1)  # E
    d_bare(request)  # E
    d_public(1)  # E
    f_bare(1)  # E
    f_public(request)  # E
    wrong: int = f_bare()  # E
    print(wrong)


async def _async_misuses(request: Request, hreq: HttpRequest) -> None:
    await s_called(hreq)  # E
    await s_empty()  # E
    await d_called(hreq, "3")  # E
    await d_apublic(None)  # E
    await f_called("7")  # E
"""


def _mypy(tmp_path: Path, name: str, uses: str) -> tuple[str, subprocess.CompletedProcess[str]]:
    # mypy does not mind the framework sections' imports sitting mid-module.
    source = "\n".join(["from __future__ import annotations", _STARLETTE, _DJANGO, _FLASK, uses])
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return source, result


def _error_lines(output: str, filename: str) -> set[int]:
    lines = set()
    for line in output.splitlines():
        head, sep, _ = line.partition(": error:")
        if sep and Path(head.split(":")[0]).name == filename:
            lines.add(int(head.split(":")[1]))
    return lines


@pytest.mark.parametrize(
    ("name", "uses", "expect_clean"),
    [("typed_ok", GOOD_USES, True), ("typed_misuse", BAD_USES, False)],
)
def test_decorated_views_keep_their_types(
    tmp_path: Path, name: str, uses: str, expect_clean: bool
) -> None:
    source, result = _mypy(tmp_path, name, uses)
    output = result.stdout + result.stderr
    marked = {n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# E")}
    assert bool(marked) is not expect_clean
    assert _error_lines(output, f"{name}.py") == marked, output
    assert (result.returncode == 0) is expect_clean, output
