"""Reading and validating a NotificationConfiguration (spec §3.1-3.2): event names, filter rules, ARNs, the overlap
rule, destination checks, ids; and the matching that decides which configurations hear of a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.notifications.config import (
    UnvalidatedDestinations,
    generated_id,
    normalise,
    probed_destinations,
    targets,
)
from triggerfish.services.s3.notifications.matching import KeyFilter, event_matches, events_intersect
from triggerfish.services.s3.notifications.overlap import filters_overlap

QUEUE = "arn:aws:sqs:us-east-1:000000000000:uploads"
QUEUE_2 = "arn:aws:sqs:us-east-1:000000000000:other"
TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:thumbnail"

QUEUE_REFUSAL = "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
OVERLAP = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
AMBIGUOUS = (
    "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes "
    "are overlapping for the same event type."
)


def rules(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"Key": {"FilterRules": [{"Name": name, "Value": value} for name, value in pairs]}}


def queue(events: list[str], arn: str = QUEUE, **extra: Any) -> dict[str, Any]:
    return {"QueueArn": arn, "Events": events, **extra}


def ids() -> Callable[[], str]:
    counter = iter(range(1, 100))
    return lambda: f"id-{next(counter)}"


def everything_exists(arn: str) -> bool:
    return True


def check(config: dict[str, Any], exists: Callable[[str], bool] | None = everything_exists) -> dict[str, Any] | None:
    return normalise(config, exists=exists, new_id=ids())


def error_of(config: dict[str, Any], exists: Callable[[str], bool] | None = everything_exists) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as caught:
        check(config, exists)
    assert caught.value.code == "InvalidArgument"
    assert caught.value.status == 400
    return caught.value


# --- matching ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "event", "expected"),
    [
        ("s3:ObjectCreated:*", "ObjectCreated:Put", True),
        ("s3:ObjectCreated:*", "ObjectCreated:CompleteMultipartUpload", True),
        ("s3:ObjectCreated:*", "ObjectRemoved:Delete", False),
        ("s3:ObjectCreated:Put", "ObjectCreated:Put", True),
        ("s3:ObjectCreated:Put", "ObjectCreated:Post", False),
        ("s3:ObjectRemoved:*", "ObjectRemoved:DeleteMarkerCreated", True),
        ("s3:ObjectTagging:*", "ObjectTagging:Delete", True),
        ("s3:LifecycleTransition", "LifecycleTransition", True),
    ],
)
def test_event_names_match_exactly_or_by_family(configured: str, event: str, expected: bool) -> None:
    assert event_matches(configured, event) is expected


def test_event_names_intersect_through_wildcards() -> None:
    assert events_intersect("s3:ObjectCreated:*", "s3:ObjectCreated:Copy")
    assert events_intersect("s3:ObjectCreated:Copy", "s3:ObjectCreated:*")
    assert events_intersect("s3:ObjectRemoved:*", "s3:ObjectRemoved:*")
    assert not events_intersect("s3:ObjectCreated:Put", "s3:ObjectCreated:Copy")
    assert not events_intersect("s3:ObjectCreated:*", "s3:ObjectRemoved:*")


def test_key_filters_are_literal_on_the_raw_key() -> None:
    logos = KeyFilter("logos/", ".png")
    assert logos.matches("logos/x.png")
    assert not logos.matches("other/x.png")
    assert not logos.matches("logos/x.jpg")
    assert not KeyFilter("a*").matches("ab")
    assert KeyFilter("my photo").matches("my photo.jpg")
    assert not KeyFilter("my+photo").matches("my photo.jpg")
    assert KeyFilter().matches("anything")


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (KeyFilter(), KeyFilter("images/"), True),
        (KeyFilter("images/"), KeyFilter("images/2024/"), True),
        (KeyFilter("images/"), KeyFilter("videos/"), False),
        (KeyFilter("images/", ".jpg"), KeyFilter("images/", ".png"), False),
        (KeyFilter("images/", ".jpg"), KeyFilter("images/", "photo.jpg"), True),
        (KeyFilter("images/", ".jpg"), KeyFilter("videos/", ".jpg"), False),
        (KeyFilter(suffix=".jpg"), KeyFilter("images/"), True),
        (KeyFilter(suffix=".jpg"), KeyFilter(suffix=".png"), False),
    ],
)
def test_filters_overlap_when_prefixes_and_suffixes_both_overlap(
    first: KeyFilter, second: KeyFilter, overlap: bool
) -> None:
    assert filters_overlap(first, second) is overlap
    assert filters_overlap(second, first) is overlap


# --- normalising ------------------------------------------------------------------------------------------------


def test_an_empty_configuration_configures_nothing() -> None:
    assert check({}) is None
    assert check({"QueueConfigurations": [], "TopicConfigurations": []}) is None


def test_filter_rule_names_are_case_insensitive_and_stored_capitalised() -> None:
    stored = check(
        {"QueueConfigurations": [queue(["s3:ObjectCreated:*"], Filter=rules(("PREFIX", "logs/"), ("sUfFiX", ".gz")))]}
    )
    assert stored == {
        "QueueConfigurations": [
            {
                "Id": "id-1",
                "QueueArn": QUEUE,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {"FilterRules": [{"Name": "Prefix", "Value": "logs/"}, {"Name": "Suffix", "Value": ".gz"}]}
                },
            }
        ]
    }


def test_given_ids_are_kept_and_missing_ones_generated() -> None:
    stored = check(
        {
            "TopicConfigurations": [{"Id": "mine", "TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}],
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}],
        }
    )
    assert stored is not None
    assert stored["TopicConfigurations"][0]["Id"] == "mine"
    assert stored["LambdaFunctionConfigurations"][0]["Id"] == "id-1"
    assert generated_id() != generated_id()


def test_the_eventbridge_switch_is_kept() -> None:
    assert check({"EventBridgeConfiguration": {}}) == {"EventBridgeConfiguration": {}}


def test_targets_read_a_stored_configuration_back() -> None:
    stored = check(
        {
            "QueueConfigurations": [queue(["s3:ObjectRemoved:*"])],
            "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Put"]}],
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectTagging:*"], "Filter": rules(("prefix", "a/"))}
            ],
        }
    )
    found = list(targets(stored))
    assert [(t.kind.service, t.arn, t.events) for t in found] == [
        ("sns", TOPIC, ("s3:ObjectCreated:Put",)),
        ("sqs", QUEUE, ("s3:ObjectRemoved:*",)),
        ("lambda", FUNCTION, ("s3:ObjectTagging:*",)),
    ]
    assert found[2].key_filter == KeyFilter("a/", "")
    assert list(targets(None)) == []


def test_test_events_go_to_each_queue_and_topic_once_never_to_functions() -> None:
    stored = check(
        {
            "QueueConfigurations": [
                queue(["s3:ObjectCreated:*"]),
                queue(["s3:ObjectRemoved:*"]),
            ],
            "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectTagging:*"]}],
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectAcl:Put"]}],
        }
    )
    assert probed_destinations(stored) == [TOPIC, QUEUE]


# --- errors -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", ["s3:ObjectCreated:Bogus", "ObjectCreated:Put", "s3:TestEvent", "s3:*", ""])
def test_unsupported_event_names_are_refused(event: str) -> None:
    error = error_of({"QueueConfigurations": [queue([event])]})
    assert error.message == "The event is not supported for notifications"
    assert error.fields["ArgumentName"] == "Event"
    assert error.fields["ArgumentValue"] == event


def test_a_filter_rule_name_other_than_prefix_or_suffix_is_refused() -> None:
    error = error_of({"QueueConfigurations": [queue(["s3:ObjectCreated:*"], Filter=rules(("middle", "x")))]})
    assert error.message == "filter rule name must be either prefix or suffix"
    assert error.fields["ArgumentValue"] == "middle"


def test_a_rule_name_given_twice_is_refused() -> None:
    error = error_of(
        {"QueueConfigurations": [queue(["s3:ObjectCreated:*"], Filter=rules(("prefix", "a/"), ("Prefix", "b/")))]}
    )
    assert error.message == "Cannot specify more than one prefix rule in a filter."


def test_filter_rule_values_are_at_most_1024_utf8_bytes() -> None:
    at_limit = "é" * 512
    assert check({"QueueConfigurations": [queue(["s3:ObjectCreated:*"], Filter=rules(("prefix", at_limit)))]})
    error = error_of({"QueueConfigurations": [queue(["s3:ObjectCreated:*"], Filter=rules(("prefix", at_limit + "x")))]})
    assert error.message == "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation"


@pytest.mark.parametrize(
    ("list_key", "arn_key", "argument", "arn"),
    [
        ("QueueConfigurations", "QueueArn", "Queue", "not-an-arn"),
        ("QueueConfigurations", "QueueArn", "Queue", TOPIC),
        ("TopicConfigurations", "TopicArn", "Topic", "arn:aws:sns:us-east-1"),
        ("LambdaFunctionConfigurations", "LambdaFunctionArn", "CloudFunction", "arn:aws:lambda:us-east-1:000:layer:x"),
        ("LambdaFunctionConfigurations", "LambdaFunctionArn", "CloudFunction", ""),
    ],
)
def test_arns_that_cannot_be_parsed_are_refused(list_key: str, arn_key: str, argument: str, arn: str) -> None:
    error = error_of({list_key: [{arn_key: arn, "Events": ["s3:ObjectCreated:*"]}]})
    assert error.message == "The ARN could not be parsed"
    assert error.fields["ArgumentName"] == argument
    assert error.fields["ArgumentValue"] == arn


def test_two_unfiltered_configurations_sharing_an_event_overlap() -> None:
    error = error_of(
        {
            "QueueConfigurations": [queue(["s3:ObjectRemoved:*"])],
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectRemoved:Delete"]}],
        }
    )
    assert error.message == OVERLAP
    assert error.fields == {"ArgumentName": "Event", "ArgumentValue": "s3:ObjectRemoved:*, s3:ObjectRemoved:Delete"}


def test_overlapping_key_filters_on_a_shared_event_are_ambiguous() -> None:
    error = error_of(
        {
            "QueueConfigurations": [
                queue(["s3:ObjectCreated:Put"], Filter=rules(("prefix", "images-api/"))),
                queue(["s3:ObjectCreated:*"], arn=QUEUE_2),
            ]
        }
    )
    assert error.message == AMBIGUOUS


def test_disjoint_filters_or_events_do_not_overlap() -> None:
    stored = check(
        {
            "QueueConfigurations": [
                queue(["s3:ObjectCreated:*"], Filter=rules(("prefix", "images/"), ("suffix", ".jpg"))),
                queue(["s3:ObjectCreated:*"], arn=QUEUE_2, Filter=rules(("prefix", "images/"), ("suffix", ".png"))),
            ],
            "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}],
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"], "Filter": rules(("prefix", "docs/"))}
            ],
        }
    )
    assert stored is not None
    assert len(stored["QueueConfigurations"]) == 2


def test_missing_destinations_cannot_be_validated() -> None:
    missing = {QUEUE, FUNCTION}
    error = error_of(
        {
            "QueueConfigurations": [queue(["s3:ObjectCreated:*"])],
            "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}],
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectTagging:*"]}],
        },
        exists=lambda arn: arn not in missing,
    )
    assert isinstance(error, UnvalidatedDestinations)
    assert error.message == "Unable to validate the following destination configurations"
    assert error.fields == {
        "ArgumentName1": QUEUE,
        "ArgumentValue1": QUEUE_REFUSAL,
        "ArgumentName2": FUNCTION,
        "ArgumentValue2": f"Not authorized to invoke function [{FUNCTION}]",
    }


@pytest.mark.parametrize(
    ("list_key", "arn_key", "arn", "noun"),
    [
        ("QueueConfigurations", "QueueArn", "arn:aws:sqs:us-east-1:000000000000:jobs.fifo", "queue"),
        ("TopicConfigurations", "TopicArn", "arn:aws:sns:us-east-1:000000000000:jobs.fifo", "topic"),
    ],
)
def test_fifo_queues_and_topics_are_not_destinations(list_key: str, arn_key: str, arn: str, noun: str) -> None:
    error = error_of({list_key: [{arn_key: arn, "Events": ["s3:ObjectCreated:*"]}]})
    assert error.fields["ArgumentName1"] == arn
    assert error.fields["ArgumentValue1"] == (
        f"Permissions on the destination {noun} do not allow S3 to publish notifications from this bucket"
    )


def test_skipping_destination_validation_accepts_missing_targets() -> None:
    stored = check({"QueueConfigurations": [queue(["s3:ObjectCreated:*"])]}, exists=None)
    assert stored is not None
    # the other checks still run
    error_of({"QueueConfigurations": [queue(["s3:Nope"])]}, exists=None)
