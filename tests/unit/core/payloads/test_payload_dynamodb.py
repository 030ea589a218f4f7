"""DynamoDB Streams records and the AttributeValue marshaller (spec §7.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from triggerfish.core.payloads.dynamodb import (
    StreamEventName,
    StreamViewType,
    dynamodb_event,
    dynamodb_record,
    item_size,
    marshall,
    marshall_item,
    stream_arn_for,
    stream_label,
)
from triggerfish.core.payloads.errors import PayloadError

_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899"
_KEYS = {"Id": {"N": "101"}}
_FIRST = {"Message": {"S": "New item!"}, "Id": {"N": "101"}}
_CHANGED = {"Message": {"S": "This item has changed"}, "Id": {"N": "101"}}
_COMMON: dict[str, Any] = {
    "event_id": "c4ca4238a0b923820dcc509a6f75849b",
    "stream_arn": _ARN,
    "keys": _KEYS,
    "sequence_number": "4421584500000000017450439091",
    "time": 1428537600.7,
}


@pytest.mark.parametrize(
    ("value", "attribute"),
    [
        ("text", {"S": "text"}),
        ("", {"S": ""}),
        (101, {"N": "101"}),
        (-7, {"N": "-7"}),
        (1.5, {"N": "1.5"}),
        (1e20, {"N": "100000000000000000000"}),
        (Decimal("1.50"), {"N": "1.5"}),
        (Decimal("-0.0"), {"N": "0"}),
        (
            Decimal("9.9999999999999999999999999999999999999E+125"),
            {"N": "99999999999999999999999999999999999999" + "0" * 88},
        ),
        (Decimal("1E-130"), {"N": "0." + "0" * 129 + "1"}),
        (True, {"BOOL": True}),
        (None, {"NULL": True}),
        (b"foobar", {"B": "Zm9vYmFy"}),
        ([1, "a", [None]], {"L": [{"N": "1"}, {"S": "a"}, {"L": [{"NULL": True}]}]}),
        ({"a": {"b": False}}, {"M": {"a": {"M": {"b": {"BOOL": False}}}}}),
        ({"b", "a"}, {"SS": ["a", "b"]}),
        (frozenset({2, 1}), {"NS": ["1", "2"]}),
        ({b"\x00"}, {"BS": ["AA=="]}),
    ],
)
def test_plain_values_marshal_to_attribute_values(value: object, attribute: dict[str, Any]) -> None:
    assert marshall(value) == attribute


@pytest.mark.parametrize(
    "value",
    [
        set(),
        {1, "a"},
        float("nan"),
        float("inf"),
        Decimal("1E+126"),
        Decimal("1E-131"),
        Decimal("1." + "1" * 38),
        object(),
        {1: "a"},
    ],
)
def test_values_without_an_attribute_type_are_payload_errors(value: object) -> None:
    with pytest.raises(PayloadError):
        marshall(value)


def test_an_item_marshals_member_by_member() -> None:
    assert marshall_item({"Id": 101, "Message": "New item!"}) == {"Id": {"N": "101"}, "Message": {"S": "New item!"}}


@pytest.mark.parametrize(
    ("item", "size"),
    [
        # sizes recorded by AWS: names in UTF-8 plus each value
        ({"my_partition_key": {"S": "hello world"}}, 27),
        ({"binary_key": {"B": "Zm9vYmFy"}}, 16),
        ({"should_fail": {"BOOL": False}}, 12),
        ({"Id": {"N": "101"}}, 5),
        ({"n": {"N": "0.001"}}, 3),
        ({"n": {"N": "-12345"}}, 5),
        ({"l": {"L": [{"S": "ab"}, {"NULL": True}]}}, 1 + 3 + (1 + 2) + (1 + 1)),
        ({"m": {"M": {"k": {"S": "v"}}}}, 1 + 3 + 1 + 2),
        ({"s": {"SS": ["ab", "c"]}}, 4),
    ],
)
def test_item_sizes_follow_dynamodb_rules(item: dict[str, Any], size: int) -> None:
    assert item_size(item) == size


@pytest.mark.parametrize(
    ("event_name", "new", "old", "size", "images"),
    [
        (StreamEventName.INSERT, _FIRST, None, 26, ["NewImage"]),
        (StreamEventName.MODIFY, _CHANGED, _FIRST, 59, ["NewImage", "OldImage"]),
        (StreamEventName.REMOVE, None, _CHANGED, 38, ["OldImage"]),
    ],
)
def test_records_carry_the_images_of_their_event_and_aws_sizes(
    event_name: StreamEventName, new: Any, old: Any, size: int, images: list[str]
) -> None:
    record = dynamodb_record(
        **_COMMON,
        event_name=event_name,
        new_image=new,
        old_image=old,
        stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES,
    )
    assert record["eventName"] == event_name.value
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"] == _ARN
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1428537600
    assert record["dynamodb"]["SizeBytes"] == size
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert list(record["dynamodb"]) == [
        "ApproximateCreationDateTime",
        "Keys",
        *images,
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    ]
    assert "userIdentity" not in record


@pytest.mark.parametrize(
    ("view_type", "images"),
    [
        (StreamViewType.KEYS_ONLY, []),
        (StreamViewType.NEW_IMAGE, ["NewImage"]),
        (StreamViewType.OLD_IMAGE, ["OldImage"]),
        (StreamViewType.NEW_AND_OLD_IMAGES, ["NewImage", "OldImage"]),
    ],
)
def test_the_view_type_decides_which_images_stay(view_type: StreamViewType, images: list[str]) -> None:
    record = dynamodb_record(
        **_COMMON, event_name=StreamEventName.MODIFY, new_image=_CHANGED, old_image=_FIRST, stream_view_type=view_type
    )
    assert [key for key in record["dynamodb"] if key.endswith("Image")] == images
    sizes = {"NewImage": item_size(_CHANGED), "OldImage": item_size(_FIRST)}
    assert record["dynamodb"]["SizeBytes"] == item_size(_KEYS) + sum(sizes[image] for image in images)


def test_a_ttl_deletion_names_dynamodb_as_the_user() -> None:
    record = dynamodb_record(
        **_COMMON,
        event_name=StreamEventName.REMOVE,
        old_image=_FIRST,
        stream_view_type=StreamViewType.OLD_IMAGE,
        ttl_expired=True,
    )
    assert record["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert list(record)[-1] == "userIdentity"


def test_a_given_size_is_kept() -> None:
    record = dynamodb_record(
        **_COMMON, event_name=StreamEventName.INSERT, stream_view_type=StreamViewType.KEYS_ONLY, size_bytes=54
    )
    assert record["dynamodb"]["SizeBytes"] == 54


def test_stream_arns_and_labels() -> None:
    label = stream_label(1435366085.899)
    assert label == "2015-06-27T00:48:05.899"
    arn = stream_arn_for(region="us-east-1", account="123456789012", table="ExampleTableWithStream", label=label)
    assert arn == _ARN


def test_envelope() -> None:
    record = dynamodb_record(**_COMMON, event_name=StreamEventName.INSERT, stream_view_type=StreamViewType.KEYS_ONLY)
    assert dynamodb_event([record]) == {"Records": [record]}


def test_an_attribute_value_with_two_types_has_no_size() -> None:
    with pytest.raises(PayloadError):
        item_size({"a": {"S": "x", "N": "1"}})
