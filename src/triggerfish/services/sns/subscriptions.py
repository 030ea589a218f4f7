"""Subscriptions, held in memory and stored as documents (kind ``sns.subscription``, scope
``<account>/<region>``, name ``<topic name>:<id>``); plus how each protocol's endpoint is checked."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.sns.errors import InvalidParameter, invalid
from triggerfish.services.sns.models import SUBSCRIPTION_KIND, Endpoint, Subscription, Topic
from triggerfish.store.interfaces import Document, DocumentStore

#: protocols whose endpoints must confirm before deliveries start (SNS developer guide, "Subscribing")
NEEDS_CONFIRMATION = frozenset({Endpoint.HTTP, Endpoint.HTTPS, Endpoint.EMAIL, Endpoint.EMAIL_JSON})
_PHONE = re.compile(r"\+?[0-9]{1,15}")
_HEX = re.compile(r"[0-9a-fA-F]+")


def parse_protocol(text: str) -> Endpoint:
    try:
        return Endpoint(text.lower())
    except ValueError:
        raise invalid(f"Amazon SNS does not support this protocol string: {text}") from None


def check_endpoint(protocol: Endpoint, endpoint: str, topic: Topic) -> None:
    """Refuse an endpoint that cannot be one of ``protocol`` (messages as SNS answers, recorded)."""
    if protocol is Endpoint.SQS:
        name = _arn_resource(endpoint, "sqs")
        if name is None:
            raise invalid("SQS endpoint ARN")
        if name.endswith(".fifo") and not topic.fifo:
            raise invalid("Invalid parameter: Endpoint", "FIFO SQS Queues can not be subscribed to standard SNS topics")
        return
    if topic.fifo:
        # FIFO topics deliver only to SQS queues (spec §5.1)
        raise invalid("Protocol", f"Invalid protocol type: {protocol.value}")
    if protocol is Endpoint.LAMBDA and _arn_resource(endpoint, "lambda") is None:
        raise invalid("Lambda endpoint ARN")
    if protocol is Endpoint.FIREHOSE and _arn_resource(endpoint, "firehose") is None:
        raise invalid("Firehose endpoint ARN")
    if protocol in (Endpoint.HTTP, Endpoint.HTTPS) and not _url_of(endpoint, protocol.value):
        # "Invalid parameter: Endpoint must match the specified protocol" (observed SNS answer)
        raise invalid("Endpoint must match the specified protocol")
    if protocol in (Endpoint.EMAIL, Endpoint.EMAIL_JSON) and not re.fullmatch(r"[^@\s]+@[^@\s]+", endpoint):
        raise invalid("Email address")
    if protocol is Endpoint.SMS and not _PHONE.fullmatch(re.sub(r"[\s().-]", "", endpoint)):
        raise InvalidParameter(f"Invalid SMS endpoint: {endpoint}")
    if protocol is Endpoint.APPLICATION:
        # no platform applications here, so no platform endpoint exists
        raise invalid("Endpoint", f"Endpoint does not exist for endpoint {endpoint}")


def _arn_resource(arn: str, service: str) -> str | None:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != service or not parts[5]:
        return None
    return ":".join(parts[5:])


def _url_of(endpoint: str, scheme: str) -> bool:
    prefix = f"{scheme}://"
    return endpoint.lower().startswith(prefix) and len(endpoint) > len(prefix)


def new_token() -> str:
    return secrets.token_hex(144)


def token_is_well_formed(token: str) -> bool:
    """SNS tells a token that cannot be one ("Invalid token") from an unknown one (recorded)."""
    return bool(_HEX.fullmatch(token))


class SubscriptionRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._by_arn: dict[str, Subscription] = {}

    async def load(self) -> None:
        found = [_from_document(document) for document in await self._documents.list(SUBSCRIPTION_KIND)]
        self._by_arn = {s.arn: s for s in sorted(found, key=lambda s: (s.created_at, s.arn))}

    def get(self, arn: str) -> Subscription | None:
        return self._by_arn.get(arn)

    def of_topic(self, topic_arn: str) -> list[Subscription]:
        """The topic's subscriptions, oldest first."""
        return [s for s in self._by_arn.values() if s.topic_arn == topic_arn]

    def in_scope(self, account: str, region: str) -> list[Subscription]:
        prefix = f"arn:aws:sns:{region}:{account}:"
        return [s for s in self._by_arn.values() if s.topic_arn.startswith(prefix)]

    def find(self, topic_arn: str, protocol: Endpoint, endpoint: str) -> Subscription | None:
        wanted = (topic_arn, protocol, endpoint)
        for subscription in self._by_arn.values():
            if (subscription.topic_arn, subscription.protocol, subscription.endpoint) == wanted:
                return subscription
        return None

    def by_token(self, topic_arn: str, token: str) -> Subscription | None:
        for subscription in self.of_topic(topic_arn):
            if subscription.token == token:
                return subscription
        return None

    async def save(self, subscription: Subscription) -> Subscription:
        body = {
            "topic_arn": subscription.topic_arn,
            "protocol": subscription.protocol.value,
            "endpoint": subscription.endpoint,
            "owner": subscription.owner,
            "attributes": dict(subscription.attributes),
            "confirmed": subscription.confirmed,
            "token": subscription.token,
            "created_at": subscription.created_at,
        }
        scope, name = _key(subscription.arn)
        await self._documents.put(SUBSCRIPTION_KIND, scope, name, json.dumps(body), now=self._clock.now())
        self._by_arn[subscription.arn] = subscription
        return subscription

    async def set_attributes(self, subscription: Subscription, attributes: Mapping[str, str]) -> Subscription:
        return await self.save(replace(subscription, attributes=dict(attributes)))

    async def remove(self, subscription: Subscription) -> None:
        scope, name = _key(subscription.arn)
        await self._documents.delete(SUBSCRIPTION_KIND, scope, name)
        self._by_arn.pop(subscription.arn, None)


def _key(arn: str) -> tuple[str, str]:
    """``(document scope, document name)`` of a subscription ARN."""
    _, _, _, region, account, rest = arn.split(":", 5)
    return f"{account}/{region}", rest


def _from_document(document: Document) -> Subscription:
    body: dict[str, Any] = json.loads(document.body)
    account, region = document.scope.split("/", 1)
    return Subscription(
        arn=f"arn:aws:sns:{region}:{account}:{document.name}",
        topic_arn=body["topic_arn"],
        protocol=Endpoint(body["protocol"]),
        endpoint=body["endpoint"],
        owner=body["owner"],
        attributes=body.get("attributes", {}),
        confirmed=bool(body.get("confirmed", True)),
        token=body.get("token"),
        created_at=float(body.get("created_at", document.created_at)),
    )
