"""The Kinesis Data Streams service: streams and their shards held in memory, records in the store's
stream log (stream name = the stream's ARN, shard = the shard id).

What a put acknowledges is durable first; the stream's listeners (the Lambda event source mappings)
hear of it once it is. Every operation names its stream by StreamName (in the caller's scope,
``<account>/<region>``) or by StreamARN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from triggerfish.core.clock import Clock
from triggerfish.core.work import WorkTracker
from triggerfish.services.kinesis.errors import InvalidArgument
from triggerfish.services.kinesis.listeners import Listeners
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import Shard, StreamConfig, StreamMode
from triggerfish.services.kinesis.reading import IteratorType, RecordReader, RecordsPage
from triggerfish.services.kinesis.records import PutEntry, PutResult, RecordWriter
from triggerfish.services.kinesis.registry import StreamRegistry
from triggerfish.services.kinesis.resharding import check_target, resharded
from triggerfish.services.kinesis.retention import RetentionTrimmer
from triggerfish.services.kinesis.source import KinesisStreamSource
from triggerfish.services.kinesis.streams import StreamAdmin, decode_token, encode_token, page_after
from triggerfish.store.interfaces import Store

#: default page sizes (Kinesis API reference: ListStreams and DescribeStream 100, ListShards 1,000)
LIST_STREAMS_LIMIT = 100
DESCRIBE_SHARDS_LIMIT = 100
LIST_SHARDS_LIMIT = 1000
GET_RECORDS_LIMIT = 10_000


class KinesisService:
    def __init__(self, store: Store, clock: Clock, tracker: WorkTracker) -> None:
        self.clock = clock
        self._tracker = tracker
        log = store.streams
        self.listeners = Listeners()
        self.registry = StreamRegistry(store.documents, log)
        self.admin = StreamAdmin(self.registry, log, clock, self.listeners.notify)
        self.writer = RecordWriter(log, clock, self.listeners.notify)
        self.reader = RecordReader(self.registry, log, clock)
        self.trimmer = RetentionTrimmer(self.registry, log, clock)
        #: the port Lambda's stream event source mappings read Kinesis through
        self.source = KinesisStreamSource(self.registry, self.reader, self.listeners)

    async def start(self) -> None:
        await self.registry.load()
        self.trimmer.start()

    async def close(self) -> None:
        await self.trimmer.close()

    def resolve(self, scope: str, name: str | None = None, arn: str | None = None) -> LiveStream:
        return self.registry.resolve(scope, name, arn)

    # --- streams (also what the deployer calls) -------------------------------------------------------

    async def create_stream(
        self,
        scope: str,
        name: str,
        *,
        shard_count: int | None = None,
        mode: str = StreamMode.PROVISIONED.value,
        retention_hours: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> StreamConfig:
        return await self.admin.create(
            scope, name, shard_count=shard_count, mode=_mode(mode), retention_hours=retention_hours, tags=tags
        )

    async def delete_stream(self, scope: str, name: str | None = None, *, arn: str | None = None) -> None:
        await self.admin.delete(self.resolve(scope, name, arn))

    def stream_config(self, scope: str, name: str) -> StreamConfig | None:
        found = self.registry.find(scope, name)
        return None if found is None else found.config

    async def set_retention(
        self, scope: str, name: str | None, hours: int, *, arn: str | None = None, direction: str | None = None
    ) -> None:
        """``direction``: ``increase``/``decrease`` as the two API actions check it, ``None`` for either way."""
        await self.admin.change_retention(self.resolve(scope, name, arn), hours, direction=direction)

    async def tag_stream(
        self, scope: str, name: str | None, tags: Mapping[str, str], *, arn: str | None = None
    ) -> None:
        await self.admin.tag(self.resolve(scope, name, arn), tags)

    async def untag_stream(self, scope: str, name: str | None, keys: Sequence[str], *, arn: str | None = None) -> None:
        await self.admin.untag(self.resolve(scope, name, arn), keys)

    async def set_mode(self, scope: str, arn: str, mode: str) -> None:
        await self.admin.set_mode(self.resolve(scope, None, arn), _mode(mode))

    async def set_encryption(
        self, scope: str, name: str | None, encryption: str | None, key_id: str | None, *, arn: str | None = None
    ) -> None:
        await self.admin.set_encryption(self.resolve(scope, name, arn), encryption, key_id)

    async def update_shard_count(self, scope: str, name: str | None, target: int, *, arn: str | None = None) -> int:
        """Reshard uniformly to ``target`` open shards; returns how many were open before."""
        live = self.resolve(scope, name, arn)
        check_target(live.config, target)
        current = len(live.config.open_shards)
        now = self.clock.now()
        await self.registry.save(live, resharded(live, target, now), now)
        self.listeners.notify(live.arn)
        return current

    def list_streams(
        self, scope: str, *, limit: int | None = None, exclusive_start: str | None = None, token: str | None = None
    ) -> tuple[list[StreamConfig], bool, str | None]:
        """A page of the scope's streams by name, whether more follow, and the token for the next page."""
        after = exclusive_start
        if token is not None:
            after = str(decode_token(token).get("after", ""))
        streams = {live.config.name: live.config for live in self.registry.in_scope(scope)}
        names, more = page_after(list(streams), after, limit or LIST_STREAMS_LIMIT)
        next_token = encode_token({"after": names[-1]}) if more and names else None
        return [streams[name] for name in names], more, next_token

    def shards_page(
        self, live: LiveStream, *, exclusive_start: str | None, limit: int | None, default_limit: int
    ) -> tuple[list[Shard], bool]:
        shards = {shard.shard_id: shard for shard in live.config.shards}
        ids, more = page_after(sorted(shards), exclusive_start, limit or default_limit)
        return [shards[shard_id] for shard_id in ids], more

    def list_shards(
        self,
        scope: str,
        *,
        name: str | None = None,
        arn: str | None = None,
        token: str | None = None,
        exclusive_start: str | None = None,
        limit: int | None = None,
        filter_type: str | None = None,
        filter_shard: str | None = None,
    ) -> tuple[LiveStream, list[Shard], str | None]:
        if token is not None:
            state = decode_token(token)
            arn, name = str(state.get("arn", "")), None
            exclusive_start = str(state.get("after", ""))
            filter_type = None if state.get("filter") is None else str(state["filter"])
        live = self.resolve(scope, name, arn)
        if filter_type == "AFTER_SHARD_ID" and filter_shard is not None:
            exclusive_start = max(exclusive_start or "", filter_shard)
        shards = live.config.shards
        if filter_type == "AT_LATEST":
            shards = live.config.open_shards
        by_id = {shard.shard_id: shard for shard in shards}
        ids, more = page_after(sorted(by_id), exclusive_start, limit or LIST_SHARDS_LIMIT)
        next_token = encode_token({"arn": live.arn, "after": ids[-1], "filter": filter_type}) if more else None
        return live, [by_id[shard_id] for shard_id in ids], next_token

    # --- records ----------------------------------------------------------------------------------

    async def put_records(
        self, scope: str, name: str | None, entries: Sequence[PutEntry], *, arn: str | None = None
    ) -> tuple[list[PutResult], str]:
        """The result of each entry in order, and the stream's encryption type."""
        live = self.resolve(scope, name, arn)
        results = await self.writer.put(live, entries)
        return results, live.config.encryption_type

    async def get_shard_iterator(
        self,
        scope: str,
        name: str | None,
        shard_id: str,
        kind: str,
        *,
        arn: str | None = None,
        starting_sequence_number: str | None = None,
        timestamp: datetime | float | None = None,
    ) -> str:
        live = self.resolve(scope, name, arn)
        return await self.reader.shard_iterator(
            live, shard_id, IteratorType(kind), starting_sequence_number=starting_sequence_number, timestamp=timestamp
        )

    async def get_records(self, token: str, limit: int | None = None) -> RecordsPage:
        return await self.reader.get_records(token, limit or GET_RECORDS_LIMIT)


def _mode(text: str) -> StreamMode:
    try:
        return StreamMode(text)
    except ValueError:
        # the two capacity modes (botocore model, StreamMode)
        raise InvalidArgument(f"Stream mode {text} is not supported: use PROVISIONED or ON_DEMAND.") from None
