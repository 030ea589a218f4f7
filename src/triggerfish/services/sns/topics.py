"""Topics, held in memory and stored as documents (kind ``sns.topic``, scope ``<account>/<region>``,
name the topic's name); loaded at start, written before a change is acknowledged."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.sns import tags as tag_rules
from triggerfish.services.sns import topic_attributes
from triggerfish.services.sns.errors import invalid, topic_not_found
from triggerfish.services.sns.models import TOPIC_KIND, Topic
from triggerfish.services.sns.naming import TopicRef, check_topic_name
from triggerfish.store.interfaces import Document, DocumentStore


class TopicRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._topics: dict[str, Topic] = {}

    async def load(self) -> None:
        self._topics = {topic.arn: topic for topic in map(_from_document, await self._documents.list(TOPIC_KIND))}

    def get(self, arn: str) -> Topic | None:
        return self._topics.get(arn)

    def require(self, ref: TopicRef) -> Topic:
        found = self._topics.get(ref.arn)
        if found is None:
            raise topic_not_found()
        return found

    def in_scope(self, account: str, region: str) -> list[Topic]:
        found = [topic for topic in self._topics.values() if (topic.account, topic.region) == (account, region)]
        return sorted(found, key=lambda topic: topic.arn)

    async def create(self, ref: TopicRef, attributes: Mapping[str, str], tags: Mapping[str, str]) -> Topic:
        fifo = attributes.get("FifoTopic", "false").lower() == "true"
        check_topic_name(ref.name, fifo)
        given = topic_attributes.checked(attributes, topic_attributes.CREATABLE, fifo=fifo)
        existing = self._topics.get(ref.arn)
        if existing is not None:
            # CreateTopic is idempotent only for the same attributes and tags (recorded answers)
            if any(_stored(existing, name) != (value or "") for name, value in given.items()):
                raise invalid("Attributes", "Topic already exists with different attributes")
            if any(existing.tags.get(key) != value for key, value in tags.items()):
                raise invalid("Tags", "Topic already exists with different tags")
            return existing
        kept = {name: value for name, value in given.items() if value is not None}
        if not fifo:
            kept.pop("FifoTopic", None)
        topic = Topic(
            arn=ref.arn,
            name=ref.name,
            account=ref.account,
            region=ref.region,
            attributes=kept,
            tags=tag_rules.merged({}, tags),
            created_at=self._clock.now(),
        )
        await self.save(topic)
        return topic

    async def set_attribute(self, topic: Topic, name: str, value: str) -> Topic:
        (checked,) = topic_attributes.checked({name: value}, topic_attributes.SETTABLE, fifo=topic.fifo).items()
        attributes = dict(topic.attributes)
        if checked[1] is None:
            attributes.pop(name, None)
        else:
            attributes[name] = checked[1]
        return await self.save(replace(topic, attributes=attributes))

    async def save(self, topic: Topic) -> Topic:
        body = json.dumps(
            {"name": topic.name, "attributes": dict(topic.attributes), "tags": dict(topic.tags)},
        )
        await self._documents.put(TOPIC_KIND, _scope(topic), topic.name, body, now=self._clock.now())
        self._topics[topic.arn] = topic
        return topic

    async def delete(self, topic: Topic) -> None:
        await self._documents.delete(TOPIC_KIND, _scope(topic), topic.name)
        self._topics.pop(topic.arn, None)


def _stored(topic: Topic, name: str) -> str:
    value = topic.attributes.get(name)
    if value is None and name in ("FifoTopic", "ContentBasedDeduplication"):
        return "false"
    return value or ""


def _scope(topic: Topic) -> str:
    return f"{topic.account}/{topic.region}"


def _from_document(document: Document) -> Topic:
    body: dict[str, Any] = json.loads(document.body)
    account, region = document.scope.split("/", 1)
    return Topic(
        arn=f"arn:aws:sns:{region}:{account}:{body['name']}",
        name=body["name"],
        account=account,
        region=region,
        attributes=body.get("attributes", {}),
        tags=body.get("tags", {}),
        created_at=document.created_at,
    )
