"""EventBridge envelopes and scheduled events (spec §4.1, §4.6)."""

from __future__ import annotations

from triggerfish.core.payloads.eventbridge import eventbridge_event, rule_arn_for, scheduled_event


def test_a_custom_event_in_aws_key_order() -> None:
    detail = {"instance_id": "i-1234567890abcdef0", "state": "terminated"}
    event = eventbridge_event(
        event_id="6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        source="com.example.ec2",
        detail_type="EC2 Instance State-change Notification",
        detail=detail,
        account="111122223333",
        region="us-west-1",
        time=1513968228.75,
        resources=["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    )
    assert event == {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "com.example.ec2",
        "account": "111122223333",
        "time": "2017-12-22T18:43:48Z",
        "region": "us-west-1",
        "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
        "detail": detail,
    }
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["detail"] is not detail


def test_no_resources_is_an_empty_list() -> None:
    event = eventbridge_event(
        event_id="e", source="s", detail_type="d", detail={}, account="1", region="us-east-1", time=0.0
    )
    assert event["resources"] == []
    assert event["detail"] == {}


def test_a_replayed_event_names_its_replay_before_resources() -> None:
    event = eventbridge_event(
        event_id="e",
        source="s",
        detail_type="d",
        detail={},
        account="1",
        region="us-east-1",
        time=0.0,
        replay_name="replay_archive",
    )
    keys = list(event)
    assert event["replay-name"] == "replay_archive"
    assert keys.index("replay-name") == keys.index("resources") - 1


def test_a_scheduled_event() -> None:
    arn = rule_arn_for(region="us-east-2", account="123456789012", rule="my-rule")
    assert arn == "arn:aws:events:us-east-2:123456789012:rule/my-rule"
    event = scheduled_event(event_id="e", rule_arn=arn, account="123456789012", region="us-east-2", time=1580646840.0)
    assert event == {
        "version": "0",
        "id": "e",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2020-02-02T12:34:00Z",
        "region": "us-east-2",
        "resources": [arn],
        "detail": {},
    }


def test_rules_on_a_custom_bus_carry_the_bus_in_their_arn() -> None:
    assert (
        rule_arn_for(region="eu-west-1", account="1", rule="r", bus="orders")
        == "arn:aws:events:eu-west-1:1:rule/orders/r"
    )
