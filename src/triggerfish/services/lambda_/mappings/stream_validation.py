"""Checks of a stream mapping's settings (Kinesis, DynamoDB Streams), and of settings given to the wrong
kind of source, with Lambda's codes and messages (spec §7.1)."""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.core.errors import InvalidParameterValue, ResourceConflict
from triggerfish.core.patterns.esm import EventSource
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.sources import service_of
from triggerfish.services.lambda_.validation import check_range, constraint

TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
AT_TIMESTAMP = "AT_TIMESTAMP"
#: in the order Lambda's message lists them (observed)
STARTING_POSITIONS = (LATEST, AT_TIMESTAMP, TRIM_HORIZON)
MAX_PARALLELIZATION_FACTOR = 10
MAX_RETRY_ATTEMPTS = 10_000
MIN_RECORD_AGE = 60
MAX_RECORD_AGE = 604_800  # one week
MAX_TUMBLING_WINDOW = 900
#: services an OnFailure destination of a stream mapping may name (DestinationConfig, botocore model)
FAILURE_DESTINATIONS = frozenset({"sqs", "sns", "s3"})
#: stream-only settings by the member name Lambda's messages use
STREAM_MEMBERS = {
    "starting_position_timestamp": "startingPositionTimestamp",
    "parallelization_factor": "parallelizationFactor",
    "bisect_batch_on_function_error": "bisectBatchOnFunctionError",
    "maximum_retry_attempts": "maximumRetryAttempts",
    "maximum_record_age": "maximumRecordAgeInSeconds",
    "tumbling_window": "tumblingWindowInSeconds",
}


def check_starting_position(source: EventSource, arn: str, position: str | None, timestamp: float | None) -> None:
    """A stream needs a starting position; AT_TIMESTAMP, and only it, takes a timestamp (spec §7.1)."""
    if position is None:
        # observed: InvalidParameterValueException worded as a model validation error
        raise InvalidParameterValue(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
            "Member must not be null."
        )
    if position not in STARTING_POSITIONS:
        raise constraint(
            position, "startingPosition", f"Member must satisfy enum value set: [{', '.join(STARTING_POSITIONS)}]"
        )
    if position == AT_TIMESTAMP and source is EventSource.DYNAMODB:
        # DynamoDB Streams have no AT_TIMESTAMP iterator for Lambda (observed message)
        raise InvalidParameterValue(f"Unsupported starting position for arn type: {arn}")
    if timestamp is not None and position != AT_TIMESTAMP:
        raise InvalidParameterValue("Timestamp only valid with StartingPosition AT_TIMESTAMP")
    if position == AT_TIMESTAMP and timestamp is None:
        raise InvalidParameterValue("Need to specify a timestamp")


def check_starting_timestamp(timestamp: float | None, now: float) -> None:
    if timestamp is None:
        return
    if timestamp < 0:
        # what Lambda answers for a negative epoch (observed)
        raise InvalidParameterValue(
            "Received Exception while reading from provided stream. class java.lang.Long can not be converted to a "
            "Timestamp"
        )
    if timestamp > now:
        # a stream cannot be read from a time that has not come yet (spec §7.1)
        raise InvalidParameterValue("StartingPositionTimestamp cannot be in the future.")


def check_stream_settings(mapping: EventSourceMapping) -> None:
    """The ranges of the stream-only settings (botocore model; record age as Lambda checks it)."""
    check_range(mapping.parallelization_factor, "parallelizationFactor", 1, MAX_PARALLELIZATION_FACTOR)
    check_range(mapping.maximum_retry_attempts, "maximumRetryAttempts", -1, MAX_RETRY_ATTEMPTS)
    check_range(mapping.maximum_record_age, "maximumRecordAgeInSeconds", -1, MAX_RECORD_AGE)
    if mapping.maximum_record_age != -1 and mapping.maximum_record_age < MIN_RECORD_AGE:
        # the model allows 0-59; the service does not (observed message)
        raise InvalidParameterValue(
            "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)"
        )
    check_range(mapping.tumbling_window, "tumblingWindowInSeconds", 0, MAX_TUMBLING_WINDOW)


def check_on_failure(destination: str | None) -> None:
    # a stream mapping sends its failure records to a queue, a topic or a bucket (spec §7.1)
    if destination is not None and service_of(destination) not in FAILURE_DESTINATIONS:
        raise InvalidParameterValue(f"The destination ARN {destination} is invalid.")


def unsupported_destination() -> InvalidParameterValue:
    # OnSuccess is never supported for event source mappings, nor a DestinationConfig for queues (botocore model)
    return InvalidParameterValue("Unsupported DestinationConfig parameter for given event source mapping type.")


def refuse_for_queue(given: Mapping[str, object]) -> None:
    """Stream-only settings given for a queue; ``given`` maps keyword names to values (``None``: not given)."""
    if given.get("starting_position") is not None:
        raise InvalidParameterValue("StartingPosition is not valid for SQS event sources.")  # observed
    for keyword, member in STREAM_MEMBERS.items():
        if given.get(keyword) is not None:
            raise unsupported(member)
    if given.get("on_failure_destination") is not None:
        raise unsupported_destination()


def refuse_for_stream(maximum_concurrency: int | None) -> None:
    # ScalingConfig.MaximumConcurrency is for SQS sources only (botocore model)
    if maximum_concurrency is not None:
        raise unsupported("scalingConfig")


def unsupported(member: str) -> InvalidParameterValue:
    # Lambda's answer to a setting the kind of source does not take (observed wording)
    return InvalidParameterValue(f"Unsupported '{member}' parameter for given event source mapping type.")


def missing_stream(arn: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Stream not found: {arn}")  # observed, Kinesis and DynamoDB alike


def duplicate(stream_arn: str, function_name: str, uuid: str) -> ResourceConflict:
    # streams word the conflict differently from queues (observed, spec §7.1)
    return ResourceConflict(
        f'The event source arn (" {stream_arn} ") and function (" {function_name} ") provided mapping already '
        f"exists. Please update or delete the existing mapping with UUID {uuid}"
    )
