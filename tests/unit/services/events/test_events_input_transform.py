"""PutTargets' checks on a target's input members, and the body each form hands the target (spec §4.4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from triggerfish.core.payloads.eventbridge import eventbridge_event
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.input_transform import check_target_input, render_target_input

RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/orders/on-order"
EVENT = dict(
    eventbridge_event(
        event_id="6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        source="shop",
        detail_type="Order Placed",
        detail={"id": "o-1", "total": 12.5, "lines": [{"sku": "x"}], "customer": {"name": "Ann", "vip": True}},
        account="000000000000",
        region="us-east-1",
        time=1_700_000_000.0,
        resources=["arn:aws:s3:::bucket"],
    )
)


def _target(**members: Any) -> dict[str, Any]:
    return {"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:000000000000:q", **members}


def _refused(target: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as refused:
        check_target_input(target)
    assert refused.value.code == "ValidationException"
    return refused.value.message


def _render(target: dict[str, Any]) -> str:
    check_target_input(target)
    return render_target_input(target, EVENT, rule_arn=RULE_ARN, rule_name="on-order", ingestion_time=1_700_000_003.7)


# -- validation at PutTargets


@pytest.mark.parametrize(
    "members",
    [
        {"Input": "{}", "InputPath": "$.detail"},
        {"Input": "{}", "InputTransformer": {"InputTemplate": '"x"'}},
        {"InputPath": "$", "InputTransformer": {"InputTemplate": '"x"'}},
    ],
)
def test_only_one_input_member(members: dict[str, Any]) -> None:
    assert (
        _refused(_target(**members))
        == "Only one of Input, InputPath, or InputTransformer must be provided for target t1."
    )


def test_input_must_be_json_and_the_error_quotes_the_parser() -> None:
    # the same text and position as a real PutTargets answer quoted in aws/aws-cli#6711
    assert _refused(_target(Id="1", Input="env:dev")) == (
        'JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]'
    )
    long = "x" * 600
    assert _refused(_target(Input=long)).endswith(f'"{"x" * 500}"[truncated 100 chars]; line: 1, column: 601]')
    for scalar in ('"hello"', "3", "null", "[1]", '{"a": 1}'):
        check_target_input(_target(Input=scalar))


def test_model_limits_are_checked_for_callers_off_the_wire() -> None:
    message = _refused(_target(Input='"' + "x" * 8191 + '"'))
    assert message.startswith("1 validation error detected: Value '")
    assert message.endswith(
        "at 'input' failed to satisfy constraint: Member must have length less than or equal to 8192"
    )
    assert "at 'inputPath'" in _refused(_target(InputPath="$." + "a" * 255))
    assert _refused(_target(InputTransformer={"InputPathsMap": {"a": "$"}})) == (
        "1 validation error detected: Value null at 'inputTransformer.inputTemplate' failed to satisfy "
        "constraint: Member must not be null"
    )
    many = {f"k{n}": "$.detail" for n in range(101)}
    assert "Member must have length less than or equal to 100" in _refused(
        _target(InputTransformer={"InputPathsMap": many, "InputTemplate": '"x"'})
    )
    # the reserved names cannot be keys: the key pattern has no dots (observed "1 validation error detected")
    dotted = _refused(
        _target(InputTransformer={"InputPathsMap": {"aws.events.rule-name": "$"}, "InputTemplate": '"x"'})
    )
    assert dotted.startswith("1 validation error detected: Value 'aws.events.rule-name'")


def test_keys_merely_starting_with_aws_are_accepted() -> None:
    # the documentation forbids them, PutTargets accepts them (observed)
    check_target_input(_target(InputTransformer={"InputPathsMap": {"AWSKey": "$.id"}, "InputTemplate": '"<AWSKey>"'}))


@pytest.mark.parametrize("path", ["detail", "$.detail['id']", "$..id", "$."])
def test_paths_must_be_in_the_supported_subset(path: str) -> None:
    assert _refused(_target(InputPath=path)) == "InputPath for target t1 is invalid."
    transformer = {"InputPathsMap": {"v": path}, "InputTemplate": '"<v>"'}
    assert _refused(_target(InputTransformer=transformer)) == "InputPath for target t1 is invalid."


def test_placeholders_must_be_mapped_or_reserved() -> None:
    transformer = {"InputPathsMap": {"a": "$.id"}, "InputTemplate": '"<a> <aws.events.rule-name> <b>"'}
    assert (
        _refused(_target(InputTransformer=transformer)) == "InputTemplate for target t1 contains invalid placeholder b."
    )


@pytest.mark.parametrize("name", ["aws.events.event.json", "aws.events.event"])
@pytest.mark.parametrize("template", ['"event <{}>"', "[<{}>]", '{{"e": "<{}>"}}'])
def test_the_event_placeholders_need_a_json_value_position(name: str, template: str) -> None:
    transformer = {"InputTemplate": template.format(name)}
    assert _refused(_target(InputTransformer=transformer)) == (
        f"InputTemplate for target t1 contains placeholder {name} valid only for JSON template."
    )
    check_target_input(_target(InputTransformer={"InputTemplate": f'{{"e": <{name}>}}'}))


@pytest.mark.parametrize("template", ['{"a": <v>', "{<v>: 1}", '{"a": <v> <v>}', '{"a": "x" "b"}'])
def test_json_templates_must_be_json_once_filled(template: str) -> None:
    message = _refused(_target(InputTransformer={"InputPathsMap": {"v": "$.id"}, "InputTemplate": template}))
    assert message.startswith("Invalid InputTemplate for target t1 : [Source: (String)")


# -- rendering


def test_without_input_members_the_target_gets_the_event_as_minified_json() -> None:
    body = _render(_target())
    assert json.loads(body) == EVENT
    assert body.startswith('{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Order Placed"')


def test_input_is_passed_verbatim() -> None:
    assert _render(_target(Input='{ "static" : true }')) == '{ "static" : true }'


def test_input_path_hands_over_the_selected_part() -> None:
    assert _render(_target(InputPath="$.detail.customer")) == '{"name":"Ann","vip":true}'
    assert _render(_target(InputPath="$.detail.id")) == '"o-1"'
    assert _render(_target(InputPath="$.detail.lines[*].sku")) == '["x"]'
    assert _render(_target(InputPath="$.detail.missing")) == "null"


def test_reserved_variables() -> None:
    template = '"<aws.events.rule-arn>|<aws.events.rule-name>|<aws.events.event.ingestion-time>"'
    assert _render(_target(InputTransformer={"InputTemplate": template})) == (
        f'"{RULE_ARN}|on-order|2023-11-14T22:13:23Z"'
    )
    both = _render(
        _target(InputTransformer={"InputTemplate": '{"e": <aws.events.event>, "j": <aws.events.event.json>}'})
    )
    rendered = json.loads(both)
    assert rendered["j"] == EVENT
    # the event without detail, camelCase detailType, the ingestion time as time, AWS's key order
    assert list(rendered["e"].items()) == [
        ("id", EVENT["id"]),
        ("account", "000000000000"),
        ("detailType", "Order Placed"),
        ("time", "2023-11-14T22:13:23Z"),
        ("source", "shop"),
        ("region", "us-east-1"),
        ("resources", ["arn:aws:s3:::bucket"]),
        ("version", "0"),
    ]


def test_reserved_names_win_over_the_event() -> None:
    template = '{"arn": <aws.events.rule-arn>}'
    assert _render(_target(InputTransformer={"InputTemplate": template})) == f'{{"arn":"{RULE_ARN}"}}'


def test_transformer_values_by_position() -> None:
    paths = {"id": "$.detail.id", "total": "$.detail.total", "customer": "$.detail.customer", "gone": "$.detail.nope"}
    template = (
        '{\n  "order": <id>,\n  "total": <total>,\n  "who": <customer>,\n'
        '  "note": "<id> by <customer> <gone>",\n  "g": <gone>\n}'
    )
    body = _render(_target(InputTransformer={"InputPathsMap": paths, "InputTemplate": template}))
    assert (
        body
        == '{"order":"o-1","total":12.5,"who":{"name":"Ann","vip":true},"note":"o-1 by {name:Ann,vip:true} ","g":""}'
    )


def test_string_templates_are_delivered_as_written() -> None:
    paths = {"id": "$.detail.id", "skus": "$.detail.lines[*].sku"}
    template = '"order <id>"\n"skus <skus>"'
    body = _render(_target(InputTransformer={"InputPathsMap": paths, "InputTemplate": template}))
    assert body == '"order o-1"\n"skus [x]"'


@pytest.mark.parametrize(
    "members",
    [
        {"Input": {"not": "text"}},
        {"InputPath": 3},
        {"InputTransformer": "x"},
        {"InputTransformer": {"InputTemplate": 5}},
        {"InputTransformer": {"InputTemplate": '"x"', "InputPathsMap": ["$"]}},
        {"InputTransformer": {"InputTemplate": '"x"', "InputPathsMap": {"a": 1}}},
    ],
)
def test_members_of_the_wrong_type_are_refused_not_crashed_on(members: dict[str, Any]) -> None:
    assert "failed to satisfy constraint: Member must be of type" in _refused(_target(**members))


def test_rendering_a_target_that_skipped_the_checks_does_not_fail() -> None:
    unchecked = _target(InputTransformer={"InputPathsMap": {"a": "not a path"}, "InputTemplate": '"[<a>]"'})
    assert render_target_input(unchecked, EVENT, rule_arn=RULE_ARN, rule_name="r", ingestion_time=0) == '"[]"'
    unchecked = _target(InputPath="detail")
    assert render_target_input(unchecked, EVENT, rule_arn=RULE_ARN, rule_name="r", ingestion_time=0) == "null"
