"""Event operations: PutLogEvents, GetLogEvents and FilterLogEvents (with the follow mode of
:mod:`triggerfish.aws.providers.logs.follow`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.logs.follow import FollowSessions, LivePoll, Selection, decode_live, is_live
from triggerfish.aws.providers.logs.identifiers import group_of
from triggerfish.aws.providers.logs.shapes import filtered_event_shape, output_event_shape
from triggerfish.core.patterns.logs_filter import InvalidFilterPattern, compile_filter_pattern
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter
from triggerfish.services.logs.models import OutputEvent, RejectedInfo

Operation = Callable[[Call], Awaitable[Reply]]


class EventOperations:
    def __init__(self, service: LogsService, sessions: FollowSessions, live: LivePoll) -> None:
        self._service = service
        self._sessions = sessions
        self._live = live
        self._sequence = 0

    def table(self) -> dict[str, Operation]:
        return {
            "PutLogEvents": self.put,
            "GetLogEvents": self.get,
            "FilterLogEvents": self.filter,
        }

    async def put(self, call: Call) -> Reply:
        p = call.params
        events = [(event["timestamp"], event["message"]) for event in p["logEvents"]]
        rejected = await self._service.put_log_events(call.scope.region, p["logGroupName"], p["logStreamName"], events)
        # sequence tokens are ignored since January 2023, but the answer still carries one
        # (PutLogEvents, Logs API reference)
        self._sequence += 1
        result: dict[str, Any] = {"nextSequenceToken": str(self._sequence).zfill(56)}
        if rejected is not None:
            result["rejectedLogEventsInfo"] = _rejected_shape(rejected)
        return Reply(result)

    async def get(self, call: Call) -> Reply:
        p = call.params
        events, forward, backward = self._service.get_log_events(
            call.scope.region,
            group_of(p),
            p["logStreamName"],
            start=p.get("startTime"),
            end=p.get("endTime"),
            start_from_head=bool(p.get("startFromHead", False)),
            limit=p.get("limit"),
            token=p.get("nextToken"),
        )
        return Reply(
            {
                "events": [output_event_shape(event) for event in events],
                "nextForwardToken": forward,
                "nextBackwardToken": backward,
            }
        )

    async def filter(self, call: Call) -> Reply:
        p = call.params
        selection = _selection(call.scope.region, p)
        start, end, limit, token = p.get("startTime"), p.get("endTime"), p.get("limit"), p.get("nextToken")
        if token is not None and is_live(token):
            events, live = await self._live.poll(selection, decode_live(token), start, end, limit)
            return _answer(events, [], live.encode())
        chain = None
        if p.get("interleaved") and end is None:
            if token is None:
                position = self._service.latest_position(selection.region, selection.group)
                chain = self._sessions.begin(selection, start, position)
            else:
                chain = self._sessions.resume(token, selection)
        page = selection.page(self._service, start=start, end=end, limit=limit, token=token)
        next_token = page.next_token
        if chain is not None:
            next_token = self._sessions.answered(chain, page.events, page.next_token)
        return _answer(page.events, page.searched_streams, next_token)


def _selection(region: str, p: Mapping[str, Any]) -> Selection:
    streams, prefix = p.get("logStreamNames"), p.get("logStreamNamePrefix")
    pattern = p.get("filterPattern") or ""
    try:
        compile_filter_pattern(pattern)
    except InvalidFilterPattern:
        # FilterLogEvents answers a pattern it cannot parse with this message (observed, SDK issue reports)
        raise InvalidParameter("Invalid filter pattern") from None
    return Selection(region, group_of(p), pattern, tuple(streams) if streams is not None else None, prefix)


def _answer(events: Sequence[OutputEvent], searched: Sequence[str], token: str | None) -> Reply:
    result: dict[str, Any] = {
        "events": [filtered_event_shape(event) for event in events],
        "searchedLogStreams": [{"logStreamName": name, "searchedCompletely": True} for name in searched],
    }
    if token is not None:
        result["nextToken"] = token
    return Reply(result)


def _rejected_shape(rejected: RejectedInfo) -> dict[str, int]:
    shape: dict[str, int] = {}
    if rejected.too_new_start is not None:
        shape["tooNewLogEventStartIndex"] = rejected.too_new_start
    if rejected.too_old_end is not None:
        shape["tooOldLogEventEndIndex"] = rejected.too_old_end
    if rejected.expired_end is not None:
        shape["expiredLogEventEndIndex"] = rejected.expired_end
    return shape
