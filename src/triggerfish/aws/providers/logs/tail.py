"""StartLiveTail: a response stream of the log events that arrive in up to ten log groups.

The answer is an AWS event stream (:mod:`triggerfish.aws.protocol.eventstream`): first the
``initial-response`` event every json-protocol event stream starts with (SDKs read the response's
non-stream members from it), then one ``sessionStart``, then ``sessionUpdate`` events — as events
arrive, gathered for :data:`BATCH_DELAY` seconds and sent in slices of at most 500, and an empty one
after each second without any, as Logs does — until the client hangs up or the session reaches
:data:`SESSION_LIMIT` seconds and ends with a ``SessionTimeoutException`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from triggerfish.aws.protocol.eventstream import event_message, exception_message
from triggerfish.aws.protocol.json_codec import dumps
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.logs.identifiers import group_name
from triggerfish.aws.providers.logs.subscriptions import compile_pattern
from triggerfish.core.patterns.logs_filter import LogFilter
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter
from triggerfish.services.logs.models import OutputEvent

Operation = Callable[[Call], Awaitable[Reply]]

#: Live Tail sessions end after three hours (StartLiveTail, Logs API reference)
SESSION_LIMIT = 3 * 3600.0
#: an update, empty if need be, at least this often: "Every second, a LiveTailSessionUpdate object is sent"
UPDATE_INTERVAL = 1.0
#: how long the first event of a burst waits for the rest before they are sent together
BATCH_DELAY = 0.1
#: events per sessionUpdate (LiveTailSessionUpdate, Logs API reference)
MAX_RESULTS = 500
#: events held for a slow reader; beyond it "it starts dropping the oldest events" (StartLiveTail)
BUFFER_LIMIT = 5000
CONTENT_TYPE = "application/vnd.amazon.eventstream"


@dataclass(frozen=True)
class TailRequest:
    region: str
    request_id: str
    #: log group name -> the identifier the client named it by
    groups: Mapping[str, str]
    streams: tuple[str, ...] | None
    prefixes: tuple[str, ...] | None
    pattern: str
    compiled: LogFilter

    def selects(self, event: OutputEvent) -> bool:
        if self.streams is not None and event.stream not in self.streams:
            return False
        if self.prefixes is not None and not event.stream.startswith(self.prefixes):
            return False
        return self.compiled.matches(event.message)


class LiveTailOperations:
    def __init__(self, service: LogsService, *, session_limit: float = SESSION_LIMIT) -> None:
        self._service = service
        self._limit = session_limit

    def table(self) -> dict[str, Operation]:
        return {"StartLiveTail": self.start}

    async def start(self, call: Call) -> Reply:
        request = self._request(call)
        return Reply(headers={"Content-Type": CONTENT_TYPE}, stream=self._session(request))

    def _request(self, call: Call) -> TailRequest:
        p = call.params
        identifiers: list[str] = p["logGroupIdentifiers"]
        streams, prefixes = p.get("logStreamNames"), p.get("logStreamNamePrefixes")
        # StartLiveTail's rules for its parameters (Logs API reference)
        if any(identifier.endswith("*") for identifier in identifiers):
            raise InvalidParameter("A log group ARN in logGroupIdentifiers can't end with an asterisk (*).")
        if streams is not None and prefixes is not None:
            raise InvalidParameter("logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")
        if (streams is not None or prefixes is not None) and len(identifiers) != 1:
            raise InvalidParameter(
                "logStreamNames or logStreamNamePrefixes can be specified only with exactly one log group."
            )
        groups = {group_name(identifier): identifier for identifier in identifiers}
        for name in groups:
            self._service.log_group(call.scope.region, name)  # raises ResourceNotFound
        pattern = p.get("logEventFilterPattern") or ""
        return TailRequest(
            region=call.scope.region,
            request_id=call.request_id,
            groups=groups,
            streams=tuple(streams) if streams is not None else None,
            prefixes=tuple(prefixes) if prefixes is not None else None,
            pattern=pattern,
            compiled=compile_pattern(pattern),
        )

    async def _session(self, request: TailRequest) -> AsyncIterator[bytes]:
        pending: deque[OutputEvent] = deque(maxlen=BUFFER_LIMIT)
        arrived = asyncio.Event()

        def on_batch(batch: Sequence[OutputEvent]) -> None:
            chosen = [event for event in batch if request.selects(event)]
            if chosen:
                pending.extend(chosen)
                arrived.set()

        unsubscribe = self._service.listen(request.region, list(request.groups), on_batch)
        try:
            yield event_message("initial-response", b"{}")
            yield event_message("sessionStart", dumps(_start_document(request)))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self._limit
            while (remaining := deadline - loop.time()) > 0:
                if not pending:
                    arrived.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(arrived.wait(), min(UPDATE_INTERVAL, remaining))
                    if pending:
                        await asyncio.sleep(BATCH_DELAY)
                batch = [pending.popleft() for _ in range(min(len(pending), MAX_RESULTS))]
                yield event_message("sessionUpdate", dumps(_update_document(request, batch)))
            message = f"Session timed out after {self._limit / 3600:g} hours."
            yield exception_message("SessionTimeoutException", dumps({"message": message}))
        finally:
            unsubscribe()


def _start_document(request: TailRequest) -> dict[str, Any]:
    document: dict[str, Any] = {
        "requestId": request.request_id,
        "sessionId": str(uuid.uuid4()),
        "logGroupIdentifiers": list(request.groups.values()),
        "logEventFilterPattern": request.pattern,
    }
    if request.streams is not None:
        document["logStreamNames"] = list(request.streams)
    if request.prefixes is not None:
        document["logStreamNamePrefixes"] = list(request.prefixes)
    return document


def _update_document(request: TailRequest, batch: Sequence[OutputEvent]) -> dict[str, Any]:
    return {
        "sessionMetadata": {"sampled": False},
        "sessionResults": [
            {
                "logStreamName": event.stream,
                "logGroupIdentifier": request.groups.get(event.group, event.group),
                "message": event.message,
                "timestamp": event.timestamp,
                "ingestionTime": event.ingestion,
            }
            for event in batch
        ],
    }
