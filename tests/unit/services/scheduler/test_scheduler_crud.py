"""Schedules and schedule groups: create, read, update (replacing every setting), delete, list, tags,
ClientToken idempotency, and all of it back after a restart."""

from __future__ import annotations

from typing import Any

import pytest
from scheduler_rig import DLQ, FUNCTION, QUEUE, ROLE, SCOPE, START, Rig

from triggerfish.core.errors import TriggerfishError
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.scheduler.models import AfterCompletion, ScheduleState, WindowMode

GROUP_ARN = "arn:aws:scheduler:us-east-1:000000000000:schedule-group/"


def request(name: str = "nightly", **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "Name": name,
        "ScheduleExpression": "cron(0 3 * * ? *)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": FUNCTION, "RoleArn": ROLE},
    }
    fields.update(changes)
    return fields


async def failure(coroutine: Any) -> TriggerfishError:
    with pytest.raises(TriggerfishError) as caught:
        await coroutine
    return caught.value


async def test_a_new_schedule_reads_back_with_its_defaults(rig: Rig) -> None:
    arn = await rig.service.create_schedule(request(), scope=SCOPE)
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly"
    schedule = rig.service.get_schedule("nightly", scope=SCOPE)
    assert (schedule.arn, schedule.group, schedule.state, schedule.after_completion) == (
        arn,
        "default",
        ScheduleState.ENABLED,
        AfterCompletion.NONE,
    )
    assert (schedule.timezone, schedule.description, schedule.start_date, schedule.window.mode) == (
        None,
        None,
        None,
        WindowMode.OFF,
    )
    assert schedule.target == {
        "Arn": FUNCTION,
        "RoleArn": ROLE,
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86_400, "MaximumRetryAttempts": 185},
    }
    assert schedule.created_at == schedule.updated_at == START


async def test_a_name_is_taken_once_per_group(rig: Rig) -> None:
    await rig.service.create_schedule(request(), scope=SCOPE)
    error = await failure(rig.service.create_schedule(request(), scope=SCOPE))
    assert (error.code, error.status, error.message) == ("ConflictException", 409, "Schedule nightly already exists.")
    await rig.service.create_schedule_group("reports", scope=SCOPE)
    arn = await rig.service.create_schedule(request(GroupName="reports"), scope=SCOPE)
    assert arn.endswith(":schedule/reports/nightly")


async def test_missing_schedules(rig: Rig) -> None:
    for attempt in (
        rig.service.update_schedule(request("ghost"), scope=SCOPE),
        rig.service.delete_schedule("ghost", scope=SCOPE),
    ):
        error = await failure(attempt)
        assert (error.code, error.status, error.message) == (
            "ResourceNotFoundException",
            404,
            "Schedule ghost does not exist.",
        )
    with pytest.raises(TriggerfishError, match=r"^Schedule ghost does not exist\.$"):
        rig.service.get_schedule("ghost", scope=SCOPE)
    with pytest.raises(TriggerfishError, match=r"^Schedule group nowhere does not exist\.$"):
        rig.service.get_schedule("ghost", "nowhere", scope=SCOPE)


async def test_an_update_replaces_every_setting(rig: Rig) -> None:
    full = request(
        Description="nightly report",
        ScheduleExpressionTimezone="Europe/Paris",
        State="DISABLED",
        ActionAfterCompletion="DELETE",
        EndDate=START + 86_400 * 30,
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10},
        Target={"Arn": FUNCTION, "RoleArn": ROLE, "Input": "{}", "RetryPolicy": {"MaximumRetryAttempts": 3}},
    )
    await rig.service.create_schedule(full, scope=SCOPE)
    await rig.clock.advance(60)
    await rig.service.update_schedule(request(Target={"Arn": QUEUE, "RoleArn": ROLE}), scope=SCOPE)
    schedule = rig.service.get_schedule("nightly", scope=SCOPE)
    assert (schedule.description, schedule.timezone, schedule.end_date) == (None, None, None)
    assert (schedule.state, schedule.after_completion, schedule.window.mode) == (
        ScheduleState.ENABLED,
        AfterCompletion.NONE,
        WindowMode.OFF,
    )
    assert schedule.target == {
        "Arn": QUEUE,
        "RoleArn": ROLE,
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86_400, "MaximumRetryAttempts": 185},
    }
    assert (schedule.created_at, schedule.updated_at) == (START, START + 60)


async def test_a_client_token_makes_a_repeated_request_harmless(rig: Rig) -> None:
    first = await rig.service.create_schedule(request(ClientToken="create-1"), scope=SCOPE)
    assert await rig.service.create_schedule(request(ClientToken="create-1"), scope=SCOPE) == first
    error = await failure(rig.service.create_schedule(request(ClientToken="create-2"), scope=SCOPE))
    assert error.code == "ConflictException"

    await rig.clock.advance(60)
    await rig.service.update_schedule(request(Description="v2", ClientToken="update-1"), scope=SCOPE)
    await rig.clock.advance(60)
    await rig.service.update_schedule(request(Description="v2", ClientToken="update-1"), scope=SCOPE)
    assert rig.service.get_schedule("nightly", scope=SCOPE).updated_at == START + 60

    await rig.service.delete_schedule("nightly", scope=SCOPE, client_token="delete-1")
    await rig.service.delete_schedule("nightly", scope=SCOPE, client_token="delete-1")
    error = await failure(rig.service.delete_schedule("nightly", scope=SCOPE, client_token="delete-2"))
    assert error.code == "ResourceNotFoundException"


async def test_listing_filters_by_group_prefix_and_state(rig: Rig) -> None:
    await rig.service.create_schedule_group("reports", scope=SCOPE)
    await rig.service.create_schedule(request("b-nightly"), scope=SCOPE)
    await rig.service.create_schedule(request("a-hourly", State="DISABLED"), scope=SCOPE)
    await rig.service.create_schedule(request("a-weekly", GroupName="reports"), scope=SCOPE)

    def names(**filters: Any) -> list[str]:
        return [f"{s.group}/{s.name}" for s in rig.service.list_schedules(scope=SCOPE, **filters)]

    assert names() == ["default/a-hourly", "default/b-nightly", "reports/a-weekly"]
    assert names(group="reports") == ["reports/a-weekly"]
    assert names(name_prefix="a-") == ["default/a-hourly", "reports/a-weekly"]
    assert names(state="DISABLED") == ["default/a-hourly"]
    assert rig.service.list_schedules(scope=Scope("000000000000", "eu-west-1")) == []
    with pytest.raises(TriggerfishError, match="Schedule group nowhere does not exist"):
        names(group="nowhere")


async def test_the_default_group_always_exists_and_stays(rig: Rig) -> None:
    default = rig.service.get_schedule_group("default", scope=SCOPE)
    assert (default.arn, default.created_at) == (GROUP_ARN + "default", None)
    assert [g.name for g in rig.service.list_schedule_groups(scope=SCOPE)] == ["default"]
    error = await failure(rig.service.delete_schedule_group("default", scope=SCOPE))
    assert (error.code, error.message) == ("ValidationException", "Cannot delete the default schedule group.")
    error = await failure(rig.service.create_schedule_group("default", scope=SCOPE))
    assert (error.code, error.status, error.message) == (
        "ConflictException",
        409,
        "Schedule group default already exists.",
    )


async def test_groups_are_created_listed_and_deleted_with_their_schedules(rig: Rig) -> None:
    arn = await rig.service.create_schedule_group("reports", {"team": "data"}, scope=SCOPE)
    assert arn == GROUP_ARN + "reports"
    await rig.service.create_schedule_group("reruns", scope=SCOPE)
    group = rig.service.get_schedule_group("reports", scope=SCOPE)
    assert (group.created_at, group.updated_at, dict(group.tags)) == (START, START, {"team": "data"})
    assert [g.name for g in rig.service.list_schedule_groups(scope=SCOPE, name_prefix="re")] == ["reports", "reruns"]

    await rig.service.create_schedule(request("weekly", GroupName="reports"), scope=SCOPE)
    await rig.service.create_schedule(request("weekly"), scope=SCOPE)
    await rig.service.delete_schedule_group("reports", scope=SCOPE)
    assert [f"{s.group}/{s.name}" for s in rig.service.list_schedules(scope=SCOPE)] == ["default/weekly"]
    with pytest.raises(TriggerfishError, match=r"^Schedule group reports does not exist\.$"):
        rig.service.get_schedule_group("reports", scope=SCOPE)
    error = await failure(rig.service.delete_schedule_group("reports", scope=SCOPE))
    assert error.code == "ResourceNotFoundException"


async def test_only_groups_carry_tags(rig: Rig) -> None:
    arn = await rig.service.create_schedule_group("reports", {"team": "data"}, scope=SCOPE)
    await rig.service.tag_resource(arn, {"stage": "prod"}, scope=SCOPE)
    assert rig.service.list_tags(arn, scope=SCOPE) == {"team": "data", "stage": "prod"}
    await rig.service.untag_resource(arn, ["team", "absent"], scope=SCOPE)
    assert rig.service.list_tags(arn, scope=SCOPE) == {"stage": "prod"}
    assert rig.service.get_schedule_group("reports", scope=SCOPE).updated_at == START

    schedule_arn = await rig.service.create_schedule(request(), scope=SCOPE)
    error = await failure(rig.service.tag_resource(schedule_arn, {"a": "b"}, scope=SCOPE))
    assert (error.code, error.message) == (
        "ValidationException",
        f"1 validation error detected: Value '{schedule_arn}' at 'resourceArn' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: "
        r"arn:aws[a-z-]*:scheduler:[a-z0-9\-]+:\d{12}:schedule-group\/[0-9a-zA-Z-_.]+",
    )
    error = await failure(rig.service.tag_resource(GROUP_ARN + "nowhere", {"a": "b"}, scope=SCOPE))
    assert (error.code, error.message) == ("ResourceNotFoundException", "Schedule group nowhere does not exist.")
    await rig.service.tag_resource(GROUP_ARN + "default", {"a": "b"}, scope=SCOPE)
    assert rig.service.list_tags(GROUP_ARN + "default", scope=SCOPE) == {"a": "b"}


async def test_everything_is_back_after_a_restart(durable_rig: Rig) -> None:
    rig = durable_rig
    group_arn = await rig.service.create_schedule_group("reports", {"team": "data"}, scope=SCOPE)
    await rig.service.tag_resource(GROUP_ARN + "default", {"owner": "ops"}, scope=SCOPE)
    full = request(
        GroupName="reports",
        Description="weekly",
        ScheduleExpressionTimezone="America/New_York",
        State="DISABLED",
        ActionAfterCompletion="DELETE",
        StartDate=START + 3600,
        EndDate=START + 86_400 * 30,
        KmsKeyArn="arn:aws:kms:us-east-1:000000000000:key/k-1",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10},
        Target={
            "Arn": QUEUE,
            "RoleArn": ROLE,
            "Input": '{"x": 1}',
            "SqsParameters": {"MessageGroupId": "g"},
            "DeadLetterConfig": {"Arn": DLQ},
        },
    )
    await rig.service.create_schedule(full, scope=SCOPE)
    before = rig.service.get_schedule("nightly", "reports", scope=SCOPE)
    await rig.restart()
    assert rig.service.get_schedule("nightly", "reports", scope=SCOPE) == before
    assert rig.service.list_tags(group_arn, scope=SCOPE) == {"team": "data"}
    assert rig.service.list_tags(GROUP_ARN + "default", scope=SCOPE) == {"owner": "ops"}
    await rig.service.delete_schedule("nightly", "reports", scope=SCOPE)
    await rig.restart()
    assert rig.service.list_schedules(scope=SCOPE) == []
