"""Applying the active rule set: matching, action order, dispositions, headers and durability."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from receiving_fakes import Invoker, Recorder, Verified, registry

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.ses.receiving.actions import Disposition
from triggerfish.services.ses.receiving.codec import rule_from_wire
from triggerfish.services.ses.receiving.receiver import INBOUND_KIND, MailReceiver
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.store.interfaces import Store

REGION = "us-east-1"
FN = "arn:aws:lambda:us-east-1:000000000000:function:inbox"
TOPIC = "arn:aws:sns:us-east-1:000000000000:mail"
RAW = b"From: a@sender.org\r\nTo: info@example.com\r\nSubject: Hi\r\n\r\nHello\r\n"


class World:
    def __init__(self, store: Store, invoker: Invoker) -> None:
        self.store = store
        self.clock = VirtualClock()
        self.tracker = WorkTracker()
        self.rules = ReceiptRules(store, self.clock)
        self.deliveries, self.targets = registry()
        self.invoker = invoker
        self.receiver = MailReceiver(self.rules, Verified(), self.deliveries, invoker, self.clock, self.tracker)

    async def start(self) -> None:
        await self.rules.start()
        await self.receiver.start()

    async def rule(self, **shape: Any) -> None:
        if not self.rules.list_rule_sets(REGION):
            await self.rules.create_rule_set(REGION, "set")
            await self.rules.set_active(REGION, "set")
        names = self.rules.describe_rule_set(REGION, "set").names()
        after = names[-1] if names else None
        await self.rules.create_rule(REGION, "set", rule_from_wire({"Enabled": True, **shape}), after=after)

    @property
    def lambdas(self) -> Recorder:
        return self.targets["lambda"]


@pytest.fixture
async def world(store: Store) -> World:
    world = World(store, Invoker())
    await world.start()
    return world


async def test_lambda_event_action_delivers_the_ses_event(world: World) -> None:
    await world.rule(Name="r", Recipients=["example.com"], Actions=[{"LambdaAction": {"FunctionArn": FN}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    ((arn, delivery),) = world.lambdas.received
    assert arn == FN
    record = json.loads(delivery.body)["Records"][0]
    assert record["eventSource"] == "aws:ses"
    assert record["ses"]["mail"]["messageId"] == outcome.message_id
    assert record["ses"]["mail"]["source"] == "a@sender.org"
    assert record["ses"]["mail"]["commonHeaders"]["subject"] == "Hi"
    assert record["ses"]["mail"]["headers"][0] == {"name": "Return-Path", "value": "<a@sender.org>"}
    assert record["ses"]["receipt"]["recipients"] == ["info@example.com"]
    assert record["ses"]["receipt"]["action"] == {"type": "Lambda", "functionArn": FN, "invocationType": "Event"}
    assert outcome.rules == ("r",)
    assert await world.store.documents.list(INBOUND_KIND) == []


async def test_only_enabled_rules_whose_recipients_match_run(world: World) -> None:
    await world.rule(Name="disabled", Enabled=False, Actions=[{"LambdaAction": {"FunctionArn": FN + "1"}}])
    await world.rule(Name="other", Recipients=["other.com"], Actions=[{"LambdaAction": {"FunctionArn": FN + "2"}}])
    await world.rule(Name="sub", Recipients=[".example.com"], Actions=[{"LambdaAction": {"FunctionArn": FN + "3"}}])
    await world.rule(Name="all", Actions=[{"LambdaAction": {"FunctionArn": FN + "4"}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["x@mail.example.com", "y@example.com"], RAW)
    assert outcome.rules == ("sub", "all")
    assert [arn for arn, _ in world.lambdas.received] == [FN + "3", FN + "4"]
    sub, everyone = (json.loads(d.body)["Records"][0]["ses"]["receipt"] for _, d in world.lambdas.received)
    assert sub["recipients"] == ["x@mail.example.com"]
    assert everyone["recipients"] == ["x@mail.example.com", "y@example.com"]


@pytest.mark.parametrize(
    ("answer", "ran"),
    [
        ({"disposition": "STOP_RULE"}, ["sync", "next-rule"]),
        ({"disposition": "STOP_RULE_SET"}, ["sync"]),
        ({"disposition": "CONTINUE"}, ["sync", "same-rule", "next-rule"]),
        ({"disposition": "whatever"}, ["sync", "same-rule", "next-rule"]),
        (None, ["sync", "same-rule", "next-rule"]),
    ],
)
async def test_request_response_disposition(store: Store, answer: object, ran: list[str]) -> None:
    world = World(store, Invoker(answer))
    await world.start()
    sync = {"LambdaAction": {"FunctionArn": FN + "sync", "InvocationType": "RequestResponse"}}
    await world.rule(Name="first", Actions=[sync, {"LambdaAction": {"FunctionArn": FN + "same-rule"}}])
    await world.rule(Name="second", Actions=[{"LambdaAction": {"FunctionArn": FN + "next-rule"}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    invoked = [arn.removeprefix(FN) for arn, _, _ in world.invoker.calls]
    delivered = [arn.removeprefix(FN) for arn, _ in world.lambdas.received]
    assert invoked + delivered == ran
    (_, payload, kind) = world.invoker.calls[0]
    assert kind == "RequestResponse"
    assert payload["Records"][0]["ses"]["receipt"]["action"]["invocationType"] == "RequestResponse"
    assert outcome.stopped is (ran == ["sync"])


async def test_function_error_is_recorded_and_processing_continues(store: Store) -> None:
    world = World(store, Invoker({"disposition": "STOP_RULE_SET"}, function_error="Unhandled"))
    await world.start()
    sync = {"LambdaAction": {"FunctionArn": FN, "InvocationType": "RequestResponse"}}
    await world.rule(Name="r", Actions=[sync, {"LambdaAction": {"FunctionArn": FN + "2"}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    assert outcome.actions[0].error is not None and "Unhandled" in outcome.actions[0].error
    assert [arn for arn, _ in world.lambdas.received] == [FN + "2"]


async def test_stop_action_ends_the_rule_set_and_notifies(world: World) -> None:
    await world.rule(Name="first", Actions=[{"StopAction": {"Scope": "RuleSet", "TopicArn": TOPIC}}])
    await world.rule(Name="second", Actions=[{"LambdaAction": {"FunctionArn": FN}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    assert outcome.stopped and outcome.actions[-1].disposition is Disposition.STOP_RULE_SET
    assert world.lambdas.received == []
    (note,) = world.targets["sns"].bodies()
    assert note["notificationType"] == "Received"
    assert note["receipt"]["action"] == {"type": "Stop", "topicArn": TOPIC}
    assert "content" not in note


async def test_s3_action_stores_the_message_and_add_header_is_seen_by_later_actions(world: World) -> None:
    await world.rule(
        Name="r",
        Actions=[
            {"AddHeaderAction": {"HeaderName": "X-Routed", "HeaderValue": "yes"}},
            {"S3Action": {"BucketName": "mailbox", "ObjectKeyPrefix": "in/", "TopicArn": TOPIC}},
        ],
    )
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    ((arn, delivery),) = world.targets["s3"].received
    assert arn == "arn:aws:s3:::mailbox"
    assert delivery.object_key == f"in/{outcome.message_id}"
    # the raw message byte for byte, with the headers SES adds on top
    assert delivery.data is not None
    assert delivery.data.startswith(b"X-Routed: yes\r\nReturn-Path: <a@sender.org>\r\nReceived: from ")
    assert delivery.data.endswith(RAW)
    (note,) = world.targets["sns"].bodies()
    action = note["receipt"]["action"]
    assert action == {"type": "S3", "topicArn": TOPIC, "bucketName": "mailbox", "objectKey": delivery.object_key}


async def test_sns_action_publishes_the_content(world: World) -> None:
    await world.rule(Name="r", Actions=[{"SNSAction": {"TopicArn": TOPIC, "Encoding": "Base64"}}])
    await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    ((arn, delivery),) = world.targets["sns"].received
    note = json.loads(delivery.body)
    assert arn == TOPIC and delivery.subject == "Amazon SES Email Receipt Notification"
    assert base64.b64decode(note["content"]).endswith(RAW)
    assert note["receipt"]["action"] == {"type": "SNS", "topicArn": TOPIC, "encoding": "BASE64"}


async def test_a_failed_action_does_not_stop_the_next(world: World) -> None:
    world.targets["s3"].fail.add("arn:aws:s3:::gone")
    await world.rule(Name="r", Actions=[{"S3Action": {"BucketName": "gone"}}, {"LambdaAction": {"FunctionArn": FN}}])
    outcome = await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], RAW)
    assert outcome.actions[0].error == "arn:aws:s3:::gone refused"
    assert len(world.lambdas.received) == 1


async def test_accepts_needs_a_verified_identity_and_a_matching_enabled_rule(world: World) -> None:
    assert not world.receiver.accepts(REGION, "info@example.com")  # no active rule set
    await world.rule(Name="r", Recipients=["info@example.com"])
    assert world.receiver.accepts(REGION, "info@example.com")
    assert not world.receiver.accepts(REGION, "other@example.com")
    assert not world.receiver.accepts(REGION, "info@unverified.org")


async def test_accepted_messages_are_processed_after_a_restart(store: Store) -> None:
    first = World(store, Invoker())
    await first.start()
    await first.rule(Name="r", Actions=[{"LambdaAction": {"FunctionArn": FN}}])
    mid = await first.receiver.accept(REGION, "a@sender.org", ["info@example.com"], RAW)
    assert first.tracker.in_flight == 1
    await first.receiver.close()  # stopped before the task ran
    assert first.lambdas.received == []
    assert first.tracker.in_flight == 0
    assert [doc.name for doc in await store.documents.list(INBOUND_KIND)] == [mid]

    second = World(store, Invoker())
    await second.start()
    while second.tracker.in_flight:
        await second.tracker.wait_changed(5)
    ((_, delivery),) = second.lambdas.received
    assert json.loads(delivery.body)["Records"][0]["ses"]["mail"]["messageId"] == mid
    assert await store.documents.list(INBOUND_KIND) == []


async def test_s3_action_keeps_a_message_that_is_not_utf8_byte_for_byte(world: World) -> None:
    await world.rule(Name="r", Actions=[{"S3Action": {"BucketName": "mailbox"}}])
    latin1 = b"From: a@sender.org\r\nSubject: caf\xe9\r\nContent-Type: text/plain; charset=latin-1\r\n\r\nna\xefve\r\n"
    await world.receiver.receive(REGION, "a@sender.org", ["info@example.com"], latin1)
    ((_, delivery),) = world.targets["s3"].received
    assert delivery.data is not None and delivery.data.endswith(latin1)
