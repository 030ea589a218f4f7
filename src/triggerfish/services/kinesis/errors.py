"""Kinesis Data Streams' errors, by the names of the botocore model's error shapes.

Kinesis answers every client error with HTTP 400, ``ResourceNotFoundException`` included (Kinesis API
reference, "Common Errors" and each action's errors).
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class KinesisError(ClientError):
    code = "InvalidArgumentException"


class InvalidArgument(KinesisError):
    code = "InvalidArgumentException"


class ResourceNotFound(KinesisError):
    code = "ResourceNotFoundException"


class ResourceInUse(KinesisError):
    code = "ResourceInUseException"


class LimitExceeded(KinesisError):
    code = "LimitExceededException"


class ExpiredIterator(KinesisError):
    code = "ExpiredIteratorException"


class ValidationError(KinesisError):
    code = "ValidationException"


def stream_not_found(name: str, account: str) -> ResourceNotFound:
    # "Stream <name> under account <account> not found." (real Kinesis answers quoted in SDK issues)
    return ResourceNotFound(f"Stream {name} under account {account} not found.")


def shard_not_found(shard_id: str, name: str, account: str) -> ResourceNotFound:
    # worded as Kinesis answers GetShardIterator/GetRecords for a shard the stream lacks
    return ResourceNotFound(f"Shard {shard_id} in stream {name} under account {account} does not exist")
