"""`authguard check` and `authguard inspect`: what they say, and that they never print secrets."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from authguard.cli import check, inspect
from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

KEY = KeyPair.generate(kid="ins_cli")
SECRET = "sk_test_dontprintme123"


def run_check(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    return check(settings, out), out.getvalue()


def test_check_names_the_missing_setting() -> None:
    code, text = run_check(Settings())
    assert code == 1
    assert "secret_key" in text
    assert "CLERK_SECRET_KEY" in text


def test_check_reports_a_bad_setting() -> None:
    code, text = run_check(Settings(jwt_key=KEY.public_pem(), clock_skew=-1))
    assert code == 1
    assert "clock_skew" in text


def test_check_ok_never_prints_the_secret() -> None:
    pk = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
    code, text = run_check(Settings(secret_key=SECRET, publishable_key=pk))
    assert code == 0
    assert "foo-bar-13.clerk.accounts.dev" in text
    assert "https://foo-bar-13.accounts.dev/sign-in" in text
    assert SECRET not in text
    assert "return URLs follow the request's Host header" in text


def test_inspect_signed_in() -> None:
    token = mint_session_token(KEY, user_id="user_inspect", now=time.time())
    out = io.StringIO()
    assert inspect(token, Settings(jwt_key=KEY.public_pem()), out) == 0
    text = out.getvalue()
    assert '"sub": "user_inspect"' in text
    assert "verdict: signed-in as user_inspect" in text
    assert "BEGIN PUBLIC KEY" not in text


def test_inspect_gives_the_reason_code() -> None:
    token = mint_session_token(KEY, now=time.time() - 3600)
    out = io.StringIO()
    assert inspect(token, Settings(jwt_key=KEY.public_pem()), out) == 1
    assert "verdict: signed-out (token-expired)" in out.getvalue()


def test_inspect_garbage() -> None:
    out = io.StringIO()
    assert inspect("garbage", Settings(jwt_key=KEY.public_pem()), out) == 1
    assert "token-invalid" in out.getvalue()


def test_inspect_without_settings_still_decodes() -> None:
    token = mint_session_token(KEY, now=time.time())
    out = io.StringIO()
    assert inspect(token, Settings(), out) == 1
    assert "cannot verify" in out.getvalue()
    assert '"sid"' in out.getvalue()


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "authguard", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("dev", "check", "inspect"):
        assert command in result.stdout
