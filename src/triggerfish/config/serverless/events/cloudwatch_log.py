"""``cloudwatchLog`` events: an ``AWS::Logs::SubscriptionFilter`` per event that sends a log group's events to the
function, and one ``AWS::Lambda::Permission`` per function that lets CloudWatch Logs invoke it.

Follows the Serverless Framework v3 (``package/compile/events/cloud-watch-log.js``): the filter is
``<Function>LogsSubscriptionFilterCloudWatchLog<n>`` (n counts the function's ``cloudwatchLog`` events from 1) and
depends on the permission ``<Function>LambdaPermissionLogsSubscriptionFilterCloudWatchLog``, whose ``SourceArn``
covers every log group the function has subscribed to so far (their longest common prefix, then ``*`` when there
are several); ``FilterPattern`` defaults to ``""`` (every event). At most two events may name one log group.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent

#: CloudWatch Logs allows two subscription filters per log group (the framework checks it across the service)
FILTERS_PER_LOG_GROUP = 2
#: a log group name as the CloudWatch Logs API accepts it: 1 to 512 of ``.-_/#``, letters and digits
_LOG_GROUP_NAME = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
_NEWLINES = re.compile(r"\r?\n")
_ESCAPED = re.compile(r"\\([\"\\'])")


def compile_cloudwatch_log(event: FunctionEvent, value: Any) -> None:
    group, pattern = _settings(event, value)
    counts: dict[str, int] = event.stack.shared.setdefault("cloudwatchLog", {})
    counts[group] = counts.get(group, 0) + 1
    if counts[group] > FILTERS_PER_LOG_GROUP:
        raise event.error(
            f"Only {FILTERS_PER_LOG_GROUP} subscription filters can be configured per log group. You're attempting"
            f' to configure more subscription filters than allowed for "{group}".'
        )
    groups: dict[str, list[str]] = event.stack.shared.setdefault("cloudwatchLogGroups", {})
    function_groups = groups.setdefault(event.function_key, [])
    function_groups.append(group)
    index = event.stack.next_index(event.function_key, "cloudwatchLog")
    function = naming.normalize_function_name(event.function_key)
    permission_id = f"{function}LambdaPermissionLogsSubscriptionFilterCloudWatchLog"
    event.stack.add(
        f"{function}LogsSubscriptionFilterCloudWatchLog{index}",
        {
            "Type": "AWS::Logs::SubscriptionFilter",
            "DependsOn": [permission_id],
            "Properties": {"LogGroupName": group, "FilterPattern": pattern, "DestinationArn": event.target},
        },
    )
    # one permission per function, rewritten by each event so that its SourceArn covers every group so far
    event.stack.add(
        permission_id,
        {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": event.target,
                "Action": "lambda:InvokeFunction",
                "Principal": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]},
                "SourceArn": {"Fn::Join": ["", [*_ARN_START, _common_prefix(function_groups), ":*"]]},
            },
        },
    )


_ARN_START = (
    "arn:",
    {"Ref": "AWS::Partition"},
    ":logs:",
    {"Ref": "AWS::Region"},
    ":",
    {"Ref": "AWS::AccountId"},
    ":log-group:",
)


def _settings(event: FunctionEvent, value: Any) -> tuple[str, str]:
    """The log group and the filter pattern, newlines removed, as the framework reads them."""
    if isinstance(value, Mapping):
        group, pattern = value.get("logGroup"), value.get("filter")
        if group is None:
            raise event.error("missing 'logGroup' (the name of the log group to subscribe to)", "logGroup")
        if pattern is not None and not isinstance(pattern, str):
            raise event.error(f"must be a string (a filter pattern), not {type(pattern).__name__}", "filter")
    elif isinstance(value, str):
        group, pattern = value, None
    else:
        raise event.error(f"must be a log group name or an object with 'logGroup', not {type(value).__name__}")
    if not isinstance(group, str):
        raise event.error(f"must be a string (a log group name), not {type(group).__name__}", "logGroup")
    group = _NEWLINES.sub("", group)
    if not _LOG_GROUP_NAME.fullmatch(group):
        raise event.error(
            f"'{group}' is not a log group name (1 to 512 letters, digits and '.-_/#')",
            "logGroup" if isinstance(value, Mapping) else None,
        )
    return group, _unescape(_NEWLINES.sub("", pattern or ""))


def _unescape(pattern: str) -> str:
    """Quotes written escaped (``\\"ERROR\\"``) are unescaped once, when a backslash comes before the first quote."""
    slash, quote = pattern.find("\\"), pattern.find('"')
    if slash >= 0 and quote > slash:
        return _ESCAPED.sub(r"\1", pattern)
    return pattern


def _common_prefix(groups: list[str]) -> str:
    """The groups' longest common prefix; with several groups it ends in ``*`` (a wildcard in the ARN)."""
    common = groups[0]
    for group in groups[1:]:
        length = 0
        while length < min(len(common), len(group)) and common[length] == group[length]:
            length += 1
        common = common[:length]
    if len(groups) > 1 and not common.endswith("*"):
        common += "*"
    return common
