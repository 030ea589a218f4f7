"""Which configurations hear of a change: event names with ``:*`` wildcards and literal key filters (spec §3.1-3.2)."""

from __future__ import annotations

from dataclasses import dataclass

#: every event a Queue/Topic/LambdaFunction configuration may name (spec §3.1); s3:TestEvent is S3's own
EVENT_NAMES = frozenset(
    {
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:ReducedRedundancyLostObject",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:Replication:OperationNotTracked",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
        "s3:ObjectAcl:Put",
    }
)


def event_matches(configured: str, event: str) -> bool:
    """Whether a configured name (``s3:ObjectCreated:*``) covers ``event`` (``ObjectCreated:Put``, no ``s3:``).

    A name ending in ``:*`` covers every sub-type of its family; any other name only itself (§3.1).
    """
    name = configured.removeprefix("s3:")
    if name.endswith(":*"):
        return event.startswith(name[:-1])
    return event == name


def events_intersect(first: str, second: str) -> bool:
    """Whether two configured names can both cover one event (``s3:ObjectCreated:*`` and ``s3:ObjectCreated:Put``)."""
    if first == second:
        return True
    a, b = first.removeprefix("s3:"), second.removeprefix("s3:")
    return (a.endswith(":*") and b.startswith(a[:-1])) or (b.endswith(":*") and a.startswith(b[:-1]))


@dataclass(frozen=True)
class KeyFilter:
    """A configuration's ``Filter.Key``: literal prefix and suffix of the raw key, no wildcards (§3.2)."""

    prefix: str = ""
    suffix: str = ""

    def matches(self, key: str) -> bool:
        return key.startswith(self.prefix) and key.endswith(self.suffix)

    @property
    def empty(self) -> bool:
        return not self.prefix and not self.suffix
