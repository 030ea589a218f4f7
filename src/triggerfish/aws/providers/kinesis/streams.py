"""Stream operations: create, describe, list, delete, retention, tags, mode, encryption and resharding."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.kinesis.shapes import description, shard_shape, stream_summary, summary, tags_to_wire
from triggerfish.core.scope import scope_key
from triggerfish.services.kinesis import KinesisService
from triggerfish.services.kinesis.models import StreamMode
from triggerfish.services.kinesis.service import DESCRIBE_SHARDS_LIMIT

Operation = Callable[[Call], Awaitable[Reply]]
#: ListTagsForStream answers up to 50 tags a page (botocore model, ListTagsForStreamInputLimit)
TAGS_LIMIT = 50


class StreamOperations:
    def __init__(self, service: KinesisService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateStream": self.create_stream,
            "DeleteStream": self.delete_stream,
            "DescribeStream": self.describe_stream,
            "DescribeStreamSummary": self.describe_stream_summary,
            "ListStreams": self.list_streams,
            "ListShards": self.list_shards,
            "IncreaseStreamRetentionPeriod": self.increase_retention,
            "DecreaseStreamRetentionPeriod": self.decrease_retention,
            "AddTagsToStream": self.add_tags,
            "RemoveTagsFromStream": self.remove_tags,
            "ListTagsForStream": self.list_tags_for_stream,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_tags_for_resource,
            "UpdateStreamMode": self.update_stream_mode,
            "StartStreamEncryption": self.start_encryption,
            "StopStreamEncryption": self.stop_encryption,
            "UpdateShardCount": self.update_shard_count,
        }

    async def create_stream(self, call: Call) -> Reply:
        p = call.params
        mode = (p.get("StreamModeDetails") or {}).get("StreamMode", StreamMode.PROVISIONED.value)
        await self._service.create_stream(
            scope_key(call.scope), p["StreamName"], shard_count=p.get("ShardCount"), mode=mode, tags=p.get("Tags")
        )
        return Reply()

    async def delete_stream(self, call: Call) -> Reply:
        # EnforceConsumerDeletion is accepted: streams have no registered consumers here
        await self._service.delete_stream(scope_key(call.scope), call.params.get("StreamName"), arn=_arn(call))
        return Reply()

    async def describe_stream(self, call: Call) -> Reply:
        p = call.params
        live = self._service.resolve(scope_key(call.scope), p.get("StreamName"), _arn(call))
        shards, more = self._service.shards_page(
            live,
            exclusive_start=p.get("ExclusiveStartShardId"),
            limit=p.get("Limit"),
            default_limit=DESCRIBE_SHARDS_LIMIT,
        )
        return Reply({"StreamDescription": description(live.config, shards, more)})

    async def describe_stream_summary(self, call: Call) -> Reply:
        live = self._service.resolve(scope_key(call.scope), call.params.get("StreamName"), _arn(call))
        return Reply({"StreamDescriptionSummary": summary(live.config)})

    async def list_streams(self, call: Call) -> Reply:
        p = call.params
        configs, more, token = self._service.list_streams(
            scope_key(call.scope),
            limit=p.get("Limit"),
            exclusive_start=p.get("ExclusiveStartStreamName"),
            token=p.get("NextToken"),
        )
        shape: dict[str, object] = {
            "StreamNames": [config.name for config in configs],
            "HasMoreStreams": more,
            "StreamSummaries": [stream_summary(config) for config in configs],
        }
        if token is not None:
            shape["NextToken"] = token
        return Reply(shape)

    async def list_shards(self, call: Call) -> Reply:
        p = call.params
        shard_filter = p.get("ShardFilter") or {}
        _, shards, token = self._service.list_shards(
            scope_key(call.scope),
            name=p.get("StreamName"),
            arn=_arn(call),
            token=p.get("NextToken"),
            exclusive_start=p.get("ExclusiveStartShardId"),
            limit=p.get("MaxResults"),
            filter_type=shard_filter.get("Type"),
            filter_shard=shard_filter.get("ShardId"),
        )
        shape: dict[str, object] = {"Shards": [shard_shape(shard) for shard in shards]}
        if token is not None:
            shape["NextToken"] = token
        return Reply(shape)

    async def increase_retention(self, call: Call) -> Reply:
        return await self._retention(call, "increase")

    async def decrease_retention(self, call: Call) -> Reply:
        return await self._retention(call, "decrease")

    async def _retention(self, call: Call, direction: str) -> Reply:
        p = call.params
        await self._service.set_retention(
            scope_key(call.scope), p.get("StreamName"), p["RetentionPeriodHours"], arn=_arn(call), direction=direction
        )
        return Reply()

    async def add_tags(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag_stream(scope_key(call.scope), p.get("StreamName"), p["Tags"], arn=_arn(call))
        return Reply()

    async def remove_tags(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag_stream(scope_key(call.scope), p.get("StreamName"), p["TagKeys"], arn=_arn(call))
        return Reply()

    async def list_tags_for_stream(self, call: Call) -> Reply:
        p = call.params
        live = self._service.resolve(scope_key(call.scope), p.get("StreamName"), _arn(call))
        start = p.get("ExclusiveStartTagKey")
        keys = sorted(key for key in live.config.tags if start is None or key > start)
        limit = p.get("Limit") or TAGS_LIMIT
        page = {key: live.config.tags[key] for key in keys[:limit]}
        return Reply({"Tags": tags_to_wire(page), "HasMoreTags": len(keys) > limit})

    async def tag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag_stream(scope_key(call.scope), None, p["Tags"], arn=p["ResourceARN"])
        return Reply()

    async def untag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag_stream(scope_key(call.scope), None, p["TagKeys"], arn=p["ResourceARN"])
        return Reply()

    async def list_tags_for_resource(self, call: Call) -> Reply:
        live = self._service.resolve(scope_key(call.scope), None, call.params["ResourceARN"])
        return Reply({"Tags": tags_to_wire(live.config.tags)})

    async def update_stream_mode(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_mode(scope_key(call.scope), p["StreamARN"], p["StreamModeDetails"]["StreamMode"])
        return Reply()

    async def start_encryption(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_encryption(
            scope_key(call.scope), p.get("StreamName"), p["EncryptionType"], p["KeyId"], arn=_arn(call)
        )
        return Reply()

    async def stop_encryption(self, call: Call) -> Reply:
        await self._service.set_encryption(
            scope_key(call.scope), call.params.get("StreamName"), None, None, arn=_arn(call)
        )
        return Reply()

    async def update_shard_count(self, call: Call) -> Reply:
        p = call.params
        target = p["TargetShardCount"]
        # UNIFORM_SCALING is the one scaling type (botocore model, ScalingType)
        current = await self._service.update_shard_count(
            scope_key(call.scope), p.get("StreamName"), target, arn=_arn(call)
        )
        live = self._service.resolve(scope_key(call.scope), p.get("StreamName"), _arn(call))
        return Reply(
            {
                "StreamName": live.config.name,
                "StreamARN": live.arn,
                "CurrentShardCount": current,
                "TargetShardCount": target,
            }
        )


def _arn(call: Call) -> str | None:
    value = call.params.get("StreamARN")
    return None if value is None else str(value)
