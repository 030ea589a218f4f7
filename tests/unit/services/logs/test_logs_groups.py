"""Log groups and log streams: names, ARNs, regions, retention values, tags, errors as Logs words them."""

from __future__ import annotations

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter, ResourceAlreadyExists, ResourceNotFound

REGION = "us-east-1"


async def test_a_group_has_both_arn_forms_and_its_creation_time(logs: LogsService, clock: VirtualClock) -> None:
    group = await logs.create_log_group(REGION, "/aws/lambda/orders")
    assert group.arn == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/orders"
    assert group.wildcard_arn == group.arn + ":*"
    assert group.created == round(clock.now() * 1000)
    assert group.retention_days is None
    assert group.stored_bytes == 0
    assert group.log_group_class == "STANDARD"


async def test_creating_an_existing_group_fails(logs: LogsService) -> None:
    await logs.create_log_group(REGION, "app")
    with pytest.raises(ResourceAlreadyExists) as caught:
        await logs.create_log_group(REGION, "app")
    assert caught.value.message == "The specified log group already exists"
    assert caught.value.code == "ResourceAlreadyExistsException"
    assert caught.value.status == 400


@pytest.mark.parametrize("name", ["", "has space", "colon:name", "x" * 513, "star*"])
async def test_group_names_are_checked(logs: LogsService, name: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await logs.create_log_group(REGION, name)
    assert caught.value.code == "InvalidParameterException"


async def test_groups_are_per_region_and_sorted(logs: LogsService) -> None:
    await logs.create_log_group(REGION, "b")
    await logs.create_log_group(REGION, "a/x")
    await logs.create_log_group("eu-west-1", "c")
    assert [g.name for g in logs.describe_log_groups(REGION)] == ["a/x", "b"]
    assert [g.name for g in logs.describe_log_groups("eu-west-1")] == ["c"]
    assert logs.log_group("eu-west-1", "c").arn.startswith("arn:aws:logs:eu-west-1:")


async def test_describe_by_prefix_or_substring_pattern(logs: LogsService) -> None:
    for name in ("/aws/lambda/DataLogs", "aws/Data", "other"):
        await logs.create_log_group(REGION, name)
    assert [g.name for g in logs.describe_log_groups(REGION, prefix="/aws")] == ["/aws/lambda/DataLogs"]
    assert [g.name for g in logs.describe_log_groups(REGION, pattern="Data")] == ["/aws/lambda/DataLogs", "aws/Data"]
    with pytest.raises(InvalidParameter):
        logs.describe_log_groups(REGION, prefix="a", pattern="b")


async def test_a_missing_group_is_reported(logs: LogsService) -> None:
    with pytest.raises(ResourceNotFound) as caught:
        logs.log_group(REGION, "nope")
    assert caught.value.message == "The specified log group does not exist."
    assert caught.value.status == 400
    with pytest.raises(ResourceNotFound):
        await logs.delete_log_group(REGION, "nope")


async def test_deleting_a_group_removes_its_streams_and_events(logs: LogsService, clock: VirtualClock) -> None:
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    await logs.put_log_events(REGION, "g", "s", [(round(clock.now() * 1000), "hello")])
    await logs.delete_log_group(REGION, "g")
    assert logs.describe_log_groups(REGION) == []
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    assert logs.get_log_events(REGION, "g", "s")[0] == []


@pytest.mark.parametrize("days", [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 3653])
async def test_allowed_retention_values(logs: LogsService, days: int) -> None:
    await logs.create_log_group(REGION, "g")
    await logs.put_retention_policy(REGION, "g", days)
    assert logs.log_group(REGION, "g").retention_days == days


@pytest.mark.parametrize("days", [0, 2, 4, 366, 3654, -1])
async def test_other_retention_values_are_refused(logs: LogsService, days: int) -> None:
    await logs.create_log_group(REGION, "g")
    with pytest.raises(InvalidParameter) as caught:
        await logs.put_retention_policy(REGION, "g", days)
    assert f"Value '{days}' at 'retentionInDays'" in caught.value.message
    assert logs.log_group(REGION, "g").retention_days is None


async def test_deleting_the_retention_policy(logs: LogsService) -> None:
    await logs.create_log_group(REGION, "g")
    await logs.put_retention_policy(REGION, "g", 7)
    await logs.delete_retention_policy(REGION, "g")
    assert logs.log_group(REGION, "g").retention_days is None


async def test_tags_by_name_and_by_either_arn(logs: LogsService) -> None:
    group = await logs.create_log_group(REGION, "g", tags={"team": "a"})
    await logs.tag(REGION, group.arn, {"env": "dev"})
    await logs.tag(REGION, group.wildcard_arn, {"team": "b"})
    assert logs.tags_of(REGION, "g") == {"team": "b", "env": "dev"}
    await logs.untag(REGION, "g", ["team", "missing"])
    assert logs.tags_of(REGION, group.arn) == {"env": "dev"}
    with pytest.raises(ResourceNotFound):
        await logs.tag(REGION, "arn:aws:logs:us-east-1:000000000000:log-group:other", {"a": "b"})
    with pytest.raises(InvalidParameter):
        await logs.tag(REGION, "g", {f"k{i}": "v" for i in range(50)})


async def test_group_class_and_kms_key(logs: LogsService) -> None:
    group = await logs.create_log_group(REGION, "g", log_group_class="INFREQUENT_ACCESS", kms_key_id="key-1")
    assert (group.log_group_class, group.kms_key_id) == ("INFREQUENT_ACCESS", "key-1")
    with pytest.raises(InvalidParameter):
        await logs.create_log_group(REGION, "h", log_group_class="COLD")


async def test_streams_have_arns_and_errors(logs: LogsService) -> None:
    await logs.create_log_group(REGION, "g")
    stream = await logs.create_log_stream(REGION, "g", "2024/01/01/[$LATEST]abc")
    assert stream.arn == "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:2024/01/01/[$LATEST]abc"
    assert (stream.first_event, stream.last_event, stream.stored_bytes) == (None, None, 0)
    with pytest.raises(ResourceAlreadyExists) as exists:
        await logs.create_log_stream(REGION, "g", "2024/01/01/[$LATEST]abc")
    assert exists.value.message == "The specified log stream already exists"
    with pytest.raises(ResourceNotFound) as missing:
        await logs.delete_log_stream(REGION, "g", "nope")
    assert missing.value.message == "The specified log stream does not exist."
    with pytest.raises(ResourceNotFound) as no_group:
        await logs.create_log_stream(REGION, "nope", "s")
    assert no_group.value.message == "The specified log group does not exist."


@pytest.mark.parametrize("name", ["", "a:b", "a*b", "x" * 513])
async def test_stream_names_are_checked(logs: LogsService, name: str) -> None:
    await logs.create_log_group(REGION, "g")
    with pytest.raises(InvalidParameter):
        await logs.create_log_stream(REGION, "g", name)


async def test_describe_streams_by_name_or_last_event(logs: LogsService, clock: VirtualClock) -> None:
    now = round(clock.now() * 1000)
    await logs.create_log_group(REGION, "g")
    for name in ("b", "a", "c"):
        await logs.create_log_stream(REGION, "g", name)
    await logs.put_log_events(REGION, "g", "c", [(now - 5000, "one")])
    await logs.put_log_events(REGION, "g", "a", [(now - 1000, "two")])
    assert [s.name for s in logs.describe_log_streams(REGION, "g")] == ["a", "b", "c"]
    assert [s.name for s in logs.describe_log_streams(REGION, "g", descending=True)] == ["c", "b", "a"]
    by_time = logs.describe_log_streams(REGION, "g", order_by="LastEventTime", descending=True)
    assert [s.name for s in by_time] == ["a", "c", "b"]
    assert [s.name for s in logs.describe_log_streams(REGION, "g", prefix="b")] == ["b"]
    with pytest.raises(InvalidParameter):
        logs.describe_log_streams(REGION, "g", prefix="a", order_by="LastEventTime")
    stream_a = logs.describe_log_streams(REGION, "g", prefix="a")[0]
    assert (stream_a.first_event, stream_a.last_event, stream_a.stored_bytes) == (now - 1000, now - 1000, 3)
    assert stream_a.last_ingestion == now
    assert logs.log_group(REGION, "g").stored_bytes == 6


async def test_a_deleted_stream_recreated_starts_empty(logs: LogsService, clock: VirtualClock) -> None:
    now = round(clock.now() * 1000)
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    await logs.put_log_events(REGION, "g", "s", [(now, "old")])
    await logs.delete_log_stream(REGION, "g", "s")
    assert logs.describe_log_streams(REGION, "g") == []
    await logs.create_log_stream(REGION, "g", "s")
    assert logs.get_log_events(REGION, "g", "s")[0] == []
