"""``authguard.backend.current_user``: the per-request memo, the caches, the shared clients."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from authguard.auth import Auth
from authguard.backend import BackendAPIError, User
from authguard.backend.current_user import (
    MEMO_KEY,
    RedisUserCache,
    TTLUserCache,
    UserCache,
    aload_current_user,
    asession_token,
    async_client_for,
    client_for,
    load_current_user,
    resolve_cache,
    session_token,
)
from authguard.claims import normalize_claims
from authguard.settings import Settings
from tests.backend._backend_fakes import Recorder, async_api, clerk_error, ok, sync_api

USER_JSON = {"object": "user", "id": "user_1", "first_name": "Ada",
             "public_metadata": {"role": "admin"}, "email_addresses": []}  # fmt: skip


def signed_in(user_id: str = "user_1", session_id: str = "sess_1") -> Auth:
    payload = {"sub": user_id, "sid": session_id, "v": 2, "exp": 2**31, "iat": 1}
    return Auth.signed_in(normalize_claims(payload, "the.raw.token"))


def user_recorder() -> Recorder:
    return Recorder([lambda r: ok({**USER_JSON, "id": r.url.path.rsplit("/", 1)[-1]})])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeRedis:
    """``get``/``setex`` like redis.Redis (bytes back), recording TTLs; ``broken`` fails all."""

    def __init__(self, broken: bool = False) -> None:
        self.data: dict[str, bytes] = {}
        self.ttls: dict[str, int] = {}
        self.broken = broken

    def get(self, name: str) -> bytes | None:
        if self.broken:
            raise ConnectionError("redis down")
        return self.data.get(name)

    def setex(self, name: str, time: int, value: str) -> bool:
        if self.broken:
            raise ConnectionError("redis down")
        self.data[name], self.ttls[name] = value.encode(), time
        return True


@pytest.mark.parametrize("calls", [1, 2, 5])
def test_sync_fetches_once_per_request(calls: int) -> None:
    recorder = user_recorder()
    api, memo, auth = sync_api(recorder), {}, signed_in()
    users = [load_current_user(memo, auth, api) for _ in range(calls)]
    assert len(recorder.requests) == 1
    assert recorder.last.url.path == "/v1/users/user_1"
    assert all(u is users[0] for u in users)
    assert users[0] is not None
    assert users[0].public_metadata == {"role": "admin"}
    # a second request (a new memo) fetches again: there is no cache by default
    load_current_user({}, auth, api)
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("calls", [1, 3])
async def test_async_fetches_once_even_when_concurrent(calls: int) -> None:
    recorder = user_recorder()
    api, memo, auth = async_api(recorder), {}, signed_in()
    users = await asyncio.gather(*(aload_current_user(memo, auth, api) for _ in range(calls)))
    users.append(await aload_current_user(memo, auth, api))
    assert len(recorder.requests) == 1
    assert {u.id for u in users if u is not None} == {"user_1"}
    assert load_current_user(memo, auth, sync_api(recorder)) == users[0]  # the sync twin reuses it
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("auth", [Auth.signed_out(None), Auth.signed_out("token-expired")])
async def test_signed_out_is_none_without_a_call(auth: Auth) -> None:
    recorder = user_recorder()
    assert load_current_user({}, auth, sync_api(recorder)) is None
    assert await aload_current_user({}, auth, async_api(recorder)) is None
    assert session_token(auth, sync_api(recorder), "supabase") is None
    assert recorder.requests == []


async def test_deleted_user_is_none_and_memoised() -> None:
    recorder = Recorder([clerk_error(404, "resource_not_found", "not found", "no such user")])
    memo: dict[str, Any] = {}
    assert load_current_user(memo, signed_in(), sync_api(recorder)) is None
    assert load_current_user(memo, signed_in(), sync_api(recorder)) is None
    assert await aload_current_user({}, signed_in(), async_api(recorder)) is None
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("is_async", [False, True])
async def test_failures_raise_and_are_not_memoised(is_async: bool) -> None:
    recorder = Recorder([clerk_error(401, "authentication_invalid", "bad", "bad key")])
    memo: dict[str, Any] = {}
    if is_async:
        call = aload_current_user(memo, signed_in(), async_api(recorder))
    else:
        call = asyncio.to_thread(load_current_user, memo, signed_in(), sync_api(recorder))
    with pytest.raises(BackendAPIError) as caught:
        await call
    assert caught.value.status == 401
    assert MEMO_KEY not in memo


def test_memo_is_per_user() -> None:
    recorder, memo = user_recorder(), {}
    api = sync_api(recorder)
    first = load_current_user(memo, signed_in("user_1"), api)
    second = load_current_user(memo, signed_in("user_2"), api)
    assert (first and first.id, second and second.id) == ("user_1", "user_2")
    assert len(recorder.requests) == 2


# (seconds later, fetches in total after the second request)
@pytest.mark.parametrize(("later", "fetches"), [(0, 1), (29.9, 1), (30, 2), (120, 2)])
def test_ttl_cache_across_requests(later: float, fetches: int) -> None:
    recorder, clock = user_recorder(), Clock()
    cache, api = TTLUserCache(30, timer=clock), sync_api(recorder)
    load_current_user({}, signed_in(), api, cache)
    clock.now += later
    user = load_current_user({}, signed_in(), api, cache)
    assert user is not None
    assert user.id == "user_1"
    assert len(recorder.requests) == fetches


async def test_ttl_cache_serves_async_requests() -> None:
    recorder, cache = user_recorder(), TTLUserCache(30, timer=Clock())
    api = async_api(recorder)
    for _ in range(3):
        assert await aload_current_user({}, signed_in(), api, cache) is not None
    assert len(recorder.requests) == 1


def test_redis_cache_shares_the_users_json() -> None:
    redis, recorder = FakeRedis(), user_recorder()
    cache, api = RedisUserCache(redis, ttl=15), sync_api(recorder)
    assert isinstance(cache, UserCache)
    first = load_current_user({}, signed_in(), api, cache)
    assert redis.ttls == {"authguard:user:user_1": 15}
    assert json.loads(redis.data["authguard:user:user_1"])["public_metadata"] == {"role": "admin"}
    other_worker = RedisUserCache(redis, ttl=15)  # another process, same Redis
    second = load_current_user({}, signed_in(), api, other_worker)
    assert len(recorder.requests) == 1
    assert second == first
    assert second is not None
    assert second.first_name == "Ada"


@pytest.mark.parametrize("stored", [None, b"not json", b"[1, 2]"])
def test_redis_cache_misses_fall_back_to_the_api(stored: bytes | None) -> None:
    redis = FakeRedis()
    if stored is not None:
        redis.data["authguard:user:user_1"] = stored
    recorder = user_recorder()
    user = load_current_user({}, signed_in(), sync_api(recorder), RedisUserCache(redis))
    assert user is not None
    assert user.id == "user_1"
    assert len(recorder.requests) == 1


def test_broken_redis_is_a_miss_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    recorder = user_recorder()
    user = load_current_user({}, signed_in(), sync_api(recorder), RedisUserCache(FakeRedis(True)))
    assert user is not None
    assert len(recorder.requests) == 1
    assert "ConnectionError" in caplog.text
    assert "redis down" not in caplog.text


@pytest.mark.parametrize(
    ("ttl", "cache", "expected"),
    [(None, None, None), (0, None, None), (30, None, TTLUserCache)],
)
def test_resolve_cache(ttl: float | None, cache: Any, expected: type | None) -> None:
    resolved = resolve_cache(ttl, cache)
    assert (type(resolved) if resolved is not None else None) is expected
    if ttl:
        assert resolve_cache(ttl) is resolved  # one shared cache per TTL


def test_resolve_cache_refuses_both_and_bad_ttls() -> None:
    with pytest.raises(TypeError):
        resolve_cache(30, TTLUserCache(5))
    for bad in (0, -1):
        with pytest.raises(ValueError):
            TTLUserCache(bad)
        with pytest.raises(ValueError):
            RedisUserCache(FakeRedis(), ttl=bad)


def test_clients_are_shared_per_settings() -> None:
    one = Settings(secret_key="sk_test_one", api_url="https://one.example")
    two = Settings(secret_key="sk_test_two", api_url="https://one.example")
    assert client_for(one) is client_for(Settings(secret_key="sk_test_one",
                                                   api_url="https://one.example"))  # fmt: skip
    assert client_for(one) is not client_for(two)
    assert async_client_for(one) is async_client_for(one)


@pytest.mark.parametrize(("template", "expected", "calls"),
                         [(None, "the.raw.token", 0), ("supabase", "template.jwt", 1)])  # fmt: skip
async def test_session_tokens(template: str | None, expected: str, calls: int) -> None:
    recorder = Recorder([ok({"object": "token", "jwt": "template.jwt"})])
    assert session_token(signed_in(), sync_api(recorder), template) == expected
    assert await asession_token(signed_in(), async_api(recorder), template) == expected
    assert len(recorder.requests) == 2 * calls
    if calls:
        assert recorder.last.url.path == "/v1/sessions/sess_1/tokens/supabase"


def test_user_round_trips_through_json() -> None:
    user = User.from_json(USER_JSON)
    assert User.from_json(json.loads(json.dumps(dict(user.raw)))) == user
