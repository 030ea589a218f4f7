"""EventBridge Scheduler answers replayed against AWS's own: ``test_scheduler.snapshot.json``.

The snapshot holds what real EventBridge Scheduler answered to LocalStack's validated tests (provenance in
``data/scheduler_recorded/SOURCES.md``). Each recorded call is made again here with boto3 against
``triggerfish.local()`` and our answer must be AWS's: the same keys, the same status code, the same stable
values; a ``<placeholder>`` (a value the recording hid) matches any value of the right shape.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from shapes import is_placeholder

import triggerfish
from triggerfish.cloud import Cloud

DATA = Path(__file__).parent / "data" / "scheduler_recorded"
PREFIX = "tests/aws/services/scheduler/test_scheduler.py::"
SNAPSHOT: dict[str, Any] = json.loads((DATA / "test_scheduler.snapshot.json").read_text(encoding="utf-8"))
ACCOUNT, REGION = "000000000000", "us-east-1"
LAMBDA_TARGET = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:dummy"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/role-name"
FLEXIBLE = {"MaximumWindowInMinutes": 4, "Mode": "FLEXIBLE"}
SCHEDULE_ARN = re.compile(rf"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/[\w.-]+")
_names = itertools.count()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[Any]:
    with triggerfish.local(virtual_clock=True) as cloud:
        yield _client(cloud)


def _client(cloud: Cloud) -> Any:
    return boto3.client(
        "scheduler",
        endpoint_url=cloud.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def _answer(call: Callable[..., Any], **params: Any) -> dict[str, Any]:
    """What boto3 hands back for a call: the parsed reply, or the parsed error reply."""
    try:
        reply: dict[str, Any] = call(**params)
    except ClientError as error:
        return dict(error.response)
    return reply


def _recorded(test: str) -> dict[str, Any]:
    content: dict[str, Any] = SNAPSHOT[PREFIX + test]["recorded-content"]
    return content


def assert_recorded(ours: Any, recorded: Any, where: str = "$") -> None:
    """Our answer is AWS's: equal keys, statuses and stable values; placeholders stand for any non-null value."""
    if is_placeholder(recorded):
        assert ours is not None, f"{where}: missing"
        return
    if isinstance(recorded, dict):
        assert isinstance(ours, dict), f"{where}: expected an object, got {ours!r}"
        assert set(ours) == set(recorded), f"{where}: keys {sorted(ours)} != recorded {sorted(recorded)}"
        for key, value in recorded.items():
            if key == "ResponseMetadata":
                # the recording kept only the status code of the HTTP answer
                assert ours[key]["HTTPStatusCode"] == value["HTTPStatusCode"], f"{where}: status"
            else:
                assert_recorded(ours[key], value, f"{where}.{key}")
    elif isinstance(recorded, list):
        assert isinstance(ours, list) and len(ours) == len(recorded), f"{where}: {ours!r} != {recorded!r}"
        for index, (mine, theirs) in enumerate(zip(ours, recorded, strict=True)):
            assert_recorded(mine, theirs, f"{where}[{index}]")
    else:
        assert type(ours) is type(recorded) and ours == recorded, f"{where}: {ours!r} != recorded {recorded!r}"


def _invalid_expressions() -> list[str]:
    marker = "tests_create_schedule_with_invalid_schedule_expression["
    return [key[len(PREFIX + marker) : -1] for key in SNAPSHOT if key.startswith(PREFIX + marker)]


def _valid_crons() -> list[str]:
    marker = "test_create_schedule_with_valid_cron_expressions["
    return [key[len(PREFIX + marker) : -1] for key in SNAPSHOT if key.startswith(PREFIX + marker)]


def test_tag_resource(scheduler: Any) -> None:
    group = scheduler.create_schedule_group(Name=_name("group"))["ScheduleGroupArn"]
    scheduler.tag_resource(ResourceArn=group, Tags=[{"Key": "TagKey", "Value": "TagValue"}])
    answer = _answer(scheduler.list_tags_for_resource, ResourceArn=group)
    assert_recorded(answer, _recorded("test_tag_resource")["list-tagged-schedule"])


def test_untag_resource(scheduler: Any) -> None:
    tags = [{"Key": "TagKey", "Value": "TagValue"}]
    group = scheduler.create_schedule_group(Name=_name("group"), Tags=tags)["ScheduleGroupArn"]
    scheduler.untag_resource(ResourceArn=group, TagKeys=["TagKey"])
    answer = _answer(scheduler.list_tags_for_resource, ResourceArn=group)
    assert_recorded(answer, _recorded("test_untag_resource")["list-untagged-schedule"])


@pytest.mark.parametrize("expression", _invalid_expressions())
def test_invalid_schedule_expression(scheduler: Any, expression: str) -> None:
    answer = _answer(
        scheduler.create_schedule,
        Name=_name("rule"),
        ScheduleExpression=expression,
        FlexibleTimeWindow=FLEXIBLE,
        Target={"Arn": LAMBDA_TARGET, "RoleArn": ROLE},
    )
    test = f"tests_create_schedule_with_invalid_schedule_expression[{expression}]"
    assert_recorded(answer, _recorded(test)["invalid-schedule-expression"])


def test_valid_schedule_expression(scheduler: Any) -> None:
    # a one-time schedule in the past is accepted (and never fires)
    answer = _answer(
        scheduler.create_schedule,
        Name=_name("test-scheduler"),
        ScheduleExpression="at(2022-12-31T23:59:59)",
        FlexibleTimeWindow=FLEXIBLE,
        Target={"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:test-lambda-function", "RoleArn": ROLE},
    )
    assert_recorded(
        answer, _recorded("tests_create_schedule_with_valid_schedule_expression")["valid-schedule-expression"]
    )
    assert SCHEDULE_ARN.fullmatch(answer["ScheduleArn"])


@pytest.mark.parametrize("expression", _valid_crons())
def test_valid_cron_expression(scheduler: Any, expression: str) -> None:
    # reconstructed request: the snapshot's test module was not in the stored sources (see SOURCES.md)
    answer = _answer(
        scheduler.create_schedule,
        Name=_name("schedule"),
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": LAMBDA_TARGET, "RoleArn": ROLE},
    )
    test = f"test_create_schedule_with_valid_cron_expressions[{expression}]"
    assert_recorded(answer, _recorded(test)["create-schedule"])
    assert SCHEDULE_ARN.fullmatch(answer["ScheduleArn"])


def test_every_recorded_answer_is_replayed() -> None:
    replayed = {
        "test_tag_resource",
        "test_untag_resource",
        "tests_create_schedule_with_valid_schedule_expression",
        *(f"tests_create_schedule_with_invalid_schedule_expression[{e}]" for e in _invalid_expressions()),
        *(f"test_create_schedule_with_valid_cron_expressions[{e}]" for e in _valid_crons()),
    }
    assert {key[len(PREFIX) :] for key in SNAPSHOT} == replayed
    assert len(_invalid_expressions()) == 17
    assert len(_valid_crons()) == 6


def test_placeholders_are_not_wildcards_for_stable_values() -> None:
    with pytest.raises(AssertionError):
        assert_recorded({"Message": "Invalid Schedule Expression rate(1 day)."}, {"Message": "Invalid Schedule X."})
    with pytest.raises(AssertionError):
        assert_recorded({"ScheduleArn": None}, {"ScheduleArn": "<schedule-arn:1>"})
