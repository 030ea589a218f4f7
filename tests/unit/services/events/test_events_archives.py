"""EventBridge archives: the API's shapes and errors, which events an archive keeps, its counters,
retention, reading a time window back, a restart on a file-backed store, and the operations over
the wire with a real botocore client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import Headers, HttpRequest, HttpResponse
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.events.archives import ArchiveOperations
from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.events.archive_models import ARCHIVED_KIND, REPLAY_NAME
from triggerfish.services.events.archives import Archives
from triggerfish.services.events.errors import (
    InvalidEventPattern,
    ResourceAlreadyExists,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import Location
from triggerfish.services.events.replays import Replays
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

HERE = Location()
ACCOUNT, REGION = HERE.account, HERE.region
DEFAULT_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
ORDERS_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
DAY = 86_400.0


def make_event(source: str = "app", *, time: str = "2023-11-14T22:13:20Z", n: int = 0, **detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "detail-type": "thing happened",
        "source": source,
        "account": ACCOUNT,
        "time": time,
        "region": REGION,
        "resources": [],
        "detail": {"n": n, **detail},
    }


def size_of(event: dict[str, Any]) -> int:
    return len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def archives(store: Store, clock: VirtualClock) -> AsyncIterator[Archives]:
    buses = {DEFAULT_BUS, ORDERS_BUS}
    service = Archives(store.documents, clock, bus_exists=buses.__contains__)
    await service.start()
    yield service
    await service.close()


async def create(archives: Archives, name: str, bus: str = DEFAULT_BUS, **fields: Any) -> dict[str, Any]:
    return dict(await archives.create({"ArchiveName": name, "EventSourceArn": bus, **fields}, scope=HERE))


async def stored_names(store: Store) -> list[str]:
    return [document.name for document in await store.documents.list(ARCHIVED_KIND, f"{ACCOUNT}/{REGION}")]


# --- the API ---------------------------------------------------------------------------------------


async def test_create_answers_arn_state_and_creation_time_and_describe_shows_everything(
    archives: Archives, clock: VirtualClock
) -> None:
    created = await create(
        archives, "orders-archive", Description="all orders", EventPattern='{"source":["app"]}', RetentionDays=7
    )
    when = datetime.fromtimestamp(clock.now(), UTC)
    assert created == {
        "ArchiveArn": f"arn:aws:events:{REGION}:{ACCOUNT}:archive/orders-archive",
        "State": "ENABLED",
        "CreationTime": when,
    }
    assert await archives.describe("orders-archive", scope=HERE) == {
        "ArchiveArn": f"arn:aws:events:{REGION}:{ACCOUNT}:archive/orders-archive",
        "ArchiveName": "orders-archive",
        "EventSourceArn": DEFAULT_BUS,
        "Description": "all orders",
        "EventPattern": '{"source":["app"]}',
        "State": "ENABLED",
        "RetentionDays": 7,
        "SizeBytes": 0,
        "EventCount": 0,
        "CreationTime": when,
    }


async def test_retention_defaults_to_zero_and_optional_members_are_left_out(archives: Archives) -> None:
    await create(archives, "plain")
    described = await archives.describe("plain", scope=HERE)
    assert described["RetentionDays"] == 0
    assert "Description" not in described and "EventPattern" not in described and "KmsKeyIdentifier" not in described


async def test_create_errors_use_aws_messages(archives: Archives) -> None:
    await create(archives, "taken")
    with pytest.raises(ResourceAlreadyExists, match=r"^Archive taken already exists\.$"):
        await create(archives, "taken")
    with pytest.raises(ResourceNotFound, match=r"^Event bus nope does not exist\.$"):
        await create(archives, "a", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/nope")
    # a bus of another region or account is not the caller's
    with pytest.raises(ResourceNotFound, match=r"^Event bus default does not exist\.$"):
        await create(archives, "a", f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default")
    with pytest.raises(ValidationException) as malformed:
        await create(archives, "a", "not-an-arn")
    assert malformed.value.message == (
        "Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format."
    )
    with pytest.raises(InvalidEventPattern) as pattern:
        await create(archives, "a", EventPattern='{"source": "app"}')
    assert pattern.value.message.startswith("Event pattern is not valid. Reason: ")


async def test_names_and_numbers_are_checked_as_the_model_does(archives: Archives) -> None:
    with pytest.raises(ValidationException) as long_name:
        await create(archives, "a" * 49)
    assert long_name.value.message == (
        f"1 validation error detected: Value '{'a' * 49}' at 'archiveName' failed to satisfy constraint: "
        "Member must have length less than or equal to 48"
    )
    with pytest.raises(ValidationException, match="Member must satisfy regular expression pattern"):
        await create(archives, "no spaces")
    with pytest.raises(ValidationException, match="Value null at 'archiveName'"):
        await archives.create({"EventSourceArn": DEFAULT_BUS}, scope=HERE)
    with pytest.raises(ValidationException, match="Value null at 'eventSourceArn'"):
        await archives.create({"ArchiveName": "a"}, scope=HERE)
    with pytest.raises(ValidationException, match="Member must have value greater than or equal to 0"):
        await create(archives, "a", RetentionDays=-1)
    await create(archives, "a" * 48)  # the longest name is fine


async def test_unknown_archives_are_not_found(archives: Archives) -> None:
    for operation in (archives.describe, archives.delete):
        with pytest.raises(ResourceNotFound, match=r"^Archive ghost does not exist\.$"):
            await operation("ghost", scope=HERE)
    with pytest.raises(ResourceNotFound, match=r"^Archive ghost does not exist\.$"):
        await archives.update({"ArchiveName": "ghost"}, scope=HERE)


async def test_archives_are_per_account_and_region(archives: Archives) -> None:
    await create(archives, "mine")
    elsewhere = Location(region="eu-west-1")
    with pytest.raises(ResourceNotFound):
        await archives.describe("mine", scope=elsewhere)
    assert (await archives.list({}, scope=elsewhere))["Archives"] == []


async def test_list_filters_by_prefix_source_and_state_one_at_a_time(archives: Archives) -> None:
    await create(archives, "orders-1", ORDERS_BUS)
    await create(archives, "orders-2", ORDERS_BUS)
    await create(archives, "audit", DEFAULT_BUS, RetentionDays=3)

    def names(listed: Any) -> list[str]:
        return [entry["ArchiveName"] for entry in listed["Archives"]]

    assert names(await archives.list({}, scope=HERE)) == ["audit", "orders-1", "orders-2"]
    assert names(await archives.list({"NamePrefix": "orders"}, scope=HERE)) == ["orders-1", "orders-2"]
    assert names(await archives.list({"EventSourceArn": DEFAULT_BUS}, scope=HERE)) == ["audit"]
    assert names(await archives.list({"State": "ENABLED"}, scope=HERE)) == ["audit", "orders-1", "orders-2"]
    assert names(await archives.list({"State": "DISABLED"}, scope=HERE)) == []
    entry = (await archives.list({"NamePrefix": "audit"}, scope=HERE))["Archives"][0]
    assert set(entry) == {
        "ArchiveName",
        "EventSourceArn",
        "State",
        "RetentionDays",
        "SizeBytes",
        "EventCount",
        "CreationTime",
    }
    with pytest.raises(ValidationException) as both:
        await archives.list({"NamePrefix": "o", "State": "ENABLED"}, scope=HERE)
    assert both.value.message == (
        "At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix."
    )
    with pytest.raises(ResourceNotFound, match=r"^Event bus nope does not exist\.$"):
        await archives.list({"EventSourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/nope"}, scope=HERE)


async def test_list_pages_with_limit_and_next_token(archives: Archives) -> None:
    for n in range(5):
        await create(archives, f"archive-{n}")
    first = await archives.list({"Limit": 2}, scope=HERE)
    assert [entry["ArchiveName"] for entry in first["Archives"]] == ["archive-0", "archive-1"]
    second = await archives.list({"Limit": 2, "NextToken": first["NextToken"]}, scope=HERE)
    assert [entry["ArchiveName"] for entry in second["Archives"]] == ["archive-2", "archive-3"]
    await archives.delete("archive-4", scope=HERE)
    last = await archives.list({"Limit": 2, "NextToken": second["NextToken"]}, scope=HERE)
    assert last == {"Archives": []}
    with pytest.raises(ValidationException):
        await archives.list({"NextToken": "garbage!"}, scope=HERE)


async def test_update_changes_only_what_it_is_given(archives: Archives) -> None:
    await create(archives, "a", Description="before", EventPattern='{"source":["one"]}', RetentionDays=2)
    changed = await archives.update({"ArchiveName": "a", "Description": "after"}, scope=HERE)
    assert changed["ArchiveArn"].endswith(":archive/a") and changed["State"] == "ENABLED"
    described = await archives.describe("a", scope=HERE)
    assert (described["Description"], described["EventPattern"], described["RetentionDays"]) == (
        "after",
        '{"source":["one"]}',
        2,
    )
    await archives.update({"ArchiveName": "a", "EventPattern": '{"source":["two"]}', "RetentionDays": 0}, scope=HERE)
    described = await archives.describe("a", scope=HERE)
    assert (described["EventPattern"], described["RetentionDays"]) == ('{"source":["two"]}', 0)
    with pytest.raises(InvalidEventPattern):
        await archives.update({"ArchiveName": "a", "EventPattern": "[]"}, scope=HERE)


# --- keeping events ----------------------------------------------------------------------------------


async def test_record_keeps_events_that_match_the_pattern_of_archives_on_that_bus(
    archives: Archives, store: Store
) -> None:
    await create(archives, "everything")
    await create(archives, "only-app", EventPattern='{"source":["app"]}')
    await create(archives, "orders", ORDERS_BUS)
    app, other = make_event("app", n=1), make_event("other", n=2)
    await archives.record(DEFAULT_BUS, app)
    await archives.record(DEFAULT_BUS, other)

    def counts(described: Any) -> tuple[int, int]:
        return described["EventCount"], described["SizeBytes"]

    assert counts(await archives.describe("everything", scope=HERE)) == (2, size_of(app) + size_of(other))
    assert counts(await archives.describe("only-app", scope=HERE)) == (1, size_of(app))
    assert counts(await archives.describe("orders", scope=HERE)) == (0, 0)
    listed = {entry["ArchiveName"]: entry for entry in (await archives.list({}, scope=HERE))["Archives"]}
    assert counts(listed["everything"]) == (2, size_of(app) + size_of(other))
    assert len(await stored_names(store)) == 3


async def test_a_pattern_can_look_into_the_detail(archives: Archives) -> None:
    await create(archives, "big", EventPattern='{"detail":{"amount":[{"numeric":[">",100]}]}}')
    await archives.record(DEFAULT_BUS, make_event(n=1, amount=5))
    await archives.record(DEFAULT_BUS, make_event(n=2, amount=500))
    assert (await archives.describe("big", scope=HERE))["EventCount"] == 1


async def test_replayed_events_are_never_archived(archives: Archives, store: Store) -> None:
    await create(archives, "everything")
    replayed = {**make_event(), REPLAY_NAME: "r1"}
    await archives.record(DEFAULT_BUS, replayed)
    assert (await archives.describe("everything", scope=HERE))["EventCount"] == 0
    assert await stored_names(store) == []


async def test_events_on_a_bus_without_archives_cost_nothing(archives: Archives, store: Store) -> None:
    await archives.record(ORDERS_BUS, make_event())
    assert await stored_names(store) == []


async def test_archived_events_sort_by_event_time_then_id(archives: Archives, store: Store) -> None:
    await create(archives, "a")
    await archives.record(DEFAULT_BUS, make_event(n=2, time="2023-11-14T22:13:21Z"))
    await archives.record(DEFAULT_BUS, make_event(n=1, time="2023-11-14T22:13:21Z"))
    await archives.record(DEFAULT_BUS, make_event(n=3, time="2023-11-14T22:13:19Z"))
    names = await stored_names(store)
    assert names == sorted(names)
    assert [name.rsplit("-", 1)[1] for name in names] == ["000000000003", "000000000001", "000000000002"]
    assert names[0].startswith("a/001699999999000/")


async def test_update_pattern_applies_to_the_next_events(archives: Archives) -> None:
    await create(archives, "a", EventPattern='{"source":["one"]}')
    await archives.record(DEFAULT_BUS, make_event("two", n=1))
    await archives.update({"ArchiveName": "a", "EventPattern": '{"source":["two"]}'}, scope=HERE)
    await archives.record(DEFAULT_BUS, make_event("two", n=2))
    assert (await archives.describe("a", scope=HERE))["EventCount"] == 1


async def test_delete_drops_the_archive_and_its_events(archives: Archives, store: Store) -> None:
    await create(archives, "a")
    await create(archives, "a-b")  # a name that shares a prefix keeps its events
    for n in range(3):
        await archives.record(DEFAULT_BUS, make_event(n=n))
    await archives.delete("a", scope=HERE)
    assert all(name.startswith("a-b/") for name in await stored_names(store))
    assert len(await stored_names(store)) == 3
    assert [entry["ArchiveName"] for entry in (await archives.list({}, scope=HERE))["Archives"]] == ["a-b"]
    await create(archives, "a")
    assert (await archives.describe("a", scope=HERE))["EventCount"] == 0
    await archives.record(DEFAULT_BUS, make_event(n=9))
    assert (await archives.describe("a", scope=HERE))["EventCount"] == 1


async def test_retention_drops_events_older_than_retention_days(
    archives: Archives, store: Store, clock: VirtualClock
) -> None:
    await create(archives, "short", RetentionDays=1)
    await create(archives, "forever")

    def at(offset: float) -> str:
        return datetime.fromtimestamp(clock.now() + offset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    first = make_event(n=1, time=at(0))
    await archives.record(DEFAULT_BUS, first)
    await clock.advance(DAY / 2)
    second = make_event(n=2, time=at(0))
    await archives.record(DEFAULT_BUS, second)
    await clock.advance(DAY / 2 + 3600)  # the first is now 25 hours old, the second 13
    short = await archives.describe("short", scope=HERE)
    assert (short["EventCount"], short["SizeBytes"]) == (1, size_of(second))
    assert (await archives.describe("forever", scope=HERE))["EventCount"] == 2
    assert [name.split("/")[0] for name in await stored_names(store)] == ["forever", "forever", "short"]
    await clock.advance(DAY)
    listed = (await archives.list({"NamePrefix": "short"}, scope=HERE))["Archives"][0]
    assert (listed["EventCount"], listed["SizeBytes"]) == (0, 0)


async def test_an_event_with_an_old_time_lives_its_retention_from_ingestion(
    archives: Archives, clock: VirtualClock
) -> None:
    await create(archives, "short", RetentionDays=1)
    await archives.record(DEFAULT_BUS, make_event(n=1, time="2001-01-01T00:00:00Z"))
    await clock.advance(DAY / 2)
    assert (await archives.describe("short", scope=HERE))["EventCount"] == 1
    await clock.advance(DAY)
    assert (await archives.describe("short", scope=HERE))["EventCount"] == 0


async def test_scan_reads_a_time_window_oldest_first(archives: Archives, clock: VirtualClock) -> None:
    await create(archives, "a")
    times = ["2023-01-01T00:00:00Z", "2023-01-01T00:00:30Z", "2023-01-01T00:01:00Z", "2023-01-01T00:02:00Z"]
    for n, time in reversed(list(enumerate(times))):
        await archives.record(DEFAULT_BUS, make_event(n=n, time=time))
    archive = await archives.find("a", scope=HERE)
    assert archive is not None
    start = datetime(2023, 1, 1, 0, 0, 30, tzinfo=UTC).timestamp()
    seen = [item.event["detail"]["n"] async for item in archives.scan(archive, start=start, end=start + 90)]
    assert seen == [1, 2]  # 00:00:30 is in, 00:02:00 (the end) is out
    everything = [item async for item in archives.scan(archive, start=0, end=start + 3600)]
    assert [item.event["detail"]["n"] for item in everything] == [0, 1, 2, 3]
    after_second = [
        item.event["detail"]["n"]
        async for item in archives.scan(archive, start=0, end=start + 3600, after=everything[1].key)
    ]
    assert after_second == [2, 3]
    assert everything[0].event == make_event(n=0, time=times[0])
    assert list(everything[0].event) == list(make_event())  # key order survives the store
    assert everything[0].ingested_at == clock.now()


async def test_archives_and_their_events_survive_a_restart(tmp_path: Path, clock: VirtualClock) -> None:
    buses = {DEFAULT_BUS}
    store = open_store(tmp_path)
    await store.open()
    archives = Archives(store.documents, clock, bus_exists=buses.__contains__)
    await archives.start()
    await create(archives, "a", EventPattern='{"source":["app"]}', RetentionDays=3)
    await archives.record(DEFAULT_BUS, make_event("app", n=1))
    await archives.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    archives = Archives(store.documents, clock, bus_exists=buses.__contains__)
    await archives.start()
    await archives.record(DEFAULT_BUS, make_event("app", n=2))
    await archives.record(DEFAULT_BUS, make_event("other", n=3))
    described = await archives.describe("a", scope=HERE)
    assert (described["EventCount"], described["RetentionDays"], described["EventPattern"]) == (
        2,
        3,
        '{"source":["app"]}',
    )
    with pytest.raises(ResourceAlreadyExists):
        await create(archives, "a")
    await archives.close()
    await store.close()


# --- over the wire ------------------------------------------------------------------------------------


class _Provider:
    def __init__(self, operations: ArchiveOperations) -> None:
        self._table = operations.table()

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(1_048_576, "EventBridge")

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


class Wire:
    """The archive operations behind AwsApp, driven by a real botocore client whose requests are handed
    to the endpoint in process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = VirtualClock()
        self.store: Store = open_store(None)
        self.loop.run_until_complete(self.store.open())
        self.tracker = WorkTracker()
        self.replayed: list[tuple[str, dict[str, Any], frozenset[str] | None]] = []
        self.archives = Archives(self.store.documents, self.clock, bus_exists={DEFAULT_BUS}.__contains__)
        self.replays = Replays(
            self.store.documents, self.clock, self.tracker, self.archives, self._sink, {DEFAULT_BUS}.__contains__
        )
        self.loop.run_until_complete(self.archives.start())
        self.loop.run_until_complete(self.replays.start())
        self.app = AwsApp({"events": _Provider(ArchiveOperations(self.archives, self.replays))})
        session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        self.client: Any = session.client(
            "events",
            endpoint_url="http://localhost:4566",
            region_name=REGION,
            config=Config(retries={"total_max_attempts": 1}),
        )
        self.client.meta.events.register("before-send", self._send)

    async def _sink(self, bus: str, event: dict[str, Any], filters: frozenset[str] | None) -> None:
        self.replayed.append((bus, event, filters))

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        headers = [
            (name, value.decode() if isinstance(value, bytes) else value) for name, value in request.headers.items()
        ]
        body = request.body.encode() if isinstance(request.body, str) else bytes(request.body or b"")
        ours = HttpRequest(request.method, url.path, url.query, Headers([*headers, ("Host", url.netloc)]), body)
        response: HttpResponse = self.loop.run_until_complete(self.app.handle(ours, "req-1"))
        assert isinstance(response.body, bytes)
        return AWSResponse(request.url, response.status, dict(response.headers.items()), _Raw(response.body))

    def settle(self) -> None:
        async def settled() -> None:
            while self.tracker.in_flight:
                await self.tracker.wait_changed(1.0)

        self.loop.run_until_complete(asyncio.wait_for(settled(), 30))

    def close(self) -> None:
        self.loop.run_until_complete(self.replays.close())
        self.loop.run_until_complete(self.archives.close())
        self.loop.run_until_complete(self.store.close())
        self.loop.close()


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, amt: int = 65536, decode_content: bool = True) -> Iterator[bytes]:
        yield self._data

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        data, self._data = self._data, b""
        return data


@pytest.fixture
def wire() -> Iterator[Wire]:
    made = Wire()
    yield made
    made.close()


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_archive_operations_over_the_wire(wire: Wire) -> None:
    events = wire.client
    created = events.create_archive(
        ArchiveName="wire", EventSourceArn=DEFAULT_BUS, EventPattern='{"source":["app"]}', RetentionDays=1
    )
    assert created["ArchiveArn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:archive/wire"
    assert created["State"] == "ENABLED"
    assert created["CreationTime"] == datetime.fromtimestamp(wire.clock.now(), UTC)
    wire.loop.run_until_complete(wire.archives.record(DEFAULT_BUS, make_event("app", n=1)))
    described = events.describe_archive(ArchiveName="wire")
    assert (described["EventCount"], described["SizeBytes"]) == (1, size_of(make_event("app", n=1)))
    assert described["EventPattern"] == '{"source":["app"]}'
    listed = events.list_archives(NamePrefix="wi")["Archives"]
    assert [entry["ArchiveName"] for entry in listed] == ["wire"]
    events.update_archive(ArchiveName="wire", Description="changed")
    assert events.describe_archive(ArchiveName="wire")["Description"] == "changed"
    events.delete_archive(ArchiveName="wire")
    with pytest.raises(ClientError) as gone:
        events.describe_archive(ArchiveName="wire")
    assert _error(gone) == (400, "ResourceNotFoundException", "Archive wire does not exist.")


def test_archive_errors_over_the_wire(wire: Wire) -> None:
    events = wire.client
    events.create_archive(ArchiveName="dup", EventSourceArn=DEFAULT_BUS)
    with pytest.raises(ClientError) as duplicate:
        events.create_archive(ArchiveName="dup", EventSourceArn=DEFAULT_BUS)
    assert _error(duplicate) == (400, "ResourceAlreadyExistsException", "Archive dup already exists.")
    with pytest.raises(ClientError) as no_bus:
        events.create_archive(ArchiveName="x", EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/nope")
    assert _error(no_bus) == (400, "ResourceNotFoundException", "Event bus nope does not exist.")
    with pytest.raises(ClientError) as bad_pattern:
        events.create_archive(ArchiveName="x", EventSourceArn=DEFAULT_BUS, EventPattern='{"a": 1}')
    assert _error(bad_pattern)[:2] == (400, "InvalidEventPatternException")


def test_replay_operations_over_the_wire(wire: Wire) -> None:
    events = wire.client
    archive_arn = events.create_archive(ArchiveName="wire", EventSourceArn=DEFAULT_BUS)["ArchiveArn"]
    first, second = make_event(n=1, time="2023-01-01T00:00:00Z"), make_event(n=2, time="2023-01-01T00:01:00Z")
    for event in (first, second):
        wire.loop.run_until_complete(wire.archives.record(DEFAULT_BUS, event))
    start = datetime(2023, 1, 1, tzinfo=UTC)
    started = events.start_replay(
        ReplayName="again",
        EventSourceArn=archive_arn,
        EventStartTime=start,
        EventEndTime=datetime(2023, 1, 2, tzinfo=UTC),
        Destination={"Arn": DEFAULT_BUS, "FilterArns": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r"]},
    )
    assert started["State"] == "STARTING"
    assert started["ReplayArn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:replay/again"
    wire.settle()
    assert [event["detail"]["n"] for _, event, _ in wire.replayed] == [1, 2]
    assert wire.replayed[0][1] == {**first, REPLAY_NAME: "again"}
    described = events.describe_replay(ReplayName="again")
    assert described["State"] == "COMPLETED"
    assert described["EventStartTime"] == start
    assert described["EventLastReplayedTime"] == datetime(2023, 1, 1, 0, 1, tzinfo=UTC)
    assert described["Destination"]["FilterArns"] == [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r"]
    assert [entry["ReplayName"] for entry in events.list_replays(State="COMPLETED")["Replays"]] == ["again"]
    with pytest.raises(ClientError) as finished:
        events.cancel_replay(ReplayName="again")
    assert _error(finished) == (
        400,
        "IllegalStatusException",
        "Replay again is not in a valid state for this operation.",
    )
    with pytest.raises(ClientError) as window:
        events.start_replay(
            ReplayName="backwards",
            EventSourceArn=archive_arn,
            EventStartTime=start,
            EventEndTime=start,
            Destination={"Arn": DEFAULT_BUS},
        )
    assert _error(window) == (
        400,
        "ValidationException",
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    )
    with pytest.raises(ClientError) as unknown:
        events.describe_replay(ReplayName="ghost")
    assert _error(unknown) == (400, "ResourceNotFoundException", "Replay ghost does not exist.")
