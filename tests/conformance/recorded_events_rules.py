"""Replays of the EventBridge recordings: rules, patterns delivered to a queue, targets
(``test_events.py``: ``TestEventRule``, ``TestEventPattern``, ``TestEventTarget``)."""

from __future__ import annotations

import json

from recorded_events_harness import (
    ENTRY,
    PATTERN,
    PATTERN_NO_DETAIL,
    Session,
    replays,
)

# rules (test_events.py::TestEventRule)


def _custom_bus_or_default(s: Session, custom: bool) -> str:
    return s.bus("bus", "<bus-name>") if custom else "default"


@replays("test_events::TestEventRule::test_put_list_with_prefix_describe_delete_rule[custom]", custom=True)
@replays("test_events::TestEventRule::test_put_list_with_prefix_describe_delete_rule[default]", custom=False)
def rule_lifecycle(s: Session, custom: bool) -> None:
    bus = _custom_bus_or_default(s, custom)
    rule = s.name("test-rule", "<rule-name>")
    named = {"Name": rule, "EventBusName": bus}
    s.answer("put-rule", s.events.put_rule, **named, EventPattern=json.dumps(PATTERN))
    s.answer("list-rules", s.events.list_rules, NamePrefix=rule, EventBusName=bus)
    s.answer("describe-rule", s.events.describe_rule, **named)
    s.answer("delete-rule", s.events.delete_rule, **named)
    s.answer("list-rules-after-delete", s.events.list_rules, NamePrefix=rule, EventBusName=bus)


@replays("test_events::TestEventRule::test_put_multiple_rules_with_same_name")
def put_rule_twice(s: Session) -> None:
    bus = s.bus("bus", "<bus-name>")
    rule = s.name("test-rule", "<rule-name>")
    s.answer("put-rule", s.events.put_rule, Name=rule, EventBusName=bus, EventPattern=json.dumps(PATTERN))
    s.answer("re-put-rule", s.events.put_rule, Name=rule, EventBusName=bus, EventPattern=json.dumps(PATTERN))
    s.answer("list-rules", s.events.list_rules, EventBusName=bus)


@replays("test_events::TestEventRule::test_list_rule_with_limit")
def list_rules_in_pages(s: Session) -> None:
    bus = s.bus("bus", "<bus-name>")
    prefix = s.name("test-rule", "<rule-name-prefix>")
    for index in range(6):
        s.events.put_rule(Name=f"{prefix}-{index}", EventBusName=bus, EventPattern=json.dumps(PATTERN))
    first = s.answer("list-rules-limit", s.events.list_rules, Limit=3, EventBusName=bus)
    s.answer(
        "list-rules-limit-next-token", s.events.list_rules, Limit=5, NextToken=first["NextToken"], EventBusName=bus
    )


@replays("test_events::TestEventRule::test_describe_nonexistent_rule")
def describe_a_missing_rule(s: Session) -> None:
    rule = s.name("this-rule-does-not-exist-1234567890", "<rule-name>")
    s.answer("describe-not-existing-rule-error", s.events.describe_rule, Name=rule)


@replays("test_events::TestEventRule::test_disable_re_enable_rule[custom]", custom=True)
@replays("test_events::TestEventRule::test_disable_re_enable_rule[default]", custom=False)
def disable_and_enable(s: Session, custom: bool) -> None:
    bus = _custom_bus_or_default(s, custom)
    named = {"Name": s.name("test-rule", "<rule-name>"), "EventBusName": bus}
    s.events.put_rule(**named, EventPattern=json.dumps(PATTERN))
    s.answer("disable-rule", s.events.disable_rule, **named)
    s.answer("describe-rule-disabled", s.events.describe_rule, **named)
    s.answer("enable-rule", s.events.enable_rule, **named)
    s.answer("describe-rule-enabled", s.events.describe_rule, **named)


def _rule_with_queue_target(s: Session) -> str:
    rule = s.name("test-rule", "<rule-name>")
    s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN))
    _, arn = s.queue()
    s.known.update({"<queue-arn>": arn, "<target-id>": s.name("test-target")})
    s.events.put_targets(Rule=rule, Targets=[{"Id": s.known["<target-id>"], "Arn": arn}])
    return rule


@replays("test_events::TestEventRule::test_delete_rule_with_targets")
def delete_a_rule_with_targets(s: Session) -> None:
    rule = _rule_with_queue_target(s)
    s.answer("delete-rule-with-targets-error", s.events.delete_rule, Name=rule)


@replays("test_events::TestEventRule::test_update_rule_with_targets")
def update_a_rule_with_targets(s: Session) -> None:
    rule = _rule_with_queue_target(s)
    s.answer("list-targets", s.events.list_targets_by_rule, Rule=rule)
    s.answer("update-rule", s.events.put_rule, Name=rule, EventPattern=json.dumps(PATTERN))
    s.answer("list-targets-after-update", s.events.list_targets_by_rule, Rule=rule)


@replays("test_events::TestEventRule::test_process_to_multiple_matching_rules_single_target")
def two_rules_one_function(s: Session) -> None:
    bus = s.bus()
    function, arn = s.function()
    for index in range(2):
        rule = s.name(f"test-rule-{index}")
        s.events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(PATTERN_NO_DETAIL), State="ENABLED")
        s.events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": s.name(f"test-target-{index}"), "Arn": arn}])
    s.events.put_events(Entries=[{**ENTRY, "EventBusName": bus}])
    s.answers["events"] = s.invoked_with(function)


@replays("test_events::TestEventRule::test_process_to_single_matching_rules_single_target")
def three_rules_by_source_one_function(s: Session) -> None:
    # reconstructed request: one rule per source, all with the same function as target; the recording lists
    # the function's log after each source's event, so each answer holds every event so far
    bus = s.bus()
    function, arn = s.function()
    sources = ("source-one", "source-two", "source-three")
    for source in sources:
        rule = s.name("test-rule")
        s.events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps({"source": [source]}))
        s.events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": s.name("test-target"), "Arn": arn}])
    for source in sources:
        s.events.put_events(Entries=[{**ENTRY, "Source": source, "EventBusName": bus}])
        s.answers[f"events-{source}"] = s.invoked_with(function)


# patterns delivered to a queue (test_events.py::TestEventPattern)


@replays("test_events::TestEventPattern::test_put_events_pattern_with_values_in_array")
def values_in_array(s: Session) -> None:
    groups = [
        ([{"Source": "test", "DetailType": "test", "Detail": json.dumps({"event": {"data": {"type": t}}})}], match)
        for t, match in ((["3", "1"], True), (["2"], True), (["3"], False))
    ]
    s.answers["messages"] = s.filter_to_sqs({"detail": {"event": {"data": {"type": ["1", "2"]}}}}, groups, "$.detail")


@replays("test_events::TestEventPattern::test_put_events_pattern_nested")
def nested_pattern(s: Session) -> None:
    groups = [
        ([{"Source": "test", "DetailType": "test", "Detail": json.dumps(detail)}], match)
        for detail, match in (
            ({"event": {"data": {"type": "1"}}}, True),
            ({"event": {"data": {"type": "2"}}}, False),
            ({"hello": "world"}, False),
        )
    ]
    s.answers["messages"] = s.filter_to_sqs({"detail": {"event": {"data": {"type": ["1"]}}}}, groups, "$.detail")


# targets (test_events.py::TestEventTarget)


@replays("test_events::TestEventTarget::test_put_list_remove_target[custom]", custom=True)
@replays("test_events::TestEventTarget::test_put_list_remove_target[default]", custom=False)
def target_lifecycle(s: Session, custom: bool) -> None:
    bus = _custom_bus_or_default(s, custom)
    on_bus = {"EventBusName": bus} if custom else {}
    rule = s.name("test-rule", "<rule-name>")
    s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN), EventBusName=bus)
    _, arn = s.queue()
    target = s.name("test-target", "<target-id>")
    s.known["<queue-arn>"] = arn
    s.answer("put-target", s.events.put_targets, Rule=rule, Targets=[{"Id": target, "Arn": arn}], **on_bus)
    s.answer("list-targets", s.events.list_targets_by_rule, Rule=rule, **on_bus)
    s.answer("remove-target", s.events.remove_targets, Rule=rule, Ids=[target], **on_bus)
    s.answer("list-targets-after-delete", s.events.list_targets_by_rule, Rule=rule, **on_bus)


def _rule_and_queue(s: Session) -> tuple[str, str]:
    rule = s.name("test-rule", "<rule-name>")
    s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN), State="ENABLED")
    _, arn = s.queue()
    s.known.update({"<queue-arn>": arn, "<target-id>": "test-target-"})
    return rule, arn


@replays("test_events::TestEventTarget::test_add_exceed_fife_targets_per_rule")
def six_targets(s: Session) -> None:
    rule, arn = _rule_and_queue(s)
    targets = [{"Id": f"test-target-{i}", "Arn": arn} for i in range(7)]
    s.answer("put-targets-client-error", s.events.put_targets, Rule=rule, Targets=targets)


@replays("test_events::TestEventTarget::test_list_target_by_rule_limit")
def list_targets_in_pages(s: Session) -> None:
    rule, arn = _rule_and_queue(s)
    s.events.put_targets(Rule=rule, Targets=[{"Id": f"test-target-{i}", "Arn": arn} for i in range(5)])
    first = s.answer("list-targets-limit", s.events.list_targets_by_rule, Rule=rule, Limit=3)
    s.answer("list-targets-limit-next-token", s.events.list_targets_by_rule, Rule=rule, NextToken=first["NextToken"])


@replays("test_events::TestEventTarget::test_put_target_id_validation")
def target_ids(s: Session) -> None:
    rule, arn = _rule_and_queue(s)
    for key, target_id in (
        ("put-targets-invalid-id-error", "!@#$@!#$"),
        ("put-targets-length-error", f"{'a' * 36}-{'b' * 36}-extra"),
    ):
        s.known["second-invalid-target-id"] = target_id
        target = {"Id": target_id, "Arn": arn, "InputPath": "$.detail"}
        s.answer(key, s.events.put_targets, Rule=rule, Targets=[target])
    s.events.put_targets(Rule=rule, Targets=[{"Id": s.name("test-With_valid.Characters"), "Arn": arn}])


def _targets(s: Session, *targets: tuple[str, str, str]) -> dict[str, str]:
    """Rules (made on first use) with the queue as target under an id and an input path; rule by label."""
    # reconstructed request: the recorded answers name the targets "target-id..." and the queue "target-arn"
    _, arn = s.queue()
    s.known["target-arn"] = arn
    rules: dict[str, str] = {}
    for label, target_id, path in targets:
        if label not in rules:
            rules[label] = s.name("test-rule")
            s.events.put_rule(Name=rules[label], EventPattern=json.dumps(PATTERN))
        s.events.put_targets(Rule=rules[label], Targets=[{"Id": target_id, "Arn": arn, "InputPath": path}])
    return rules


@replays("test_events::TestEventTarget::test_put_multiple_targets_with_same_id_single_rule")
def same_id_one_rule(s: Session) -> None:
    rules = _targets(s, ("one", "target-id", "$.detail"), ("one", "target-id", "$.notexisting"))
    s.answer("list-targets", s.events.list_targets_by_rule, Rule=rules["one"])


@replays(
    "test_events::TestEventTarget::test_put_multiple_targets_with_same_id_across_different_rules",
    other_path="$.notexisting",
)
@replays(
    "test_events::TestEventTarget::test_put_multiple_targets_with_same_arn_across_different_rules",
    other_path="$.doesnotexist",
)
def same_target_two_rules(s: Session, other_path: str) -> None:
    rules = _targets(s, ("one", "target-id", "$.detail"), ("two", "target-id", other_path))
    s.answer("list-targets-rule-one", s.events.list_targets_by_rule, Rule=rules["one"])
    s.answer("list-targets-rule-two", s.events.list_targets_by_rule, Rule=rules["two"])


@replays("test_events::TestEventTarget::test_put_multiple_targets_with_same_arn_single_rule")
def same_arn_one_rule(s: Session) -> None:
    rules = _targets(s, ("one", "target-id-one", "$.detail"), ("one", "target-id-two", "$.doesnotexist"))
    s.answer("list-targets", s.events.list_targets_by_rule, Rule=rules["one"])


def _rules_naming_a_target(s: Session, custom: bool, count: int) -> tuple[dict[str, str], str]:
    # reconstructed request: rules "<rule-prefix>0".. on the bus, each with the queue as its target
    bus = _custom_bus_or_default(s, custom)
    on_bus = {"EventBusName": bus} if custom else {}
    prefix = s.name("rule", "<rule-prefix>")
    _, arn = s.queue()
    for index in range(count):
        rule = f"{prefix}{index}"
        s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN), **on_bus)
        s.events.put_targets(Rule=rule, Targets=[{"Id": "target", "Arn": arn}], **on_bus)
    return on_bus, arn


@replays("test_events::TestEventRule::test_list_rule_names_by_target[custom]", custom=True)
@replays("test_events::TestEventRule::test_list_rule_names_by_target[default]", custom=False)
def rule_names_by_target(s: Session, custom: bool) -> None:
    on_bus, arn = _rules_naming_a_target(s, custom, 3)
    s.answer("list_rule_names_by_target", s.events.list_rule_names_by_target, TargetArn=arn, **on_bus)


@replays("test_events::TestEventRule::test_list_rule_names_by_target_with_limit[custom]", custom=True)
@replays("test_events::TestEventRule::test_list_rule_names_by_target_with_limit[default]", custom=False)
def rule_names_by_target_in_pages(s: Session, custom: bool) -> None:
    on_bus, arn = _rules_naming_a_target(s, custom, 5)
    page = s.answer("first_page", s.events.list_rule_names_by_target, TargetArn=arn, Limit=2, **on_bus)
    for key in ("second_page", "third_page"):
        page = s.answer(
            key, s.events.list_rule_names_by_target, TargetArn=arn, Limit=2, NextToken=page["NextToken"], **on_bus
        )


@replays("test_events::TestEventRule::test_list_rule_names_by_target_no_matches[custom]", custom=True)
@replays("test_events::TestEventRule::test_list_rule_names_by_target_no_matches[default]", custom=False)
def rule_names_by_an_unused_target(s: Session, custom: bool) -> None:
    on_bus, _ = _rules_naming_a_target(s, custom, 3)
    _, other = s.queue()
    s.answer("list_rule_names_by_target_no_matches", s.events.list_rule_names_by_target, TargetArn=other, **on_bus)
