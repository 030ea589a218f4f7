"""Lambda event source mappings on change streams (Kinesis, DynamoDB Streams; spec §7.1)."""

from triggerfish.services.lambda_.mappings.streams.checkpoints import forget_checkpoints
from triggerfish.services.lambda_.mappings.streams.poller import StreamPoller

__all__ = ["StreamPoller", "forget_checkpoints"]
