"""Queue configurations: create, change, tag and delete queues, stored as documents (kind ``sqs.queue``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from triggerfish.core.clock import Clock
from triggerfish.services.sqs.errors import InvalidParameterValue, QueueDoesNotExist, QueueNameExists
from triggerfish.services.sqs.fifo import Sent
from triggerfish.services.sqs.message import from_stored
from triggerfish.services.sqs.models import QUEUE_KIND, QueueConfig, config_from_document
from triggerfish.services.sqs.naming import QueueKey, check_queue_name, key_from_arn
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.services.sqs.runtime import Queues
from triggerfish.services.sqs.settings import QueueSettings, apply
from triggerfish.store.interfaces import DocumentStore

MAX_TAGS = 50


class QueueRegistry:
    def __init__(self, documents: DocumentStore, queues: Queues, clock: Clock) -> None:
        self._documents = documents
        self._queues = queues
        self._clock = clock

    async def load(self) -> None:
        """Rebuild every queue from its configuration and its stored messages (after a restart)."""
        store = self._queues.store
        now = self._clock.now()
        known: set[str] = set()
        for document in await self._documents.list(QUEUE_KIND):
            account, _, region = document.scope.partition("/")
            config = config_from_document(QueueKey(account, region, document.name), json.loads(document.body))
            queue = self._queues.attach(config)
            known.add(queue.arn)
            for stored in await store.load(queue.arn):
                message = from_stored(stored)
                queue.add(message, now)
                if message.sequence_number is not None:
                    queue.last_sequence = max(queue.last_sequence, int(message.sequence_number))
            for entry in await store.load_deduplication(queue.arn, now):
                queue.deduplication.remember(entry.key, Sent(entry.message_id, entry.sequence_number, entry.expires_at))
                queue.last_sequence = max(queue.last_sequence, int(entry.sequence_number))
            self._queues.refresh(queue, now)
        for orphan in await store.queues():
            if orphan not in known:
                await store.drop(orphan)  # its queue was deleted just before a crash
        await store.prune_deduplication(now)

    def find(self, key: QueueKey) -> LiveQueue | None:
        return self._queues.get(key.arn)

    def require(self, key: QueueKey) -> LiveQueue:
        queue = self._queues.get(key.arn)
        if queue is None:
            raise QueueDoesNotExist()
        return queue

    def by_arn(self, arn: str) -> LiveQueue | None:
        found = self._queues.get(arn)  # the usual case: the ARN as we write it
        if found is not None:
            return found
        key = key_from_arn(arn)
        return None if key is None else self._queues.get(key.arn)

    async def create(self, key: QueueKey, attributes: Mapping[str, str], tags: Mapping[str, str]) -> LiveQueue:
        fifo = attributes.get("FifoQueue", "").lower() == "true"
        check_queue_name(key.name, fifo=fifo)
        settings = apply(QueueSettings(fifo=fifo), attributes, creating=True)
        existing = self.find(key)
        if existing is not None:
            # same name: fine if every attribute given matches (SQS API reference, CreateQueue)
            current, wanted = existing.config.settings.attributes(), settings.attributes()
            for name in attributes:
                if current.get(name) != wanted.get(name):
                    raise QueueNameExists(
                        f"A queue already exists with the same name and a different value for attribute {name}"
                    )
            return existing
        self._check_redrive(key, settings)
        _check_tags(tags)
        now = self._clock.now()
        config = QueueConfig(key, settings, dict(tags), now, now)
        queue = self._queues.attach(config)  # before any await: a concurrent create finds it
        try:
            await self._save(config)
        except BaseException:
            self._queues.detach(key.arn)
            raise
        return queue

    async def update(self, queue: LiveQueue, attributes: Mapping[str, str]) -> None:
        settings = apply(queue.config.settings, attributes, creating=False)
        self._check_redrive(queue.config.key, settings)
        await self._replace(
            queue,
            QueueConfig(queue.config.key, settings, queue.config.tags, queue.config.created_at, self._clock.now()),
        )
        self._queues.refresh(queue)

    async def tag(self, queue: LiveQueue, tags: Mapping[str, str]) -> None:
        merged = {**queue.config.tags, **tags}
        _check_tags(merged)
        config = queue.config
        await self._replace(
            queue, QueueConfig(config.key, config.settings, merged, config.created_at, config.modified_at)
        )

    async def untag(self, queue: LiveQueue, keys: Sequence[str]) -> None:
        kept = {name: value for name, value in queue.config.tags.items() if name not in keys}
        config = queue.config
        await self._replace(
            queue, QueueConfig(config.key, config.settings, kept, config.created_at, config.modified_at)
        )

    async def delete(self, queue: LiveQueue) -> None:
        key = queue.config.key
        self._queues.forget_receipts(queue.arn, list(queue.messages))
        self._queues.detach(queue.arn)
        await self._documents.delete(QUEUE_KIND, key.scope, key.name)
        await self._queues.store.drop(queue.arn)

    def names(self, account: str, region: str, prefix: str = "") -> list[QueueKey]:
        keys = [
            q.config.key
            for q in self._queues.all()
            if q.config.key.account == account and q.config.key.region == region
        ]
        return sorted((key for key in keys if key.name.startswith(prefix)), key=lambda key: key.name)

    def dead_letter_sources(self, queue: LiveQueue) -> list[LiveQueue]:
        """The queues whose RedrivePolicy names ``queue`` as their dead-letter queue."""
        found = []
        for candidate in self._queues.all():
            policy = candidate.config.settings.redrive_policy
            if policy is not None and key_from_arn(policy.dead_letter_target_arn) == queue.config.key:
                found.append(candidate)
        return sorted(found, key=lambda q: q.config.name)

    def _check_redrive(self, key: QueueKey, settings: QueueSettings) -> None:
        policy = settings.redrive_policy
        if policy is None:
            return
        text = policy.to_json()
        target_key = key_from_arn(policy.dead_letter_target_arn)
        if target_key is None:
            raise _bad_redrive(text, "Invalid value for deadLetterTargetArn.")
        target = self._queues.get(target_key.arn)
        # the dead-letter queue must exist, in the same account and region, of the same type (spec §2.1)
        if target is None or target_key.account != key.account or target_key.region != key.region:
            raise _bad_redrive(text, "Dead letter target does not exist.")
        if target.config.fifo != settings.fifo:
            raise _bad_redrive(text, "Dead-letter queue must be same type of queue as the source.")
        allow = target.config.settings.redrive_allow_policy
        if allow is not None and not allow.allows(key.arn):
            raise _bad_redrive(text, f"Queue {key.arn} is not allowed to use {target.arn} as its dead-letter queue.")

    async def _replace(self, queue: LiveQueue, config: QueueConfig) -> None:
        await self._save(config)
        queue.config = config

    async def _save(self, config: QueueConfig) -> None:
        body = json.dumps(config.to_document(), sort_keys=True)
        await self._documents.put(QUEUE_KIND, config.key.scope, config.name, body, now=self._clock.now())


def _bad_redrive(text: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {text} for parameter RedrivePolicy is invalid. Reason: {reason}")


def _check_tags(tags: Mapping[str, str]) -> None:
    # up to 50 tags; keys 1-128 and values 0-256 characters (SQS developer guide, "Tagging")
    if len(tags) > MAX_TAGS:
        raise InvalidParameterValue(f"Too many tags added for queue. The maximum is {MAX_TAGS}.")
    for name, value in tags.items():
        if not 1 <= len(name) <= 128 or len(value) > 256:
            raise InvalidParameterValue(f"Tag {name} is invalid: keys are 1 to 128 and values 0 to 256 characters.")
