"""Lambda event source mappings for SQS queues (spec §2.2) and for Kinesis and DynamoDB streams (spec §7):
API, pollers, batching, results."""

from triggerfish.services.lambda_.mappings.functions import FunctionPort, LambdaFunctions
from triggerfish.services.lambda_.mappings.manager import EventSourceMappings
from triggerfish.services.lambda_.mappings.models import EventSourceMapping, MappingState
from triggerfish.services.lambda_.mappings.scaling import ScalingPolicy
from triggerfish.services.lambda_.mappings.sources import MappingPoller, StreamRunner

__all__ = [
    "EventSourceMapping",
    "EventSourceMappings",
    "FunctionPort",
    "LambdaFunctions",
    "MappingPoller",
    "MappingState",
    "ScalingPolicy",
    "StreamRunner",
]
