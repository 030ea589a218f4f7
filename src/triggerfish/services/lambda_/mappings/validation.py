"""Checks of an event source mapping's settings, with Lambda's codes and messages: those every source
takes, and the SQS ones (spec §2.2). Stream settings are checked in ``stream_validation``."""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.core.errors import InvalidParameterValue, ResourceConflict
from triggerfish.core.patterns.errors import InvalidPattern
from triggerfish.core.patterns.esm import EventSource, FilterCriteria, compile_filter_criteria
from triggerfish.core.queue_port import QueueInfo
from triggerfish.services.lambda_.mappings import stream_validation
from triggerfish.services.lambda_.mappings.models import REPORT_BATCH_ITEM_FAILURES, EventSourceMapping
from triggerfish.services.lambda_.mappings.sources import is_stream
from triggerfish.services.lambda_.validation import check_range, constraint

MAX_BATCH_SIZE = 10_000
MAX_FIFO_BATCH_SIZE = 10
MAX_UNWINDOWED_BATCH_SIZE = 10
MAX_BATCHING_WINDOW = 300
MAX_PATTERN_LENGTH = 4096


def check_batch_size(value: int) -> None:
    check_range(value, "batchSize", 1, MAX_BATCH_SIZE)


def check_batching_window(value: int) -> None:
    check_range(value, "maximumBatchingWindowInSeconds", 0, MAX_BATCHING_WINDOW)


def check_maximum_concurrency(value: int) -> None:
    # ScalingConfig.MaximumConcurrency: 2-1,000 (botocore model, spec §2.2)
    check_range(value, "scalingConfig.maximumConcurrency", 2, 1000)


def check_response_types(types: Sequence[str]) -> None:
    if len(types) > 1:
        raise constraint(list(types), "functionResponseTypes", "Member must have length less than or equal to 1")
    for value in types:
        if value != REPORT_BATCH_ITEM_FAILURES:
            raise constraint(
                value, "functionResponseTypes", f"Member must satisfy enum value set: [{REPORT_BATCH_ITEM_FAILURES}]"
            )


def compile_filters(patterns: Sequence[str] | None, source: EventSource = EventSource.SQS) -> FilterCriteria:
    """The mapping's filters for records of ``source``; a pattern Lambda rejects raises its one message for
    them (spec §2.2, §7.1)."""
    for pattern in patterns or ():
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise constraint(
                pattern, "filterCriteria.filters.member.pattern", "Member must have length less than or equal to 4096"
            )
    try:
        return compile_filter_criteria(source, patterns or ())
    except InvalidPattern as exc:
        raise InvalidParameterValue(exc.message) from None


def check_mapping(mapping: EventSourceMapping, source: EventSource) -> None:
    """The settings every source takes, then the stream ones (for create and update alike)."""
    check_batch_size(mapping.batch_size)
    check_batching_window(mapping.maximum_batching_window)
    check_response_types(mapping.function_response_types)
    if mapping.maximum_concurrency is not None:
        check_maximum_concurrency(mapping.maximum_concurrency)
    compile_filters(mapping.filter_patterns, source)
    if is_stream(source):
        stream_validation.check_stream_settings(mapping)
        stream_validation.check_on_failure(mapping.on_failure_destination)


def check_batching(queue: QueueInfo, batch_size: int, window: int) -> None:
    if queue.fifo:
        # FIFO queues take batches of at most 10 and no batching window (spec §2.2).
        if window > 0:
            raise InvalidParameterValue("Batching window is not supported for FIFO queues")
        if batch_size > MAX_FIFO_BATCH_SIZE:
            raise InvalidParameterValue("Maximum batch size must be between 1 and 10 inclusive")
    elif batch_size > MAX_UNWINDOWED_BATCH_SIZE and window < 1:
        # A batch larger than 10 needs a batching window of at least one second (observed, spec §2.2).
        raise InvalidParameterValue(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
        )


def check_visibility(queue: QueueInfo, function_timeout: int) -> None:
    # Lambda refuses a queue whose messages would reappear while the function still runs.
    if queue.visibility_timeout < function_timeout:
        raise InvalidParameterValue(
            f"Queue visibility timeout: {queue.visibility_timeout} seconds is less than Function timeout: "
            f"{function_timeout} seconds"
        )


def missing_queue() -> InvalidParameterValue:
    # What Lambda answers for a queue that does not exist (observed, spec §2.2).
    return InvalidParameterValue(
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
        "SQS Error Message: The specified queue does not exist."
    )


def duplicate(queue_arn: str, function_name: str, uuid: str) -> ResourceConflict:
    # The observed message quotes the ARN and the function name with inner spaces (spec §2.2).
    return ResourceConflict(
        f'An event source mapping with SQS arn (" {queue_arn} ") and function (" {function_name} ") already '
        f"exists. Please update or delete the existing mapping with UUID {uuid}"
    )
