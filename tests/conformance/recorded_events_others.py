"""Replays of the EventBridge recordings: targets, patterns and schedules (``test_events_targets.py``,
``test_events_patterns.py``, ``test_events_schedule.py``)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError
from recorded_events_harness import (
    ACCOUNT,
    AUTOMATION,
    ENTRY,
    EVENT_DETAIL,
    ISOLATED_REGIONS,
    PATTERN,
    PATTERNS,
    PAYLOAD,
    RECORDED,
    REGION,
    REPLAYS,
    Session,
    replays,
)

# targets (test_events_targets.py)


@replays("test_events_targets::test_put_events_with_target_sqs")
@replays("test_events_targets::TestEventsTargetSqs::test_put_events_with_target_sqs")
def target_sqs(s: Session) -> None:
    s.answers["message"] = s.filter_to_sqs(PATTERN, [([ENTRY], True)])


@replays("test_events_targets::test_put_events_with_target_sqs_event_detail_match")
@replays("test_events_targets::TestEventsTargetSqs::test_put_events_with_target_sqs_event_detail_match")
def target_sqs_detail_match(s: Session) -> None:
    groups = [([{**ENTRY, "Detail": json.dumps({"EventType": kind})}], kind == "1") for kind in ("1", "2")]
    s.answers["messages"] = s.filter_to_sqs({"detail": {"EventType": ["0", "1"]}}, groups, "$.detail")


@replays(
    "test_events_targets::TestEventsTargetEvents::test_put_events_with_target_events[bus_combination0]",
    source="default",
    target="custom",
    region=next(ISOLATED_REGIONS),
)
@replays(
    "test_events_targets::TestEventsTargetEvents::test_put_events_with_target_events[bus_combination1]",
    source="custom",
    target="custom",
)
@replays(
    "test_events_targets::TestEventsTargetEvents::test_put_events_with_target_events[bus_combination2]",
    source="custom",
    target="default",
    region=next(ISOLATED_REGIONS),
)
def target_event_bus(s: Session, source: str, target: str) -> None:
    source_bus = s.bus("test-event-bus-source") if source == "custom" else "default"
    target_bus = s.bus("test-event-bus-target") if target == "custom" else "default"
    target_arn = s.events.describe_event_bus(Name=target_bus)["Arn"]
    role = f"arn:aws:iam::{ACCOUNT}:role/bus-source-to-bus-target"
    s.events.put_permission(
        StatementId=s.name("TargetEventBusAccessPermission"),
        EventBusName=target_bus,
        Action="events:PutEvents",
        Principal="*",
    )
    forward = s.name("test-rule-source-to-target")
    s.events.put_rule(Name=forward, EventBusName=source_bus, EventPattern=json.dumps(PATTERN))
    forward_target = {"Id": s.name("test-target-source-events"), "Arn": target_arn, "RoleArn": role}
    s.events.put_targets(Rule=forward, EventBusName=source_bus, Targets=[forward_target])
    to_queue = s.name("test-rule-target")
    s.events.put_rule(Name=to_queue, EventBusName=target_bus, EventPattern=json.dumps(PATTERN))
    url, arn = s.queue()
    s.events.put_targets(Rule=to_queue, EventBusName=target_arn, Targets=[{"Id": s.name("target"), "Arn": arn}])
    s.events.put_events(Entries=[{**ENTRY, "EventBusName": source_bus}])
    s.answers["messages"] = s.received(url)


@replays(
    "test_events_targets::TestEventsTargetLambda::test_put_events_with_target_lambda",
    detail=EVENT_DETAIL,
    pattern=PATTERN,
)
@replays(
    "test_events_targets::test_put_events_with_target_lambda_list_entry",
    "test_events_targets::TestEventsTargetLambda::test_put_events_with_target_lambda_list_entry",
    detail={"payload": {**PAYLOAD, "automations": [AUTOMATION]}},
    pattern={"detail": {"payload": {"automations": {"id": [{"exists": True}]}}}},
)
@replays(
    "test_events_targets::test_put_events_with_target_lambda_list_entries_partial_match",
    "test_events_targets::TestEventsTargetLambda::test_put_events_with_target_lambda_list_entries_partial_match",
    detail={"payload": {**PAYLOAD, "automations": [{"foo": "bar"}, AUTOMATION, {"bar": "foo"}]}},
    pattern={"detail": {"payload": {"automations": {"id": [{"exists": True}]}}}},
)
def target_function(s: Session, detail: dict[str, Any], pattern: dict[str, Any]) -> None:
    function, arn = s.function()
    bus = s.bus("bus")
    rule = s.name("rule")
    s.events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    s.events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": s.name("target"), "Arn": arn}])
    s.events.put_events(Entries=[{**ENTRY, "Detail": json.dumps(detail), "EventBusName": bus}])
    s.answers["events"] = s.invoked_with(function)


@replays("test_events_targets::TestEventsTargetApiGateway::test_put_events_with_target_api_gateway")
def target_api_gateway_answers(s: Session) -> None:
    # the function, the API and what the API's function got are skipped (SKIPPED_KEYS); the EventBridge
    # answers along the way are replayed with an API Gateway target ARN
    bus = s.name("test-bus")
    s.answer("event_bus_response", s.events.create_event_bus, Name=bus)
    rule = s.name("test-rule")
    pattern = {"source": ["test.source"], "detail-type": ["test.detail.type"]}
    s.answer("rule_response", s.events.put_rule, Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    target = {
        "Id": s.name("target"),
        "Arn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:abc123/test/POST/test",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/test-role",
        "Input": json.dumps({"message": "Hello from EventBridge"}),
        "RetryPolicy": {"MaximumRetryAttempts": 0},
    }
    s.answer("put_targets_response", s.events.put_targets, Rule=rule, EventBusName=bus, Targets=[target])
    entry = {
        "EventBusName": bus,
        "Source": "test.source",
        "DetailType": "test.detail.type",
        "Detail": json.dumps({"message": "Hello from EventBridge"}),
    }
    s.answer("put_events_response", s.events.put_events, Entries=[entry])


@replays("test_events_targets::TestEventsTargetCloudWatchLogs::test_put_events_with_target_cloudwatch_logs")
def target_log_group_answers(s: Session) -> None:
    # what the log group got is skipped (SKIPPED_KEYS): the EventBridge answers are replayed; reconstructed
    # request (the recorded test was not in the stored sources): a rule with the usual pattern on a new bus
    bus = s.name("test-bus")
    s.answer("event_bus_response", s.events.create_event_bus, Name=bus)
    rule = s.name("test-rule")
    s.answer("rule_response", s.events.put_rule, Name=rule, EventBusName=bus, EventPattern=json.dumps(PATTERN))
    log_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/events/{s.name('test-log-group')}"
    target = {"Id": s.name("target"), "Arn": log_group}
    s.answer("put_targets_response", s.events.put_targets, Rule=rule, EventBusName=bus, Targets=[target])
    s.answer("put_events_response", s.events.put_events, Entries=[{**ENTRY, "EventBusName": bus}])


# patterns (test_events_patterns.py)


def _rows(name: str) -> list[dict[str, Any]]:
    with (PATTERNS / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _template_rows() -> dict[str, dict[str, Any]]:
    marker = "event_pattern_templates/"
    return {row["name"]: row for row in _rows("validity.jsonl") if marker in row["source"]}


TEMPLATE_ROWS = _template_rows()


def _raw(row: Mapping[str, Any], part: str) -> str:
    return str(row[f"{part}_raw"]) if f"{part}_raw" in row else json.dumps(row[part])


def invalid_template(s: Session, name: str) -> None:
    row = TEMPLATE_ROWS[name]
    try:
        s.events.test_event_pattern(Event=_raw(row, "event"), EventPattern=_raw(row, "pattern"))
    except ClientError as error:
        answer = dict(error.response)
        message = answer["Error"]["Message"]
        # the recorded test kept the first line as Message and the whole text as MessageRaw; AWS's whole
        # text goes on with its JSON parser's position ("at [Source: ...; line: 1, column: N]"), which
        # the recorded test did not compare either
        answer["Error"] = {**answer["Error"], "Message": message.split("\n")[0], "MessageRaw": message}
        s.answers[name] = {"exception_message": answer, "exception_type": str(type(error))}
        s.unchecked.add(f"{name}.exception_message.Error.MessageRaw")
    else:
        pytest.fail(f"{name}: the pattern was accepted")


for _name in TEMPLATE_ROWS:
    if f"test_events_patterns::TestEventPattern::test_event_pattern[{_name}]" in RECORDED:
        REPLAYS[f"test_events_patterns::TestEventPattern::test_event_pattern[{_name}]"] = (
            invalid_template,
            {"name": _name},
        )


def _validity_row(source_test: str, pattern_raw: str | None = None) -> dict[str, Any]:
    return next(
        row
        for row in _rows("validity.jsonl")
        if row["source"].endswith(source_test) and (pattern_raw is None or row.get("pattern_raw") == pattern_raw)
    )


def _invalid_json_replay(pattern: str) -> None:
    def replay(s: Session) -> None:
        row = _validity_row("::test_invalid_json_event_pattern", pattern)
        s.answer("invalid-pattern", s.events.test_event_pattern, Event=_raw(row, "event"), EventPattern=pattern)

    REPLAYS[f"test_events_patterns::TestEventPattern::test_invalid_json_event_pattern[{pattern}]"] = (replay, {})


for _pattern in (
    "this is valid json but not a dict",
    "{'bad': 'quotation'}",
    '{"not": closed mark"',
    '["not", "a", "dict", "but valid json"]',
):
    _invalid_json_replay(_pattern)


@replays(
    "test_events_patterns::TestEventPattern::test_plain_string_payload",
    test="::test_plain_string_payload",
    key="plain-string-payload-exc",
)
@replays(
    "test_events_patterns::TestEventPattern::test_invalid_event_payload",
    test="::test_invalid_event_payload",
    key="plain-string-payload-exc",
)
@replays(
    "test_events_patterns::TestEventPattern::test_array_event_payload",
    test="::test_array_event_payload",
    key="array-event-payload-exc",
)
def invalid_event(s: Session, test: str, key: str) -> None:
    row = _validity_row(test)
    s.answer(key, s.events.test_event_pattern, Event=_raw(row, "event"), EventPattern=_raw(row, "pattern"))


def _case_row(name: str) -> dict[str, Any]:
    return next(row for row in _rows("cases.jsonl") if row.get("name") == name and "localstack" in row["source"])


@replays(
    "test_events_patterns::TestEventPattern::test_event_pattern_source",
    rows={
        "eventbridge-test-event-pattern-response": "source_match",
        "eventbridge-test-event-pattern-response-no-match": "source_no_match",
    },
)
@replays(
    "test_events_patterns::TestEventPattern::test_event_with_large_and_complex_payload",
    rows={
        "complex-event-simple-pattern": "large_complex_payload_simple_pattern",
        "complex-event-complex-pattern": "large_complex_payload_dotted_key_pattern",
    },
)
def pattern_tests(s: Session, rows: dict[str, str]) -> None:
    for key, name in rows.items():
        row = _case_row(name)
        s.answer(key, s.events.test_event_pattern, Event=_raw(row, "event"), EventPattern=_raw(row, "pattern"))


def _rule_with_pattern(name: str, key: str) -> None:
    """Register the replay of ``TestRuleWithPattern::<name>``: the rule's pattern and the events put, in order,
    are the pattern cases taken from that recorded test (``patterns/cases.jsonl``)."""
    rows = [row for row in _rows("cases.jsonl") if row["source"].endswith(f"test_events_patterns.py::{name}")]
    assert rows and all(row["pattern"] == rows[0]["pattern"] for row in rows)
    events = [row["event"] for row in rows]
    groups = [
        ([{"Source": e["source"], "DetailType": e["detail-type"], "Detail": json.dumps(e["detail"])}], row["match"])
        for e, row in zip(events, rows, strict=True)
    ]
    # the content-based rule's target takes the detail only
    path = "$.detail" if name == "test_put_event_with_content_base_rule_in_pattern" else None

    def replay(s: Session) -> None:
        s.answers[key] = s.filter_to_sqs(rows[0]["pattern"], groups, path)

    REPLAYS[f"test_events_patterns::TestRuleWithPattern::{name}"] = (replay, {})


_rule_with_pattern("test_put_events_with_rule_pattern_anything_but", "rule-anything-but")
_rule_with_pattern("test_put_events_with_rule_pattern_exists_true", "rule-exists-true")
_rule_with_pattern("test_put_events_with_rule_pattern_exists_false", "rule-exists-false")
_rule_with_pattern("test_put_event_with_content_base_rule_in_pattern", "messages")


# schedules (test_events_schedule.py)


@replays("test_events_schedule::TestScheduleRate::test_put_rule_with_schedule_rate", expression="rate(1 minute)")
@replays("test_events_schedule::TestScheduleCron::tests_put_rule_with_schedule_cron", expression="cron(0 20 * * ? *)")
def schedule_rule(s: Session, expression: str) -> None:
    rule = s.name("rule", "<rule-name>")
    s.answer("put-rule", s.events.put_rule, Name=rule, ScheduleExpression=expression)
    s.answer("list-rules", s.events.list_rules, NamePrefix=rule)


def _cron_cases() -> None:
    marker = "test_events_schedule::TestScheduleCron::tests_put_rule_with_schedule_cron["
    for test in [key for key in RECORDED if key.startswith(marker)]:
        REPLAYS[test] = (schedule_rule, {"expression": test[len(marker) : -1]})
    marker = "test_events_schedule::TestScheduleCron::tests_put_rule_with_invalid_schedule_cron["
    for test in [key for key in RECORDED if key.startswith(marker)]:
        REPLAYS[test] = (invalid_schedule, {"expression": test[len(marker) : -1]})


def invalid_schedule(s: Session, expression: str) -> None:
    s.answer("invalid-put-rule", s.events.put_rule, Name=s.name("rule"), ScheduleExpression=expression)


_cron_cases()


@replays("test_events_schedule::TestScheduleRate::tests_put_rule_with_schedule_custom_event_bus")
def schedule_on_a_custom_bus(s: Session) -> None:
    bus = s.bus()
    s.answer(
        "put-rule-with-custom-event-bus-error",
        s.events.put_rule,
        Name=s.name("test-rule"),
        EventBusName=bus,
        ScheduleExpression="rate(1 minute)",
    )


def _scheduled_rule_to_queue(s: Session, expression: str, list_key: str | None, **target: Any) -> tuple[str, str]:
    queue = s.name("test-queue")
    url, arn = s.queue(queue)
    rule = s.name("test-rule", "<rule-name>")
    s.known.update({"<queue-name": queue, "<queue-arn>": arn})
    s.events.put_rule(Name=rule, EventBusName="default", ScheduleExpression=expression)
    target_id = s.name("test-target", "<target-id>")
    s.events.put_targets(Rule=rule, EventBusName="default", Targets=[{"Id": target_id, "Arn": arn, **target}])
    if list_key is not None:
        s.answer(list_key, s.events.list_targets_by_rule, Rule=rule)
    return rule, url


@replays("test_events_schedule::TestScheduleRate::tests_schedule_rate_target_sqs")
def rate_to_queue(s: Session) -> None:
    rule, url = _scheduled_rule_to_queue(s, "rate(1 minute)", "list-targets")
    s.env.cloud.clock.advance(60)
    s.answers["messages-first"] = s.received(url)
    s.env.cloud.clock.advance(60)
    s.answers["messages-second"] = s.received(url)
    s.events.remove_targets(Rule=rule, Ids=[s.known["<target-id>"]])
    # asserted by the recorded test: the two events are a minute apart
    first, second = (json.loads(s.answers[key][0]["Body"])["time"] for key in ("messages-first", "messages-second"))
    parse = datetime.datetime.fromisoformat
    assert parse(second) - parse(first) == datetime.timedelta(minutes=1)


@replays("test_events_schedule::TestScheduleRate::tests_schedule_rate_custom_input_target_sqs")
def rate_with_input_to_queue(s: Session) -> None:
    rule, url = _scheduled_rule_to_queue(
        s, "rate(1 minute)", "list-targets", Input=json.dumps({"custom-value": "somecustominput"})
    )
    s.env.cloud.clock.advance(60)
    s.answers["messages"] = s.received(url)
    s.events.remove_targets(Rule=rule, Ids=[s.known["<target-id>"]])


@replays("test_events_schedule::TestScheduleCron::test_schedule_cron_target_sqs")
def cron_to_queue(s: Session) -> None:
    # the next full minute as a daily cron, as the recorded test's get_cron_expression(1) builds it
    now = s.env.cloud.clock.now()
    due = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    rule, url = _scheduled_rule_to_queue(s, f"cron({due.minute} {due.hour} * * ? *)", None)
    s.env.cloud.clock.advance(120)
    s.answers["message"] = s.received(url)
    s.events.remove_targets(Rule=rule, Ids=[s.known["<target-id>"]])
    assert json.loads(s.answers["message"][0]["Body"])["time"] == due.strftime("%Y-%m-%dT%H:%M:%SZ")
