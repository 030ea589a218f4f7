"""Kinesis Data Streams: streams, shards and records behind the AWS endpoint, and the stream source
Lambda's event source mappings consume (spec §7)."""

from triggerfish.services.kinesis.service import KinesisService

__all__ = ["KinesisService"]
