"""FIFO topics: the 5-minute deduplication window and sequence numbers (spec §5.1).

A message whose deduplication id was seen on the topic (or in its message group, when the topic's
``FifoThroughputScope`` is ``MessageGroup``) within five minutes is accepted but not delivered,
and answers with the first message's id and sequence number (recorded republish answers).
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.core.clock import Clock
from triggerfish.services.sns.models import Topic

DEDUPLICATION_WINDOW = 300.0
_SEQUENCE_DIGITS = 20


@dataclass(frozen=True)
class Published:
    message_id: str
    sequence_number: str | None = None


class FifoLedger:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str, str], tuple[float, Published]] = {}
        self._last_sequence: dict[str, int] = {}

    def duplicate(self, topic: Topic, group_id: str, deduplication_id: str) -> Published | None:
        """The earlier publish this one repeats, if it is within the window."""
        found = self._seen.get(_key(topic, group_id, deduplication_id))
        if found is None:
            return None
        seen_at, published = found
        if self._clock.now() - seen_at >= DEDUPLICATION_WINDOW:
            return None
        return published

    def record(self, topic: Topic, group_id: str, deduplication_id: str, published: Published) -> None:
        now = self._clock.now()
        self._seen = {key: value for key, value in self._seen.items() if now - value[0] < DEDUPLICATION_WINDOW}
        self._seen[_key(topic, group_id, deduplication_id)] = (now, published)

    def next_sequence(self, topic: Topic) -> str:
        """A 20-digit number larger than any given before on the topic, also across restarts, since
        it grows with the clock (SequenceNumber: "a large, non-consecutive number")."""
        from_clock = int(self._clock.now() * 1_000_000) * 10_000
        number = max(from_clock, self._last_sequence.get(topic.arn, 0) + 1)
        self._last_sequence[topic.arn] = number
        return str(number).zfill(_SEQUENCE_DIGITS)

    def forget(self, topic_arn: str) -> None:
        self._seen = {key: value for key, value in self._seen.items() if key[0] != topic_arn}
        self._last_sequence.pop(topic_arn, None)


def _key(topic: Topic, group_id: str, deduplication_id: str) -> tuple[str, str, str]:
    by_group = topic.attributes.get("FifoThroughputScope") == "MessageGroup"
    return topic.arn, group_id if by_group else "", deduplication_id
