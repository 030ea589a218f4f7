"""CloudWatch Logs: log groups, streams and events (function output included), retention, and
subscription filters that deliver matching events to Lambda."""

from triggerfish.services.logs.service import LogsService

__all__ = ["LogsService"]
