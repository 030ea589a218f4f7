"""Run by test_sqs_durability: send, receive and delete messages forever, announcing each
acknowledged step, so the test may kill this process at any moment.

Usage: python sqs_durability_child.py DATA_DIR PRODUCERS

Lines on stdout: ``+ <id>`` once a send of that message returned, ``- <id>`` once its delete
returned (``? <id>`` when it is about to be deleted), ``f <dedup id> <id>`` once a FIFO send
returned.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from triggerfish.core.clock import SystemClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import OutgoingMessage
from triggerfish.store.factory import open_store


def announce(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def produce(service: SqsService, url: str, fifo: str, producer: int) -> None:
    n = 0
    while True:
        entries = [(f"e{k}", OutgoingMessage(f"p{producer}-{n}-{k}")) for k in range(5)]
        outcome = await service.send_message_batch(url, entries)
        for _, result in outcome.successful:
            assert result is not None
            announce(f"+ {result.message_id}")
        dedup = f"d{producer}-{n}"
        sent = await service.send_message(fifo, OutgoingMessage("x", group_id=f"g{producer}", deduplication_id=dedup))
        announce(f"f {dedup} {sent.message_id}")
        for message in await service.receive_message(url, max_messages=2):
            announce(f"? {message.message_id}")
            await service.delete_message(url, message.receipt_handle)
            announce(f"- {message.message_id}")
        n += 1


async def main(data_dir: Path, producers: int) -> None:
    store = open_store(data_dir)
    await store.open()
    service = SqsService(store, SystemClock())
    await service.start()
    url = await service.create_queue("q")
    fifo = await service.create_queue("f.fifo", {"FifoQueue": "true"})
    await asyncio.gather(*(produce(service, url, fifo, producer) for producer in range(producers)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
