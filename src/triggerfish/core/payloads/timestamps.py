"""Timestamps written the way each event source writes them (all UTC, from epoch seconds)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

# English month abbreviations: strftime's %b follows the process locale, AWS's never does.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def epoch_millis(epoch: float) -> int:
    """Whole milliseconds since the epoch (rounded, so ``x.183`` never becomes ``...182``)."""
    return round(epoch * 1000)


def epoch_seconds(epoch: float) -> int:
    """Whole seconds since the epoch, as DynamoDB Streams' ``ApproximateCreationDateTime`` (§7.3)."""
    return math.floor(epoch)


def millis_as_seconds(epoch: float) -> float:
    """Seconds with millisecond precision, as Kinesis' ``approximateArrivalTimestamp`` (§7.2)."""
    return epoch_millis(epoch) / 1000


def iso_millis(epoch: float) -> str:
    """``2019-09-03T19:37:27.192Z``: S3 ``eventTime`` (§3.3) and SNS ``Timestamp`` (§5.2)."""
    millis = epoch_millis(epoch)
    moment = datetime.fromtimestamp(millis // 1000, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis % 1000:03d}Z"


def iso_seconds(epoch: float) -> str:
    """``2017-12-22T18:43:48Z``: the EventBridge envelope's ``time`` has second precision (§4.1)."""
    return f"{datetime.fromtimestamp(math.floor(epoch), tz=UTC):%Y-%m-%dT%H:%M:%S}Z"


def access_log_time(epoch: float) -> str:
    """``09/Apr/2015:12:34:56 +0000``: API Gateway's ``requestTime`` / ``time`` (§6.1, §6.2)."""
    moment = datetime.fromtimestamp(math.floor(epoch), tz=UTC)
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"
