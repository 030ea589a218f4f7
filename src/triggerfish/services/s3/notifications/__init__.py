"""S3 event notifications: validating a bucket's NotificationConfiguration and telling its destinations
about object changes (spec §3)."""

from __future__ import annotations

from triggerfish.services.s3.notifications.config import normalise, probed_destinations, targets
from triggerfish.services.s3.notifications.notifier import Notifier

__all__ = ["Notifier", "normalise", "probed_destinations", "targets"]
