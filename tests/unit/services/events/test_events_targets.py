"""Targets: PutTargets' checks (ids, ARNs, retry policy, dead-letter queue, FIFO groups, input), five per
rule, replacement by id, RemoveTargets, and targets kept exactly as they were put."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.events.errors import LimitExceeded, ResourceNotFound, ValidationException
from triggerfish.services.events.models import TargetSpec
from triggerfish.services.events.naming import BusRef
from triggerfish.services.events.paging import page
from triggerfish.services.events.rules import RuleBook
from triggerfish.services.events.targets import checked_targets, merged
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

DEFAULT = BusRef("000000000000", "us-east-1", "default")
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
FN = "arn:aws:lambda:us-east-1:000000000000:function:f"


def no_check(spec: TargetSpec) -> None:
    return None


def refused(specs: list[dict[str, Any]]) -> str:
    with pytest.raises(ValidationException) as raised:
        checked_targets(specs, no_check)
    return raised.value.message


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def book(store: Store) -> RuleBook:
    rules = RuleBook(store.documents, VirtualClock())
    await rules.start()
    await rules.put(DEFAULT, "r1", event_pattern='{"source": ["shop"]}')
    return rules


def test_target_ids_follow_the_model() -> None:
    assert refused([{"Id": "!@#$@!#$", "Arn": QUEUE}]) == (
        "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
    )
    long_id = "x" * 65
    assert refused([{"Id": "ok", "Arn": QUEUE}, {"Id": long_id, "Arn": QUEUE}]) == (
        f"1 validation error detected: Value '{long_id}' at 'targets.2.member.id' failed to satisfy constraint: "
        "Member must have length less than or equal to 64"
    )
    assert "Value null at 'targets.1.member.arn'" in refused([{"Id": "t1"}])
    assert "Value null at 'targets.1.member.id'" in refused([{"Arn": QUEUE}])


def test_target_arns_must_be_arns() -> None:
    assert refused([{"Id": "t1", "Arn": "not-an-arn"}]) == (
        "Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format."
    )


def test_retry_policy_bounds() -> None:
    message = refused([{"Id": "t1", "Arn": FN, "RetryPolicy": {"MaximumRetryAttempts": 186}}])
    assert message == (
        "1 validation error detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' "
        "failed to satisfy constraint: Member must have value less than or equal to 185"
    )
    both = refused(
        [{"Id": "t1", "Arn": FN, "RetryPolicy": {"MaximumRetryAttempts": -1, "MaximumEventAgeInSeconds": 59}}]
    )
    assert both.startswith("2 validation errors detected: ")
    assert "Member must have value greater than or equal to 60" in both
    ok = [{"Id": "t1", "Arn": FN, "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 86_400}}]
    assert checked_targets(ok, no_check)[0].spec == ok[0]


def test_dead_letter_queues_are_standard_sqs_queues() -> None:
    good = {"Id": "t1", "Arn": FN, "DeadLetterConfig": {"Arn": QUEUE}}
    checked_targets([good], no_check)
    for arn in (FN, QUEUE + ".fifo", "nonsense"):
        message = refused([{**good, "DeadLetterConfig": {"Arn": arn}}])
        assert message.startswith("Parameter DeadLetterConfig.Arn is not valid. Reason: ")


def test_fifo_queue_targets_need_a_message_group() -> None:
    fifo = {"Id": "fifo-t", "Arn": QUEUE + ".fifo"}
    assert refused([fifo]) == "Parameter(s) SqsParameters must be specified for target: fifo-t."
    assert (
        refused([{**fifo, "SqsParameters": {}}]) == "Parameter(s) SqsParameters must be specified for target: fifo-t."
    )
    checked_targets([{**fifo, "SqsParameters": {"MessageGroupId": "g"}}], no_check)


def test_the_input_check_is_asked_about_every_target() -> None:
    seen: list[str] = []

    def check(spec: TargetSpec) -> None:
        seen.append(spec["Id"])
        if "Input" in spec and "InputPath" in spec:
            raise ValidationException(
                f"Only one of Input, InputPath, or InputTransformer must be provided for target {spec['Id']}."
            )

    checked_targets([{"Id": "a", "Arn": FN}, {"Id": "b", "Arn": FN}], check)
    assert seen == ["a", "b"]
    with pytest.raises(ValidationException, match="for target c"):
        checked_targets([{"Id": "c", "Arn": FN, "Input": "{}", "InputPath": "$"}], check)


def test_five_targets_per_rule_and_replacement_by_id() -> None:
    five = checked_targets([{"Id": f"t{i}", "Arn": QUEUE} for i in range(5)], no_check)
    again = checked_targets([{"Id": "t2", "Arn": FN, "InputPath": "$.detail"}], no_check)
    combined = merged(five, again)
    assert [t.id for t in combined] == ["t0", "t1", "t2", "t3", "t4"]
    assert combined[2].spec == {"Id": "t2", "Arn": FN, "InputPath": "$.detail"}
    with pytest.raises(LimitExceeded, match=r"^The requested resource exceeds the maximum number allowed\.$"):
        merged(five, checked_targets([{"Id": "t5", "Arn": QUEUE}], no_check))


async def test_putting_and_removing_targets_on_a_rule(book: RuleBook) -> None:
    spec = {"Id": "t1", "Arn": QUEUE, "InputTransformer": {"InputPathsMap": {"s": "$.source"}, "InputTemplate": "<s>"}}
    rule = await book.put_targets(DEFAULT, "r1", [spec, {"Id": "t2", "Arn": FN}])
    assert [t.id for t in rule.targets] == ["t1", "t2"]
    assert rule.targets[0].spec == spec  # kept whole, as PutTargets received it
    with pytest.raises(LimitExceeded):
        await book.put_targets(DEFAULT, "r1", [{"Id": f"x{i}", "Arn": QUEUE} for i in range(4)])
    assert len(book.require(DEFAULT, "r1").targets) == 2  # nothing of a refused call is kept
    rule = await book.remove_targets(DEFAULT, "r1", ["t1", "not-there"])
    assert [t.id for t in rule.targets] == ["t2"]
    with pytest.raises(ResourceNotFound, match=r"^Rule nope does not exist on EventBus default\.$"):
        await book.put_targets(DEFAULT, "nope", [{"Id": "t1", "Arn": QUEUE}])
    with pytest.raises(ResourceNotFound):
        await book.remove_targets(DEFAULT, "nope", ["t1"])


async def test_targets_page_in_the_order_they_were_put(book: RuleBook) -> None:
    await book.put_targets(DEFAULT, "r1", [{"Id": f"test-target-{i}", "Arn": QUEUE} for i in range(5)])
    targets = book.require(DEFAULT, "r1").targets
    first = page(targets, lambda t: t.id, limit=3, token=None)
    second = page(targets, lambda t: t.id, limit=3, token=first.next_token)
    assert [t.id for t in first.items + second.items] == [f"test-target-{i}" for i in range(5)]
    assert second.next_token is None
