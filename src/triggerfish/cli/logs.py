"""``triggerfish logs``: print a running app's function logs from its AWS endpoint, and follow them.

The events come from the endpoint's CloudWatch Logs API, group ``/aws/lambda/<function>``, as the aws
CLI reads them (FilterLogEvents, interleaved). ``--follow`` keeps asking from the newest event seen;
triggerfish's endpoint recognises that loop and answers with a long poll, so new lines appear within
moments (see ``triggerfish.aws.providers.logs.follow``); against anything else it asks every second.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from triggerfish.cli.logview import RESET, use_colour
from triggerfish.cli.output import err, fail
from triggerfish.cli.remote import add_endpoint_option

GROUP_PREFIX = "/aws/lambda/"
#: how often a follower without a live answer asks again, and how often new log groups are looked for
_RETRY = 1.0
_PALETTE = ("36", "35", "33", "32", "34", "96", "95", "93", "92", "94")
_RELATIVE = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "function",
        nargs="?",
        default=None,
        help="a function of the running app (its name or short name; default: every function)",
    )
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new events until Ctrl-C")
    parser.add_argument(
        "--since",
        default="10m",
        help="how far back to start: 30s, 10m, 2h, 1d, 1w, or an ISO 8601 time (default 10m)",
    )
    parser.add_argument("--filter", default=None, metavar="PATTERN", help="a CloudWatch Logs filter pattern")
    add_endpoint_option(parser)
    parser.add_argument("--region", default=None, help="the functions' region (default us-east-1)")
    parser.set_defaults(run=run)


class Unreachable(Exception):
    """Nothing answers at the endpoint."""


def run(args: argparse.Namespace) -> int:
    try:
        start = parse_since(args.since)
    except ValueError as exc:
        return fail(str(exc))
    client = _client(args.endpoint, args.region or "us-east-1")
    printer = Printer(sys.stdout)
    try:
        if args.follow:
            return _follow(client, args.function, start, args.filter, printer)
        return _print_once(client, args.function, start, args.filter, printer)
    except Unreachable as exc:
        return fail(f"no app answers at {args.endpoint} ({exc}); is `triggerfish up` running?")
    except _Failed as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 0


def parse_since(text: str, now: datetime | None = None) -> int:
    """``--since`` as epoch milliseconds: a relative ``<n><s|m|h|d|w>`` or an ISO 8601 time."""
    now = now or datetime.now(UTC)
    if match := _RELATIVE.match(text.strip()):
        moment = now - timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"--since {text!r}: give 30s, 10m, 2h, 1d, 1w or an ISO 8601 time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class Event:
    group: str
    stream: str
    timestamp: int
    message: str
    event_id: str

    @property
    def function(self) -> str:
        return self.group.removeprefix(GROUP_PREFIX)


class Printer:
    """Events as ``<function> │ <time> <stream> <message>``; one colour per function on a terminal."""

    def __init__(self, stream: TextIO, *, colour: bool | None = None) -> None:
        self._stream = stream
        self._colour = use_colour(stream) if colour is None else colour
        self._colours: dict[str, str] = {}
        self._width = 0
        self._lock = threading.Lock()

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}{RESET}" if self._colour else text

    def show(self, events: Iterable[Event]) -> None:
        with self._lock:
            for event in events:
                self._stream.write(self._format(event))
            self._stream.flush()

    def _format(self, event: Event) -> str:
        name = event.function
        code = self._colours.setdefault(name, _PALETTE[len(self._colours) % len(_PALETTE)])
        self._width = max(self._width, len(name))
        moment = datetime.fromtimestamp(event.timestamp / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        prefix = f"{self._paint(name.ljust(self._width), code)} │ {moment} {self._paint(event.stream, '2')} "
        # the runtime turns newlines inside one log record into carriage returns
        lines = event.message.replace("\r", "\n").rstrip("\n").split("\n")
        return "".join(f"{prefix}{line.rstrip()}\n" for line in lines)


class _Failed(Exception):
    pass


def _client(endpoint: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "logs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        # a follower's request is held up to 10 s by the endpoint's long poll
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60, connect_timeout=5),
    )


def _call(operation: Callable[..., Any], **kwargs: Any) -> Any:
    """One API call, its failures turned into the CLI's errors."""
    from botocore.exceptions import ClientError, EndpointConnectionError, HTTPClientError

    try:
        return operation(**kwargs)
    except EndpointConnectionError as exc:
        raise Unreachable(str(exc.kwargs.get("error", exc))) from None
    except HTTPClientError as exc:
        raise Unreachable(str(exc.kwargs.get("error", exc))) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise _Failed(f"{error.get('Code', 'Error')}: {error.get('Message', '')}") from None


def _groups(client: Any) -> list[str]:
    names: list[str] = []
    token: str | None = None
    while True:
        page = _call(client.describe_log_groups, logGroupNamePrefix=GROUP_PREFIX, **_token(token))
        names.extend(group["logGroupName"] for group in page.get("logGroups", []))
        token = page.get("nextToken")
        if not token:
            return names


def _token(token: str | None) -> dict[str, str]:
    return {"nextToken": token} if token else {}


def choose_groups(names: Sequence[str], function: str | None) -> list[str]:
    """The groups to print: every function's, or the one of ``function`` (its full name, or a short name
    as in serverless.yml: ``hello`` finds ``my-service-dev-hello``). Raises ``_Failed`` if ambiguous."""
    if function is None:
        return list(names)
    exact = f"{GROUP_PREFIX}{function}"
    if exact in names:
        return [exact]
    matches = [
        name for name in names if name.removeprefix(GROUP_PREFIX).endswith(f"-{function}") or f"-{function}-" in name
    ]
    if len(matches) > 1:
        raise _Failed(f"{function!r} is ambiguous: {', '.join(m.removeprefix(GROUP_PREFIX) for m in matches)}")
    return matches


def _print_once(client: Any, function: str | None, start: int, pattern: str | None, printer: Printer) -> int:
    groups = choose_groups(_groups(client), function)
    if not groups:
        if function is None:
            return 0
        return fail(f"no logs for {function!r} yet (no log group {GROUP_PREFIX}{function})")
    events: list[Event] = []
    for group in groups:
        token: str | None = None
        while True:
            page = _call(client.filter_log_events, **_query(group, start, pattern), **_token(token))
            events.extend(_events(group, page))
            token = page.get("nextToken")
            if not token:
                break
    events.sort(key=lambda event: event.timestamp)
    printer.show(events)
    return 0


def _query(group: str, start: int, pattern: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"logGroupName": group, "interleaved": True, "startTime": start}
    if pattern:
        query["filterPattern"] = pattern
    return query


def _events(group: str, page: dict[str, Any]) -> list[Event]:
    return [
        Event(group, item["logStreamName"], item["timestamp"], item["message"], item["eventId"])
        for item in page.get("events", [])
    ]


def _follow(client: Any, function: str | None, start: int, pattern: str | None, printer: Printer) -> int:
    followers: dict[str, Follower] = {}
    waiting = True
    while True:
        groups = choose_groups(_groups(client), function)
        if waiting and function is not None and not groups:
            err(f"triggerfish: no logs for {function!r} yet; waiting for them")
        waiting = False
        for group in groups:
            if group not in followers:
                followers[group] = Follower(client, group, start, pattern, printer)
                followers[group].start()
        for follower in followers.values():
            if follower.error is not None:
                raise follower.error
        time.sleep(_RETRY)


class Follower(threading.Thread):
    """Follows one group as ``aws logs tail --follow`` does: from the newest timestamp seen, skipping
    events already printed."""

    def __init__(self, client: Any, group: str, start: int, pattern: str | None, printer: Printer) -> None:
        super().__init__(name=f"follow {group}", daemon=True)
        self._client = client
        self._group = group
        self._query = _query(group, start, pattern)
        self._printer = printer
        self._seen: dict[int, set[str]] = {}
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            while True:
                self._once()
        except Exception as exc:  # handed to the main thread, which reports it
            self.error = exc

    def _once(self) -> None:
        page = _call(self._client.filter_log_events, **self._query)
        fresh = [event for event in _events(self._group, page) if self._first_sight(event)]
        self._printer.show(fresh)
        if self._seen:
            newest = max(self._seen)
            self._seen = {newest: self._seen[newest]}
        if token := page.get("nextToken"):
            self._query["nextToken"] = token
            return
        self._query.pop("nextToken", None)
        if self._seen:
            self._query["startTime"] = max(self._seen)
        time.sleep(_RETRY)

    def _first_sight(self, event: Event) -> bool:
        ids = self._seen.setdefault(event.timestamp, set())
        if event.event_id in ids:
            return False
        ids.add(event.event_id)
        return True
