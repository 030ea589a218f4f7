"""The wire shapes of the archive and replay operations (botocore ``events`` model), and the views
that build them from our values. Timestamps are ``datetime``s for the serializer."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from triggerfish.services.events.archive_models import Archive, timestamp
from triggerfish.services.events.replay_models import Replay


class ArchiveChange(TypedDict, total=False):
    """CreateArchive's and UpdateArchive's output."""

    ArchiveArn: str
    State: str
    StateReason: str
    CreationTime: datetime


class ArchiveSummary(TypedDict, total=False):
    """One entry of ListArchives (the ``Archive`` shape)."""

    ArchiveName: str
    EventSourceArn: str
    State: str
    StateReason: str
    RetentionDays: int
    SizeBytes: int
    EventCount: int
    CreationTime: datetime


class ArchiveDescription(ArchiveSummary, total=False):
    """DescribeArchive's output."""

    ArchiveArn: str
    Description: str
    EventPattern: str
    KmsKeyIdentifier: str


class ArchiveList(TypedDict, total=False):
    Archives: list[ArchiveSummary]
    NextToken: str


class ReplayChange(TypedDict, total=False):
    """StartReplay's and CancelReplay's output."""

    ReplayArn: str
    State: str
    StateReason: str
    ReplayStartTime: datetime


class ReplayDestination(TypedDict, total=False):
    Arn: str
    FilterArns: list[str]


class ReplaySummary(TypedDict, total=False):
    """One entry of ListReplays (the ``Replay`` shape)."""

    ReplayName: str
    EventSourceArn: str
    State: str
    StateReason: str
    EventStartTime: datetime
    EventEndTime: datetime
    EventLastReplayedTime: datetime
    ReplayStartTime: datetime
    ReplayEndTime: datetime


class ReplayDescription(ReplaySummary, total=False):
    """DescribeReplay's output."""

    ReplayArn: str
    Description: str
    Destination: ReplayDestination


class ReplayList(TypedDict, total=False):
    Replays: list[ReplaySummary]
    NextToken: str


def archive_change(archive: Archive) -> ArchiveChange:
    return {"ArchiveArn": archive.arn, "State": archive.state.value, "CreationTime": timestamp(archive.created_at)}


def archive_summary(archive: Archive) -> ArchiveSummary:
    shape: ArchiveSummary = {}
    _fill_archive(shape, archive)
    return shape


def _fill_archive(shape: ArchiveSummary, archive: Archive) -> None:
    shape["ArchiveName"] = archive.name
    shape["EventSourceArn"] = archive.event_source_arn
    shape["State"] = archive.state.value
    shape["RetentionDays"] = archive.retention_days
    shape["SizeBytes"] = archive.size_bytes
    shape["EventCount"] = archive.event_count
    shape["CreationTime"] = timestamp(archive.created_at)


def archive_description(archive: Archive) -> ArchiveDescription:
    shape: ArchiveDescription = {"ArchiveArn": archive.arn}
    _fill_archive(shape, archive)
    if archive.description is not None:
        shape["Description"] = archive.description
    if archive.event_pattern is not None:
        shape["EventPattern"] = archive.event_pattern
    if archive.kms_key is not None:
        shape["KmsKeyIdentifier"] = archive.kms_key
    return shape


def replay_summary(replay: Replay) -> ReplaySummary:
    shape: ReplaySummary = {}
    _fill_replay(shape, replay)
    return shape


def _fill_replay(shape: ReplaySummary, replay: Replay) -> None:
    shape["ReplayName"] = replay.name
    shape["EventSourceArn"] = replay.archive_arn
    shape["State"] = replay.state.value
    shape["EventStartTime"] = timestamp(replay.event_start)
    shape["EventEndTime"] = timestamp(replay.event_end)
    shape["ReplayStartTime"] = timestamp(replay.started_at)
    if replay.state_reason is not None:
        shape["StateReason"] = replay.state_reason
    if replay.last_replayed is not None:
        shape["EventLastReplayedTime"] = timestamp(replay.last_replayed)
    if replay.ended_at is not None:
        shape["ReplayEndTime"] = timestamp(replay.ended_at)


def replay_description(replay: Replay) -> ReplayDescription:
    destination: ReplayDestination = {"Arn": replay.destination}
    if replay.filter_arns:
        destination["FilterArns"] = list(replay.filter_arns)
    shape: ReplayDescription = {"ReplayArn": replay.arn}
    _fill_replay(shape, replay)
    shape["Destination"] = destination
    if replay.description is not None:
        shape["Description"] = replay.description
    return shape


def replay_change(replay: Replay) -> ReplayChange:
    shape: ReplayChange = {"ReplayArn": replay.arn, "State": replay.state.value}
    if replay.state_reason is not None:
        shape["StateReason"] = replay.state_reason
    return shape
