"""Subscription operations: subscribe, confirm, unsubscribe, list, attributes."""

from __future__ import annotations

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sns.shapes import subscriptions
from triggerfish.aws.providers.sns.topics import Operation
from triggerfish.services.sns.service import SnsService


class SubscriptionOperations:
    def __init__(self, service: SnsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "Subscribe": self.subscribe,
            "ConfirmSubscription": self.confirm_subscription,
            "Unsubscribe": self.unsubscribe,
            "ListSubscriptions": self.list_subscriptions,
            "ListSubscriptionsByTopic": self.list_subscriptions_by_topic,
            "GetSubscriptionAttributes": self.get_subscription_attributes,
            "SetSubscriptionAttributes": self.set_subscription_attributes,
        }

    async def subscribe(self, call: Call) -> Reply:
        p = call.params
        arn = await self._service.subscribe(
            p["TopicArn"],
            p["Protocol"],
            p.get("Endpoint"),
            p.get("Attributes"),
            return_arn=bool(p.get("ReturnSubscriptionArn")),
            scope=call.scope,
        )
        return Reply({"SubscriptionArn": arn})

    async def confirm_subscription(self, call: Call) -> Reply:
        p = call.params
        arn = await self._service.confirm_subscription(p["TopicArn"], p["Token"], scope=call.scope)
        return Reply({"SubscriptionArn": arn})

    async def unsubscribe(self, call: Call) -> Reply:
        await self._service.unsubscribe(call.params["SubscriptionArn"], scope=call.scope)
        return Reply()

    async def list_subscriptions(self, call: Call) -> Reply:
        found, token = self._service.list_subscriptions(call.params.get("NextToken"), scope=call.scope)
        return Reply(subscriptions(found, token))

    async def list_subscriptions_by_topic(self, call: Call) -> Reply:
        p = call.params
        found, token = self._service.list_subscriptions_by_topic(p["TopicArn"], p.get("NextToken"), scope=call.scope)
        return Reply(subscriptions(found, token))

    async def get_subscription_attributes(self, call: Call) -> Reply:
        attributes = self._service.get_subscription_attributes(call.params["SubscriptionArn"], scope=call.scope)
        return Reply({"Attributes": attributes})

    async def set_subscription_attributes(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_subscription_attributes(
            p["SubscriptionArn"], p["AttributeName"], p.get("AttributeValue"), scope=call.scope
        )
        return Reply()
