"""Event compilers by event type: ``functions.<name>.events[i].<type>`` -> CloudFormation resources.

Supporting a new event type is one module with a compiler and one line in ``EVENT_COMPILERS``; every
type not listed is skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from triggerfish.config.serverless.events.cloudwatch_log import compile_cloudwatch_log
from triggerfish.config.serverless.events.context import EventCompiler, FunctionEvent, StackBuilder
from triggerfish.config.serverless.events.event_bridge import compile_event_bridge
from triggerfish.config.serverless.events.http import compile_http
from triggerfish.config.serverless.events.http_api import compile_http_api
from triggerfish.config.serverless.events.s3 import compile_s3
from triggerfish.config.serverless.events.schedule import compile_schedule
from triggerfish.config.serverless.events.sns import compile_sns
from triggerfish.config.serverless.events.sqs import compile_sqs
from triggerfish.config.serverless.events.stream import compile_stream

__all__ = ["EVENT_COMPILERS", "EventCompiler", "FunctionEvent", "StackBuilder", "compile_event"]

EVENT_COMPILERS: Mapping[str, EventCompiler] = MappingProxyType(
    {
        "sqs": compile_sqs,
        "stream": compile_stream,
        "schedule": compile_schedule,
        "sns": compile_sns,
        "s3": compile_s3,
        "eventBridge": compile_event_bridge,
        "http": compile_http,
        "httpApi": compile_http_api,
        "cloudwatchLog": compile_cloudwatch_log,
    }
)


def compile_event(event: FunctionEvent, value: Any) -> None:
    """Add the resources for one event, or a warning when its type is not supported."""
    compiler = EVENT_COMPILERS.get(event.type)
    if compiler is None:
        event.warn(f"'{event.type}' events are not supported yet; skipped")
        return
    compiler(event, value)
