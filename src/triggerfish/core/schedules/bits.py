"""Sets of small integers held as bit masks.

Every cron field is a set of small integers (minutes 0-59, days 1-31, years as offsets from 1970).
Holding each as an ``int`` bit mask turns "the next allowed value at or after x" into two integer
operations, which is what keeps a next-fire-time search well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable


def mask_of(values: Iterable[int], offset: int = 0) -> int:
    """The mask with bit ``v - offset`` set for every ``v`` in ``values``."""
    mask = 0
    for value in values:
        mask |= 1 << (value - offset)
    return mask


def values_of(mask: int, offset: int = 0) -> tuple[int, ...]:
    """The set bits of ``mask`` as ascending values (the inverse of :func:`mask_of`)."""
    found: list[int] = []
    position = 0
    while mask:
        if mask & 1:
            found.append(position + offset)
        mask >>= 1
        position += 1
    return tuple(found)


def next_bit(mask: int, start: int) -> int | None:
    """The lowest set bit at position ``start`` or above, or ``None``."""
    if start < 0:
        start = 0
    rest = mask >> start
    if not rest:
        return None
    return start + (rest & -rest).bit_length() - 1


def prev_bit(mask: int, start: int) -> int | None:
    """The highest set bit at position ``start`` or below, or ``None``."""
    if start < 0:
        return None
    rest = mask & ((2 << start) - 1)
    if not rest:
        return None
    return rest.bit_length() - 1
