"""Replays of the EventBridge recordings: PutEvents answers, buses and their permissions
(``test_events.py``: ``TestEvents``, ``TestEventBus``)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from recorded_events_harness import (
    ACCOUNT,
    DETAIL_TYPE,
    ENTRY,
    EVENT_DETAIL,
    ISOLATED_REGIONS,
    PATTERN,
    PATTERN_NO_DETAIL,
    SECONDARY_ACCOUNT,
    SOURCE,
    Session,
    replays,
)

# PutEvents answers (test_events.py::TestEvents)


@replays("test_events::TestEvents::test_put_events_without_source", entry={"DetailType": DETAIL_TYPE})
@replays("test_events::TestEvents::test_put_event_without_detail", entry={"Source": SOURCE, "DetailType": DETAIL_TYPE})
@replays(
    "test_events::TestEvents::test_put_event_without_detail_type",
    entry={"Source": "some.source", "Detail": json.dumps(EVENT_DETAIL), "DetailType": ""},
)
@replays("test_events::TestEvents::test_put_event_malformed_detail[STRING]", entry={**ENTRY, "Detail": "NotJSON"})
@replays("test_events::TestEvents::test_put_event_malformed_detail[ARRAY]", entry={**ENTRY, "Detail": "[]"})
@replays("test_events::TestEvents::test_put_event_malformed_detail[MALFORMED_JSON]", entry={**ENTRY, "Detail": "{{}"})
@replays(
    "test_events::TestEvents::test_put_event_malformed_detail[SERIALIZED_STRING]",
    entry={**ENTRY, "Detail": json.dumps("NotJSON")},
)
def put_one_entry(s: Session, entry: dict[str, Any]) -> None:
    s.answer("put-events", s.events.put_events, Entries=[entry])


@replays("test_events::TestEvents::test_put_event_with_too_big_detail")
def put_too_big_detail(s: Session) -> None:
    detail = json.dumps({"payload": ["p" * (256 * 1024 - 17)]})
    entry = {"Source": SOURCE, "DetailType": DETAIL_TYPE, "Detail": detail}
    s.answer("put-events-too-big-detail-error", s.events.put_events, Entries=[entry])


@replays("test_events::TestEvents::test_put_events_exceed_limit_ten_entries[custom]", custom=True)
@replays("test_events::TestEvents::test_put_events_exceed_limit_ten_entries[default]", custom=False)
def put_eleven_entries(s: Session, custom: bool) -> None:
    bus = s.bus(token="<bus-name>") if custom else "default"
    s.known["<bus-name>"] = bus
    entries = [{**ENTRY, "EventBusName": bus} for _ in range(11)]
    s.answer("put-events-exceed-limit-error", s.events.put_events, Entries=entries)


@replays("test_events::TestEvents::test_put_events_time")
def put_events_time(s: Session) -> None:
    groups = [
        ([{**ENTRY, "Detail": json.dumps({"message": message}), "Time": time}], True)
        for message, time in (
            ("short time", "2022-01-01"),
            ("new time", "01-01-2022T00:00:00Z"),
            ("long time", "2022-01-01 00:00:00Z"),
        )
    ]
    s.answers["messages"] = s.filter_to_sqs(PATTERN_NO_DETAIL, groups)
    # asserted by the recorded test: every form of Time is the same second
    assert {json.loads(m["Body"])["time"] for m in s.answers["messages"]} == {"2022-01-01T00:00:00Z"}


@replays("test_events::TestEvents::test_create_connection_validations")
def create_connection_validations(s: Session) -> None:
    s.answer(
        "create_connection_exc",
        s.events.create_connection,
        Name="This should fail with two errors 123467890123412341234123412341234",
        AuthorizationType="INVALID",
        AuthParameters={"BasicAuthParameters": {"Username": "user", "Password": "pass"}},
    )


@replays("test_events::TestEvents::test_put_events_response_entries_order")
def put_events_two_targets(s: Session) -> None:
    s.bare.add("detail")  # the recording hid the detail behind the bare word "detail"
    (url_1, arn_1), (url_2, arn_2) = s.queue(), s.queue()
    rule = s.name("test-rule", "<rule-name>")
    s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN_NO_DETAIL))
    targets = [{"Id": s.name("test-target-1"), "Arn": arn_1}, {"Id": s.name("test-target-2"), "Arn": arn_2}]
    assert s.events.put_targets(Rule=rule, Targets=targets)["FailedEntryCount"] == 0
    s.answer("put-events-response", s.events.put_events, Entries=[ENTRY])
    s.answers["sqs-messages"] = {"queue1_messages": s.received(url_1), "queue2_messages": s.received(url_2)}


@replays("test_events::TestEvents::test_put_events_with_target_delivery_failure")
def put_events_to_a_deleted_queue(s: Session) -> None:
    url, arn = s.queue()
    s.sqs.delete_queue(QueueUrl=url)
    rule = s.name("test-rule")
    s.events.put_rule(Name=rule, EventPattern=json.dumps(PATTERN_NO_DETAIL))
    s.events.put_targets(Rule=rule, Targets=[{"Id": s.name("test-target"), "Arn": arn}])
    s.answer("put-events-response", s.events.put_events, Entries=[ENTRY])


@replays("test_events::TestEvents::test_put_events_with_time_field")
def put_events_with_time_field(s: Session) -> None:
    url, arn = s.queue()
    rule = s.name("test-rule")
    s.events.put_rule(
        Name=rule, EventPattern=json.dumps({"source": ["test-source"], "detail-type": ["test-detail-type"]})
    )
    s.events.put_targets(Rule=rule, Targets=[{"Id": "id1", "Arn": arn}])
    sent = datetime.datetime(2024, 11, 28, 13, 44, 36, 512000)
    entry = {
        "Source": "test-source",
        "DetailType": "test-detail-type",
        "Time": sent,
        "Detail": json.dumps({"message": "test message"}),
    }
    s.answer("put-events", s.events.put_events, Entries=[entry])
    s.answers["sqs-messages"] = s.received(url)
    assert json.loads(s.answers["sqs-messages"][0]["Body"])["time"] == "2024-11-28T13:44:36Z"


# buses and their permissions (test_events.py::TestEventBus)


@replays(
    "test_events::TestEventBus::test_create_list_describe_delete_custom_event_buses[True-regions0]",
    described=True,
    regions=["us-east-1"],
)
@replays(
    "test_events::TestEventBus::test_create_list_describe_delete_custom_event_buses[True-regions1]",
    described=True,
    regions=["us-east-1", "us-west-1", "eu-central-1"],
)
@replays(
    "test_events::TestEventBus::test_create_list_describe_delete_custom_event_buses[False-regions0]",
    described=False,
    regions=["us-east-1"],
)
@replays(
    "test_events::TestEventBus::test_create_list_describe_delete_custom_event_buses[False-regions1]",
    described=False,
    regions=["us-east-1", "us-west-1", "eu-central-1"],
)
def buses_in_regions(s: Session, described: bool, regions: list[str]) -> None:
    # reconstructed parameter: the stored test module has only the regions; the [True-*] recordings carry the
    # description "test bus", the [False-*] ones none
    bus = s.name("test-bus", "<bus-name>")
    extra = {"Description": "test bus"} if described else {}
    for region in regions:
        events = s.env.client("events", region)
        for key, call, params in (
            ("create-custom-event-bus", events.create_event_bus, {"Name": bus, **extra}),
            ("list-event-buses-after-create", events.list_event_buses, {"NamePrefix": bus}),
            ("describe-custom-event-bus", events.describe_event_bus, {"Name": bus}),
        ):
            s.answer(f"{key}-{region}", call, **params)
            s.known_by_key[f"{key}-{region}"] = {"<region>": region}
    for region in regions:
        events = s.env.client("events", region)
        s.answer(f"delete-custom-event-bus-{region}", events.delete_event_bus, Name=bus)
        s.answer(f"list-event-buses-after-delete-{region}", events.list_event_buses, NamePrefix=bus)
        s.known_by_key[f"delete-custom-event-bus-{region}"] = {"<region>": region}


@replays("test_events::TestEventBus::test_create_multiple_event_buses_same_name")
def create_bus_twice(s: Session) -> None:
    bus = s.bus(token="<bus-name>")
    s.answer("create-multiple-event-buses-same-name", s.events.create_event_bus, Name=bus)


@replays("test_events::TestEventBus::test_describe_delete_not_existing_event_bus")
def describe_and_delete_a_missing_bus(s: Session) -> None:
    bus = s.name("this-bus-does-not-exist-1234567890", "<bus-name>")
    error = s.answer("describe-not-existing-event-bus-error", s.events.describe_event_bus, Name=bus)
    # deleting a bus that is not there succeeds; the recorded test then matched the describe error again
    s.events.delete_event_bus(Name=bus)
    s.answers["delete-not-existing-event-bus"] = error


@replays("test_events::TestEventBus::test_delete_default_event_bus")
def delete_default_bus(s: Session) -> None:
    s.answer("delete-default-event-bus-error", s.events.delete_event_bus, Name="default")


@replays("test_events::TestEventBus::test_list_event_buses_with_prefix", region=next(ISOLATED_REGIONS))
def list_buses_by_prefix(s: Session) -> None:
    bus = f"unique-prefix-1234567890-{s.env.unique('x')}"
    s.known["<bus-name>"] = bus
    s.events.create_event_bus(Name=bus)
    s.events.create_event_bus(Name="no-prefix-match")
    s.answer("list-event-buses-prefix-complete-name", s.events.list_event_buses, NamePrefix=bus)
    s.answer("list-event-buses-prefix", s.events.list_event_buses, NamePrefix=bus.split("-")[0])


@replays("test_events::TestEventBus::test_list_event_buses_with_limit")
def list_buses_in_pages(s: Session) -> None:
    prefix = s.name("test-bus", "<bus-name-prefix>")
    for index in range(6):
        s.events.create_event_bus(Name=f"{prefix}-{index}")
    first = s.answer("list-event-buses-limit", s.events.list_event_buses, Limit=3, NamePrefix=prefix)
    s.answer(
        "list-event-buses-limit-next-token",
        s.events.list_event_buses,
        Limit=5,
        NextToken=first["NextToken"],
        NamePrefix=prefix,
    )


def _statements_by_sid(reply: dict[str, Any]) -> dict[str, Any]:
    """The recording sorted the policy's statements by Sid."""
    if "Policy" not in reply:
        return reply
    policy = json.loads(reply["Policy"])
    policy["Statement"] = sorted(policy["Statement"], key=lambda statement: statement["Sid"])
    return {**reply, "Policy": json.dumps(policy)}


def _custom_or_default_bus(s: Session, custom: bool) -> str:
    bus = s.bus() if custom else "default"
    s.known.update({"<bus-name>": bus, "<account-id>": ACCOUNT, "<secondary-account-id>": SECONDARY_ACCOUNT})
    return bus


@replays("test_events::TestEventBus::test_put_permission[custom]", custom=True)
@replays("test_events::TestEventBus::test_put_permission[default]", custom=False, region=next(ISOLATED_REGIONS))
def put_permissions(s: Session, custom: bool) -> None:
    bus = _custom_or_default_bus(s, custom)
    grant = {"EventBusName": bus, "Action": "events:PutEvents"}
    s.answer("put-permission", s.events.put_permission, **grant, Principal=ACCOUNT, StatementId=s.name("statement-1"))
    s.events.put_permission(**grant, Principal=ACCOUNT, StatementId=s.name("statement-2"))
    s.events.put_permission(**grant, Principal=SECONDARY_ACCOUNT, StatementId=s.name("statement-3"))
    described = s.events.describe_event_bus(Name=bus)
    s.answers["describe-event-bus-put-permission-multiple-principals"] = _statements_by_sid(described)
    everyone = s.name("statement-4")
    s.events.put_permission(**grant, Principal="*", StatementId=everyone)
    s.events.put_permission(**grant, Principal="*", StatementId=everyone)  # granting again replaces it
    s.answers["describe-event-bus-put-permission"] = _statements_by_sid(s.events.describe_event_bus(Name=bus))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": s.name("statement-5"),
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "events:ListRules",
                "Resource": "*",
            }
        ],
    }
    s.answer("put-permission-policy", s.events.put_permission, EventBusName=bus, Policy=json.dumps(policy))
    s.answers["describe-event-bus-put-permission-policy"] = _statements_by_sid(s.events.describe_event_bus(Name=bus))


@replays("test_events::TestEventBus::test_put_permission_non_existing_event_bus")
def put_permission_on_a_missing_bus(s: Session) -> None:
    bus = s.name("non-existing-bus", "<bus-name>")
    s.answer(
        "remove-permission-non-existing-sid-error",
        s.events.put_permission,
        EventBusName=bus,
        Action="events:PutEvents",
        Principal="*",
        StatementId="statement-id",
    )


@replays("test_events::TestEventBus::test_remove_permission[custom]", custom=True)
@replays("test_events::TestEventBus::test_remove_permission[default]", custom=False, region=next(ISOLATED_REGIONS))
def remove_permissions(s: Session, custom: bool) -> None:
    bus = _custom_or_default_bus(s, custom)
    grant = {"EventBusName": bus, "Action": "events:PutEvents"}
    primary = s.name("statement-1")
    s.events.put_permission(**grant, Principal=ACCOUNT, StatementId=primary)
    s.events.put_permission(**grant, Principal=SECONDARY_ACCOUNT, StatementId=s.name("statement-2"))
    removal = {"EventBusName": bus, "StatementId": primary, "RemoveAllPermissions": False}
    s.answer("remove-permission", s.events.remove_permission, **removal)
    s.answers["describe-event-bus-remove-permission"] = _statements_by_sid(s.events.describe_event_bus(Name=bus))
    s.answer("remove-permission-all", s.events.remove_permission, EventBusName=bus, RemoveAllPermissions=True)
    s.answer("describe-event-bus-remove-permission-all", s.events.describe_event_bus, Name=bus)


@replays("test_events::TestEventBus::test_remove_permission_non_existing_sid[True-custom]", policy=True, custom=True)
@replays("test_events::TestEventBus::test_remove_permission_non_existing_sid[False-custom]", policy=False, custom=True)
@replays(
    "test_events::TestEventBus::test_remove_permission_non_existing_sid[True-default]",
    policy=True,
    custom=False,
    region=next(ISOLATED_REGIONS),
)
@replays(
    "test_events::TestEventBus::test_remove_permission_non_existing_sid[False-default]",
    policy=False,
    custom=False,
    region=next(ISOLATED_REGIONS),
)
def remove_a_missing_statement(s: Session, policy: bool, custom: bool) -> None:
    bus = _custom_or_default_bus(s, custom)
    if policy:
        s.events.put_permission(
            EventBusName=bus, Action="events:PutEvents", Principal=ACCOUNT, StatementId=s.name("statement")
        )
    s.answer(
        "remove-permission-non-existing-sid-error",
        s.events.remove_permission,
        EventBusName=bus,
        StatementId="non-existing-sid",
    )


@replays("test_events::TestEventBus::test_put_events_bus_to_bus[standard]")
@replays("test_events::TestEventBus::test_put_events_bus_to_bus[domain]")
@replays("test_events::TestEventBus::test_put_events_bus_to_bus[path]")
def bus_to_bus(s: Session) -> None:
    # the parameter is how LocalStack names its queue URLs; AWS's answer is the same for all three
    first, second = s.bus("bus1"), s.bus("bus2")
    second_arn = s.events.describe_event_bus(Name=second)["Arn"]
    role = f"arn:aws:iam::{ACCOUNT}:role/event-bus-one-to-two-role"
    rule_1, rule_2 = s.name("rule"), s.name("rule")
    s.events.put_rule(Name=rule_1, EventBusName=first, EventPattern=json.dumps(PATTERN))
    s.events.put_targets(
        Rule=rule_1, EventBusName=first, Targets=[{"Id": s.name("target"), "Arn": second_arn, "RoleArn": role}]
    )
    url, arn = s.queue()
    s.events.put_rule(Name=rule_2, EventBusName=second, EventPattern=json.dumps(PATTERN))
    s.events.put_targets(Rule=rule_2, EventBusName=second, Targets=[{"Id": s.name("target"), "Arn": arn}])
    s.events.put_events(Entries=[{**ENTRY, "EventBusName": first}])
    s.answers["messages"] = s.received(url)


@replays("test_events::TestEventBus::test_put_events_to_default_eventbus_for_custom_eventbus")
def default_bus_to_custom_bus(s: Session) -> None:
    # "get-events" needs S3's EventBridge notifications (see SKIPPED_KEYS); the answers before it are replayed
    bus = s.name("test-eventbus")
    s.answer("create-custom-event-bus", s.events.create_event_bus, Name=bus)
    bus_arn = s.answers["create-custom-event-bus"]["EventBusArn"]
    default_rule, custom_rule = s.name("test-default-bus-rule"), s.name("test-custom-bus-rule")
    s.answer(
        "create-rule-1",
        s.events.put_rule,
        Name=default_rule,
        EventPattern='{"detail-type":["Object Created"],"source":["aws.s3"]}',
        State="ENABLED",
    )
    pattern = {
        "detail": {"bucket": {"name": ["bucket"]}, "object": {"key": [{"prefix": "delivery/"}]}},
        "detail-type": ["Object Created"],
        "source": ["aws.s3"],
    }
    s.answer(
        "create-rule-2",
        s.events.put_rule,
        Name=custom_rule,
        EventBusName=bus,
        EventPattern=json.dumps(pattern),
        State="ENABLED",
    )
    _, queue_arn = s.queue()
    role = f"arn:aws:iam::{ACCOUNT}:role/test-eventbus-role"
    target = {"Id": s.name("test-target-default-b"), "Arn": bus_arn, "RoleArn": role}
    s.answer("put-target-1", s.events.put_targets, Rule=default_rule, Targets=[target])
    target = {"Id": s.name("test-target-custom-b"), "Arn": queue_arn}
    s.answer("put-target-2", s.events.put_targets, Rule=custom_rule, EventBusName=bus, Targets=[target])


@replays("test_events::TestEventBus::test_put_events_nonexistent_event_bus")
def put_events_to_a_missing_bus(s: Session) -> None:
    missing = s.name("event-bus", "<custom-event-bus>")
    url, arn = s.queue()
    rule = s.name("rule")
    pattern = {"detail-type": ["CustomType"], "source": ["MySource"]}
    s.events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State="ENABLED")
    s.events.put_targets(Rule=rule, Targets=[{"Id": s.name("test-target-default-b"), "Arn": arn}])
    entries = [
        {
            "Source": "MySource",
            "DetailType": "CustomType",
            "Detail": json.dumps({"message": "for the default event bus"}),
        },
        {
            "EventBusName": missing,  # not a bus: the entry is accepted and dropped
            "Source": "MySource",
            "DetailType": "CustomType",
            "Detail": json.dumps({"message": "for the custom event bus"}),
        },
    ]
    s.answer("put-events", s.events.put_events, Entries=entries)
    s.answers["get-events"] = s.received(url)
    s.answer("non-existent-bus-error", s.events.describe_event_bus, Name=missing)
