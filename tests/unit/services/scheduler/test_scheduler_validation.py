"""CreateSchedule and UpdateSchedule refuse what AWS refuses, with AWS's codes and messages."""

from __future__ import annotations

from typing import Any

import pytest
from scheduler_rig import DLQ, FUNCTION, ROLE, SCOPE, START, Rig

from triggerfish.core.errors import TriggerfishError


def request(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "Name": "nightly",
        "ScheduleExpression": "rate(5 minutes)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": FUNCTION, "RoleArn": ROLE},
    }
    fields.update(changes)
    return fields


async def refused(rig: Rig, fields: dict[str, Any]) -> TriggerfishError:
    with pytest.raises(TriggerfishError) as caught:
        await rig.service.create_schedule(fields, scope=SCOPE)
    return caught.value


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 1 * * * *)",
        "cron(71 8 1 * ? *)",
        "rate(10 seconds)",
        "rate(1 minutes)",
        " rate(10 minutes)",
        "at(2021-12-31T23:59:59Z)",
        "at(2021-12-31)",
        "every day",
    ],
)
async def test_an_invalid_expression_is_quoted_back(rig: Rig, expression: str) -> None:
    error = await refused(rig, request(ScheduleExpression=expression))
    assert (error.code, error.status, error.message) == (
        "ValidationException",
        400,
        f"Invalid Schedule Expression {expression}.",
    )


@pytest.mark.parametrize(
    "expression", ["cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)", "cron(*/15 * * * ? *)", "at(2022-12-31T23:59:59)"]
)
async def test_expressions_aws_accepts_are_accepted(rig: Rig, expression: str) -> None:
    arn = await rig.service.create_schedule(request(ScheduleExpression=expression), scope=SCOPE)
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly"


async def test_an_unknown_time_zone_is_refused(rig: Rig) -> None:
    error = await refused(rig, request(ScheduleExpressionTimezone="Mars/Olympus_Mons"))
    assert (error.code, error.message) == (
        "ValidationException",
        "Invalid Schedule Expression Timezone Mars/Olympus_Mons.",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"Name": "a b"},
            "1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+",
        ),
        (
            {"Name": "n" * 65},
            f"1 validation error detected: Value '{'n' * 65}' at 'name' failed to satisfy constraint: "
            "Member must have length less than or equal to 64",
        ),
        (
            {"FlexibleTimeWindow": None},
            "1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            {"FlexibleTimeWindow": {"Mode": "SOMETIMES"}},
            "1 validation error detected: Value 'SOMETIMES' at 'flexibleTimeWindow.mode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]",
        ),
        (
            {"FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 1441}},
            "1 validation error detected: Value '1441' at 'flexibleTimeWindow.maximumWindowInMinutes' failed to "
            "satisfy constraint: Member must have value less than or equal to 1440",
        ),
        (
            {"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}},
            "MaximumWindowInMinutes must be provided when Mode is FLEXIBLE.",
        ),
        (
            {"Target": {"Arn": FUNCTION}},
            "1 validation error detected: Value null at 'target.roleArn' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            {"Target": {"Arn": FUNCTION, "RoleArn": ROLE, "RetryPolicy": {"MaximumRetryAttempts": 186}}},
            "1 validation error detected: Value '186' at 'target.retryPolicy.maximumRetryAttempts' failed to "
            "satisfy constraint: Member must have value less than or equal to 185",
        ),
        (
            {"Target": {"Arn": FUNCTION, "RoleArn": ROLE, "RetryPolicy": {"MaximumEventAgeInSeconds": 59}}},
            "1 validation error detected: Value '59' at 'target.retryPolicy.maximumEventAgeInSeconds' failed to "
            "satisfy constraint: Member must have value greater than or equal to 60",
        ),
        (
            {"Target": {"Arn": FUNCTION, "RoleArn": ROLE, "DeadLetterConfig": {"Arn": FUNCTION}}},
            f"1 validation error detected: Value '{FUNCTION}' at 'target.deadLetterConfig.arn' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            r"arn:aws[a-z-]*:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+",
        ),
        (
            {"State": "PAUSED"},
            "1 validation error detected: Value 'PAUSED' at 'state' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ENABLED, DISABLED]",
        ),
        (
            {"Name": 42},
            "1 validation error detected: Value '42' at 'name' failed to satisfy constraint: Member must be a string",
        ),
    ],
)
async def test_member_constraints_are_worded_as_aws_request_validation(
    rig: Rig, changes: dict[str, Any], message: str
) -> None:
    error = await refused(rig, request(**changes))
    assert (error.code, error.message) == ("ValidationException", message)


async def test_a_start_date_more_than_five_minutes_ago_is_refused(rig: Rig) -> None:
    error = await refused(rig, request(StartDate=START - 301))
    assert error.message == "The StartDate you specify cannot be earlier than 5 minutes ago."
    await rig.service.create_schedule(request(StartDate=START - 299), scope=SCOPE)


async def test_end_dates_must_be_ahead_and_after_the_start(rig: Rig) -> None:
    error = await refused(rig, request(EndDate=START - 1))
    assert error.message == "The EndDate you specify cannot be earlier than the current time."
    error = await refused(rig, request(StartDate=START + 600, EndDate=START + 600))
    assert error.message == "The EndDate you specify must be after the StartDate."


async def test_one_time_schedules_ignore_their_dates(rig: Rig) -> None:
    fields = request(ScheduleExpression="at(2024-03-02T10:00:00)", StartDate=START - 86_400, EndDate=START - 3600)
    await rig.service.create_schedule(fields, scope=SCOPE)


async def test_deployments_may_give_numbers_and_dates_as_text(rig: Rig) -> None:
    fields = request(
        StartDate="2024-03-01T00:10:00Z",
        EndDate="2024-04-01T00:00:00+00:00",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": "15"},
        Target={"Arn": FUNCTION, "RoleArn": ROLE, "RetryPolicy": {"MaximumRetryAttempts": "3"}},
    )
    await rig.service.create_schedule(fields, scope=SCOPE)
    schedule = rig.service.get_schedule("nightly", scope=SCOPE)
    assert (schedule.start_date, schedule.end_date) == (START + 600, START + 31 * 86_400)
    assert schedule.window.maximum_minutes == 15
    assert schedule.target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86_400, "MaximumRetryAttempts": 3}


async def test_a_date_that_is_no_date_is_a_validation_error(rig: Rig) -> None:
    error = await refused(rig, request(StartDate="next tuesday"))
    assert (error.code, error.message) == ("ValidationException", "Invalid timestamp for StartDate: next tuesday")


async def test_a_group_that_does_not_exist(rig: Rig) -> None:
    error = await refused(rig, request(GroupName="nightly-jobs"))
    assert (error.code, error.status, error.message) == (
        "ResourceNotFoundException",
        404,
        "Schedule group nightly-jobs does not exist.",
    )


async def test_a_universal_target_is_accepted(rig: Rig) -> None:
    target = {"Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE, "Input": "{}"}
    await rig.service.create_schedule(request(Target=target), scope=SCOPE)


async def test_updates_are_validated_too(rig: Rig) -> None:
    await rig.service.create_schedule(request(), scope=SCOPE)
    with pytest.raises(TriggerfishError) as caught:
        await rig.service.update_schedule(request(ScheduleExpression="rate(0 minutes)"), scope=SCOPE)
    assert caught.value.message == "Invalid Schedule Expression rate(0 minutes)."
    with pytest.raises(TriggerfishError) as caught:
        await rig.service.update_schedule(request(StartDate=START - 3600), scope=SCOPE)
    assert caught.value.message == "The StartDate you specify cannot be earlier than 5 minutes ago."
    # target members the service does not act on (ECS, Kinesis, SageMaker parameters...) are kept whole
    kinesis = {"PartitionKey": "p"}
    await rig.service.update_schedule(
        request(
            Target={"Arn": FUNCTION, "RoleArn": ROLE, "KinesisParameters": kinesis, "DeadLetterConfig": {"Arn": DLQ}}
        ),
        scope=SCOPE,
    )
    target = rig.service.get_schedule("nightly", scope=SCOPE).target
    assert (target["KinesisParameters"], target["DeadLetterConfig"]) == (kinesis, {"Arn": DLQ})
