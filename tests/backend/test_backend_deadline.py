"""http_timeout is an overall deadline on Backend API calls (SPEC §1), sync and async alike:
a server that drips its body one byte at a time is cut off, not waited on per read."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from authguard.backend import AsyncBackendAPI, BackendAPI, RetryPolicy
from authguard.exceptions import BackendAPIError
from authguard.settings import Settings

DRIP_BYTES = 400  # more than the deadline lets through at one byte every 10 ms


@pytest.fixture
def dripping_server() -> Iterator[tuple[str, list[int]]]:
    listener = socket.create_server(("127.0.0.1", 0))
    sent: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {DRIP_BYTES}\r\n"
                conn.sendall((head + "Content-Type: application/json\r\n\r\n").encode())
                for _ in range(DRIP_BYTES):
                    if stop.wait(0.01):  # pacing the drip, not synchronising a test
                        return
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        break
                    sent.append(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", sent
    stop.set()
    listener.close()
    thread.join(timeout=10)


def settings(url: str) -> Settings:
    return Settings(secret_key="sk_test_deadline", api_url=url, http_timeout=0.5)


NO_RETRY = RetryPolicy(max_retries=0)


def test_sync_client_cuts_a_dripping_server_at_the_deadline(
    dripping_server: tuple[str, list[int]],
) -> None:
    url, sent = dripping_server
    with BackendAPI(settings(url), retry=NO_RETRY) as api, pytest.raises(BackendAPIError) as info:
        api.users.get("user_1")
    assert info.value.status == 0
    assert len(sent) < DRIP_BYTES


async def test_async_client_cuts_a_dripping_server_at_the_deadline(
    dripping_server: tuple[str, list[int]],
) -> None:
    url, sent = dripping_server
    api = AsyncBackendAPI(settings(url), retry=NO_RETRY)
    try:
        with pytest.raises(BackendAPIError) as info:
            await api.users.get("user_1")
    finally:
        await api.aclose()
    assert info.value.status == 0
    assert len(sent) < DRIP_BYTES
