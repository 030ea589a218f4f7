"""Sending one batch to the function and settling its messages by the result (spec §2.2)."""

from __future__ import annotations

import logging

from triggerfish.core.queue_port import QueueSource
from triggerfish.services.lambda_.invoker import Throttled
from triggerfish.services.lambda_.mappings.batcher import Batch
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.records import batch_payload
from triggerfish.services.lambda_.mappings.results import judge
from triggerfish.services.lambda_.models import FunctionConfig

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, mapping: EventSourceMapping, source: QueueSource, functions: FunctionPort) -> None:
        self._mapping = mapping
        self._source = source
        self._functions = functions
        self._fifo = mapping.event_source_arn.endswith(".fifo")

    async def send(self, function: FunctionConfig, batch: Batch) -> None:
        arn = self._mapping.event_source_arn
        try:
            invocation = await self._functions.invoke(function, batch_payload(batch.records))
        except Throttled:
            # A throttled batch waits in the queue, visible again for when concurrency frees up;
            # the mapping itself never drops it nor sends it to a dead-letter queue (spec §2.2, §8).
            await self._source.change_visibility(arn, [m.receipt_handle for m in batch.messages], 0)
            return
        except Exception:
            # Not the function's error but ours or the runtime's: the batch returns after its
            # visibility timeout, as after a function error.
            log.exception("event source mapping %s could not invoke %s", self._mapping.uuid, function.name)
            return
        verdict = judge(
            batch.messages,
            invocation.payload,
            invocation.function_error,
            report_item_failures=self._mapping.reports_item_failures,
            fifo=self._fifo,
        )
        if verdict.done:
            # one delete call for the whole batch: no per-message overhead on the hot path
            await self._source.delete(arn, [m.receipt_handle for m in verdict.done])
