"""Stream configurations: stored as documents (kind ``kinesis.stream``), held live in memory, found by
name or by ARN (every operation takes a StreamARN in place of a StreamName)."""

from __future__ import annotations

import json

from triggerfish.core.arns import parse_arn
from triggerfish.services.kinesis.errors import InvalidArgument, ResourceInUse, stream_not_found
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import STREAM_KIND, StreamConfig, config_from_document
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch
from triggerfish.store.streams import StreamLogStore


class StreamRegistry:
    def __init__(self, documents: DocumentStore, log: StreamLogStore) -> None:
        self._documents = documents
        self._log = log
        self._by_arn: dict[str, LiveStream] = {}

    async def load(self) -> None:
        """Rebuild every stream and its shards' counters (after a restart)."""
        for document in await self._documents.list(STREAM_KIND):
            config = config_from_document(document.scope, document.name, json.loads(document.body))
            last = await self._log.last_positions(config.arn)
            self._by_arn[config.arn] = LiveStream(config, last)

    def by_arn(self, arn: str) -> LiveStream | None:
        return self._by_arn.get(arn)

    def all(self) -> list[LiveStream]:
        return list(self._by_arn.values())

    def in_scope(self, scope: str) -> list[LiveStream]:
        """The scope's streams by name."""
        found = [live for live in self._by_arn.values() if live.config.scope == scope]
        return sorted(found, key=lambda live: live.config.name)

    def find(self, scope: str, name: str) -> LiveStream | None:
        account, _, region = scope.partition("/")
        return self._by_arn.get(f"arn:aws:kinesis:{region}:{account}:stream/{name}")

    def resolve(self, scope: str, name: str | None, arn: str | None) -> LiveStream:
        """The stream a request names by StreamARN or StreamName."""
        account = scope.partition("/")[0]
        if arn is not None:
            found = self._by_arn.get(arn)
            if found is None:
                raise stream_not_found(_name_in(arn), _account_in(arn, account))
            return found
        if name is None:
            # the request must name the stream one way or the other (Kinesis API reference, "Note" on each action)
            raise InvalidArgument("Either StreamName or StreamARN must be provided.")
        found = self.find(scope, name)
        if found is None:
            raise stream_not_found(name, account)
        return found

    async def add(self, config: StreamConfig, now: float) -> LiveStream:
        if config.arn in self._by_arn:
            raise _exists(config)
        try:
            await self._put(config, now, expected_revision=0)
        except RevisionMismatch:
            raise _exists(config) from None
        live = LiveStream(config)
        self._by_arn[config.arn] = live
        return live

    async def save(self, live: LiveStream, config: StreamConfig, now: float) -> None:
        live.reconfigure(config)
        await self._put(config, now)

    async def remove(self, live: LiveStream) -> None:
        self._by_arn.pop(live.arn, None)
        await self._documents.delete(STREAM_KIND, live.config.scope, live.config.name)

    async def _put(self, config: StreamConfig, now: float, *, expected_revision: int | None = None) -> None:
        body = json.dumps(config.to_document(), separators=(",", ":"))
        await self._documents.put(
            STREAM_KIND, config.scope, config.name, body, now=now, expected_revision=expected_revision
        )


def _exists(config: StreamConfig) -> ResourceInUse:
    # "Stream <name> under account <account> already exists." (Kinesis CreateStream on an existing name)
    return ResourceInUse(f"Stream {config.name} under account {config.account} already exists.")


def _name_in(arn: str) -> str:
    try:
        resource = parse_arn(arn).resource
    except ValueError:
        return arn
    return resource.partition("/")[2] or resource


def _account_in(arn: str, default: str) -> str:
    try:
        return parse_arn(arn).account or default
    except ValueError:
        return default
