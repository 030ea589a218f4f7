"""Authorizer results kept for the authorizer's TTL, by the clock, keyed by the identity source values."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from triggerfish.core.clock import Clock

T = TypeVar("T")


class AuthorizerCache(Generic[T]):
    def __init__(self, clock: Clock, *, limit: int = 10_000) -> None:
        self._clock = clock
        self._limit = limit
        self._entries: dict[Hashable, tuple[float, T]] = {}

    def get(self, key: Hashable) -> T | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock.now() >= expires:
            del self._entries[key]
            return None
        return value

    def put(self, key: Hashable, value: T, ttl: int) -> None:
        """Keep ``value`` for ``ttl`` seconds; a TTL of 0 disables caching (spec §6.5)."""
        if ttl <= 0:
            return
        now = self._clock.now()
        if len(self._entries) >= self._limit:
            self._entries = {k: entry for k, entry in self._entries.items() if entry[0] > now}
            if len(self._entries) >= self._limit:
                self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (now + ttl, value)
