"""Who wants to hear that a stream changed: callbacks per stream ARN, kept apart from the streams
themselves so a consumer may listen before a stream exists and across its re-creation."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Listeners:
    def __init__(self) -> None:
        self._by_arn: dict[str, list[Callable[[], None]]] = {}

    def add(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        callbacks = self._by_arn.setdefault(arn, [])
        callbacks.append(callback)

        def stop() -> None:
            if callback in callbacks:
                callbacks.remove(callback)
            if not callbacks and self._by_arn.get(arn) is callbacks:
                del self._by_arn[arn]

        return stop

    def notify(self, arn: str) -> None:
        for callback in list(self._by_arn.get(arn, ())):
            try:
                callback()
            except Exception:
                log.exception("a listener of %s failed", arn)
