"""The SQS service: queues, messages and move tasks, addressed as the API addresses them (spec §2.1).

Each queue's live state is in memory (:mod:`.queue_state`); the store is its durable log. What a
send acknowledges is committed first; deletes are committed before they are acknowledged; receive
counts and visibility changes are written without waiting (see :mod:`.receiving`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.queue_port import ReceivedMessage
from triggerfish.services.sqs import checks
from triggerfish.services.sqs.errors import InvalidAttributeName, InvalidParameterValue, PurgeQueueInProgress, SqsError
from triggerfish.services.sqs.models import (
    BatchFailure,
    BatchOutcome,
    Location,
    MoveTaskView,
    OutgoingMessage,
    Scope,
    SendResult,
)
from triggerfish.services.sqs.move_task_journal import MoveTaskJournal
from triggerfish.services.sqs.move_tasks import MoveTasks
from triggerfish.services.sqs.naming import DEFAULT_BASE_URL, QueueKey, key_from_url
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.services.sqs.receiving import Receiver
from triggerfish.services.sqs.registry import QueueRegistry
from triggerfish.services.sqs.runtime import Queues
from triggerfish.services.sqs.sending import Sender, check_batch_size, check_fifo_batch
from triggerfish.services.sqs.settings import COMPUTED, FIFO_ONLY
from triggerfish.services.sqs.source import SqsDeliverer, SqsQueueSource
from triggerfish.store.interfaces import Store

#: PurgeQueue once per 60 seconds per queue (SQS API reference, PurgeQueue)
PURGE_INTERVAL = 60.0
MAX_LIST_RESULTS = 1000
_HERE = Location()


class SqsService:
    def __init__(self, store: Store, clock: Clock, deliveries: DeliveryRegistry | None = None) -> None:
        self.clock = clock
        #: the endpoint queue URLs start with; ``app`` sets it to the server's URL once known
        self.base_url = DEFAULT_BASE_URL
        self.queues = Queues(store.queues, clock)
        self.registry = QueueRegistry(store.documents, self.queues, clock)
        self.sender = Sender(self.queues)
        self.receiver = Receiver(self.queues)
        self.move_tasks = MoveTasks(self.registry, self.receiver, clock, MoveTaskJournal(store.documents, clock))
        #: the port Lambda's event source mappings consume queues through
        self.source = SqsQueueSource(self)
        if deliveries is not None:
            deliveries.register("sqs", SqsDeliverer(self))

    async def start(self) -> None:
        await self.registry.load()
        await self.move_tasks.resume()

    async def close(self) -> None:
        await self.move_tasks.close()
        self.queues.close()
        await self.queues.flush()

    def queue_url(self, queue: LiveQueue) -> str:
        return queue.config.key.url(self.base_url)

    def resolve(self, url: str, scope: Scope = _HERE) -> LiveQueue:
        return self.registry.require(key_from_url(url, account=scope.account, region=scope.region))

    # --- queues -----------------------------------------------------------------------------------

    async def create_queue(
        self,
        name: str,
        attributes: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        *,
        scope: Scope = _HERE,
    ) -> str:
        queue = await self.registry.create(QueueKey(scope.account, scope.region, name), attributes or {}, tags or {})
        return self.queue_url(queue)

    def get_queue_url(self, name: str, *, owner: str | None = None, scope: Scope = _HERE) -> str:
        return self.queue_url(self.registry.require(QueueKey(owner or scope.account, scope.region, name)))

    def list_queues(
        self,
        prefix: str | None = None,
        *,
        max_results: int | None = None,
        next_token: str | None = None,
        scope: Scope = _HERE,
    ) -> tuple[list[str], str | None]:
        keys = self.registry.names(scope.account, scope.region, prefix or "")
        return self._page([self.queue_url_of(key) for key in keys], [key.name for key in keys], max_results, next_token)

    def queue_url_of(self, key: QueueKey) -> str:
        return key.url(self.base_url)

    def get_queue_attributes(self, url: str, names: Sequence[str] | None, *, scope: Scope = _HERE) -> dict[str, str]:
        queue = self.resolve(url, scope)
        self.queues.refresh(queue)
        values = self._attributes(queue)
        if not names:
            return {}
        wanted = set(names)
        for name in wanted - {"All"}:
            if name not in values and not _known(name, queue.config.fifo):
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
        return values if "All" in wanted else {name: value for name, value in values.items() if name in wanted}

    def _attributes(self, queue: LiveQueue) -> dict[str, str]:
        config = queue.config
        return {
            "QueueArn": config.arn,
            "ApproximateNumberOfMessages": str(queue.visible_count),
            "ApproximateNumberOfMessagesNotVisible": str(queue.in_flight_count),
            "ApproximateNumberOfMessagesDelayed": str(queue.delayed_count),
            "CreatedTimestamp": str(int(config.created_at)),
            "LastModifiedTimestamp": str(int(config.modified_at)),
            **config.settings.attributes(),
        }

    async def set_queue_attributes(self, url: str, attributes: Mapping[str, str], *, scope: Scope = _HERE) -> None:
        queue = self.resolve(url, scope)
        for name in attributes:
            if name in COMPUTED:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
        await self.registry.update(queue, attributes)

    async def delete_queue(self, url: str, *, scope: Scope = _HERE) -> None:
        queue = self.resolve(url, scope)
        await self.registry.delete(queue)
        await self.move_tasks.forget(queue.arn)

    async def purge_queue(self, url: str, *, scope: Scope = _HERE) -> None:
        queue = self.resolve(url, scope)
        now = self.clock.now()
        if queue.last_purge is not None and now - queue.last_purge < PURGE_INTERVAL:
            raise PurgeQueueInProgress(
                f"Only one PurgeQueue operation on {queue.config.name} is allowed every {int(PURGE_INTERVAL)} seconds."
            )
        queue.last_purge = now
        self.queues.forget_receipts(queue.arn, [message.id for message in queue.clear()])
        await self.queues.store.purge(queue.arn)

    async def tag_queue(self, url: str, tags: Mapping[str, str], *, scope: Scope = _HERE) -> None:
        await self.registry.tag(self.resolve(url, scope), tags)

    async def untag_queue(self, url: str, keys: Sequence[str], *, scope: Scope = _HERE) -> None:
        await self.registry.untag(self.resolve(url, scope), keys)

    def list_queue_tags(self, url: str, *, scope: Scope = _HERE) -> dict[str, str]:
        return dict(self.resolve(url, scope).config.tags)

    def list_dead_letter_source_queues(
        self, url: str, *, max_results: int | None = None, next_token: str | None = None, scope: Scope = _HERE
    ) -> tuple[list[str], str | None]:
        sources = self.registry.dead_letter_sources(self.resolve(url, scope))
        urls = [self.queue_url(queue) for queue in sources]
        return self._page(urls, [queue.config.name for queue in sources], max_results, next_token)

    def _page(
        self, urls: list[str], names: list[str], max_results: int | None, next_token: str | None
    ) -> tuple[list[str], str | None]:
        if max_results is not None and not 1 <= max_results <= MAX_LIST_RESULTS:
            raise InvalidParameterValue(
                f"Value {max_results} for parameter MaxResults is invalid. "
                f"Reason: MaxResults must be an integer between 1 and {MAX_LIST_RESULTS}."
            )
        start = 0
        if next_token:
            after = _decode_token(next_token)
            start = next((i for i, name in enumerate(names) if name > after), len(names))
        limit = max_results or MAX_LIST_RESULTS
        page = urls[start : start + limit]
        more = max_results is not None and start + limit < len(urls)
        return page, _encode_token(names[start + limit - 1]) if more else None

    # --- messages ---------------------------------------------------------------------------------

    async def send_message(self, url: str, message: OutgoingMessage, *, scope: Scope = _HERE) -> SendResult:
        (result,) = await self.sender.send(self.resolve(url, scope), [message])
        if isinstance(result, SqsError):
            raise result
        return result

    async def send_message_batch(
        self, url: str, entries: Sequence[tuple[str, OutgoingMessage]], *, scope: Scope = _HERE
    ) -> BatchOutcome:
        queue = self.resolve(url, scope)
        checks.check_batch_ids([entry_id for entry_id, _ in entries], "SendMessageBatchRequestEntry")
        messages = [message for _, message in entries]
        check_batch_size(messages)
        check_fifo_batch(queue, messages)
        results = await self.sender.send(queue, messages)
        return _outcome([entry_id for entry_id, _ in entries], results)

    async def receive_message(
        self,
        url: str,
        *,
        max_messages: int = 1,
        visibility_timeout: int | None = None,
        wait_time: int | None = None,
        attempt_id: str | None = None,
        scope: Scope = _HERE,
    ) -> list[ReceivedMessage]:
        queue = self.resolve(url, scope)
        checks.check_receive(max_messages, wait_time, visibility_timeout)
        wait = queue.config.settings.receive_wait_time if wait_time is None else wait_time
        received = await self.receiver.receive(queue, max_messages, visibility_timeout, wait, attempt_id)
        sender = self.queues.sender_id
        return [message.received(handle, sender) for message, handle in received]

    async def delete_message(self, url: str, receipt_handle: str, *, scope: Scope = _HERE) -> None:
        (error,) = await self.receiver.delete(self.resolve(url, scope), [receipt_handle])
        if error is not None:
            raise error

    async def delete_message_batch(
        self, url: str, entries: Sequence[tuple[str, str]], *, scope: Scope = _HERE
    ) -> BatchOutcome:
        queue = self.resolve(url, scope)
        checks.check_batch_ids([entry_id for entry_id, _ in entries], "DeleteMessageBatchRequestEntry")
        errors = await self.receiver.delete(queue, [handle for _, handle in entries])
        return _outcome([entry_id for entry_id, _ in entries], [None if e is None else e for e in errors])

    async def change_message_visibility(
        self, url: str, receipt_handle: str, visibility_timeout: int, *, scope: Scope = _HERE
    ) -> None:
        queue = self.resolve(url, scope)
        (error,) = await self.receiver.change_visibility(queue, [(receipt_handle, visibility_timeout)])
        if error is not None:
            raise error

    async def change_message_visibility_batch(
        self, url: str, entries: Sequence[tuple[str, str, int]], *, scope: Scope = _HERE
    ) -> BatchOutcome:
        queue = self.resolve(url, scope)
        checks.check_batch_ids([entry_id for entry_id, _, _ in entries], "ChangeMessageVisibilityBatchRequestEntry")
        errors = await self.receiver.change_visibility(queue, [(handle, timeout) for _, handle, timeout in entries])
        return _outcome([entry_id for entry_id, _, _ in entries], errors)

    # --- move tasks -------------------------------------------------------------------------------

    async def start_message_move_task(
        self, source_arn: str, destination_arn: str | None = None, max_per_second: int | None = None
    ) -> str:
        return await self.move_tasks.start(source_arn, destination_arn, max_per_second)

    def list_message_move_tasks(self, source_arn: str, max_results: int | None = None) -> list[MoveTaskView]:
        return self.move_tasks.list(source_arn, max_results)

    async def cancel_message_move_task(self, task_handle: str) -> int:
        return await self.move_tasks.cancel(task_handle)


def _outcome(ids: Sequence[str], results: Sequence[SendResult | SqsError | None]) -> BatchOutcome:
    outcome = BatchOutcome()
    for entry_id, result in zip(ids, results, strict=True):
        if isinstance(result, SqsError):
            outcome.failed.append(BatchFailure(entry_id, result.code, result.message, result.sender_fault))
        else:
            outcome.successful.append((entry_id, result))
    return outcome


def _known(name: str, fifo: bool) -> bool:
    # optional attributes that are simply unset (Policy, RedrivePolicy...) are asked for without error
    optional = {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"}
    return name in optional or (fifo and name in FIFO_ONLY)


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidParameterValue("Invalid NextToken value.") from None
