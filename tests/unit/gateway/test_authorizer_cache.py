"""The authorizer result cache: TTL by the virtual clock, TTL 0, the size bound."""

from __future__ import annotations

from triggerfish.core.clock import VirtualClock
from triggerfish.gateway.authorizers.cache import AuthorizerCache


async def test_entries_expire_after_their_ttl() -> None:
    clock = VirtualClock()
    cache: AuthorizerCache[str] = AuthorizerCache(clock)
    cache.put(("a", "token"), "policy", 300)
    await clock.advance(299.9)
    assert cache.get(("a", "token")) == "policy"
    await clock.advance(0.1)
    assert cache.get(("a", "token")) is None


async def test_ttl_zero_disables_caching() -> None:
    cache: AuthorizerCache[str] = AuthorizerCache(VirtualClock())
    cache.put("k", "v", 0)
    assert cache.get("k") is None


async def test_the_size_bound_drops_expired_then_oldest() -> None:
    clock = VirtualClock()
    cache: AuthorizerCache[int] = AuthorizerCache(clock, limit=2)
    cache.put("short", 1, 1)
    cache.put("long", 2, 100)
    await clock.advance(2)
    cache.put("new", 3, 100)
    assert cache.get("long") == 2 and cache.get("new") == 3
    cache.put("newest", 4, 100)
    assert cache.get("long") is None and cache.get("newest") == 4
