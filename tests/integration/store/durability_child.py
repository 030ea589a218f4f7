"""Run by test_durability: enqueue events forever, announcing each one only once it is stored.

Usage: python durability_child.py DATABASE PRODUCERS

Each line on stdout is the id of an event whose ``enqueue`` has returned, so the test may kill this
process at any moment and expect every announced id to be in the database.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from triggerfish.store.interfaces import AsyncEvent
from triggerfish.store.sqlite import SQLiteStore


async def produce(store: SQLiteStore, producer: int) -> None:
    n = 0
    while True:
        event_id = f"p{producer}-{n}"
        await store.async_events.enqueue(AsyncEvent(event_id, "arn:fn", b"{}", 0.0, float(n)))
        sys.stdout.write(event_id + "\n")
        sys.stdout.flush()
        n += 1


async def main(path: Path, producers: int) -> None:
    store = SQLiteStore(path)
    await store.open()
    await asyncio.gather(*(produce(store, producer) for producer in range(producers)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
