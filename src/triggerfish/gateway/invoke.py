"""Calling the integration's function, within the integration's timeout.

An integration that times out answers the client, but the invocation itself runs on to its end (API
Gateway never cancels or retries Lambda, spec §6.4). With ``on_timeout`` the request's own task awaits
the invocation and the timeout answer goes out from a timer (no task per request on the hot path);
without it the invocation runs in a task of its own that the caller stops waiting for. Either way
nothing ever cancels the invocation, neither the deadline nor a client going away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.errors import TriggerfishError
from triggerfish.gateway.ports import Functions
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

OnTimeout = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Completed:
    result: InvokeResult


@dataclass(frozen=True, slots=True)
class Rejected:
    """Invoke refused the call (throttled, no such function, payload too large, ...)."""

    error: TriggerfishError


@dataclass(frozen=True, slots=True)
class TimedOut:
    pass


Outcome = Completed | Rejected | TimedOut


def scope_of(account: str, region: str, defaults: Scope) -> Scope:
    """Where an API's or URL's functions run: its own account and region, else the gateway's defaults."""
    return Scope(account or defaults.account, region or defaults.region)


async def invoke(
    functions: Functions,
    arn: str,
    payload: bytes,
    scope: Scope,
    *,
    timeout: float | None,
    clock: Clock,
    on_timeout: OnTimeout | None = None,
) -> Outcome:
    """Invoke ``arn`` synchronously; with ``timeout`` (seconds), the outcome is :class:`TimedOut` once it
    passes. ``on_timeout`` answers the client at that moment; this call then returns when the invocation
    is over. Without it, this call returns at the deadline and the invocation finishes unobserved."""
    if timeout is None:
        return await _outcome(functions, arn, payload, scope)
    if on_timeout is None:
        return await _abandoned_at_deadline(functions, arn, payload, scope, timeout, clock)
    loop = asyncio.get_running_loop()
    expired: list[asyncio.Task[None]] = []

    def expire() -> None:
        expired.append(loop.create_task(on_timeout()))

    timer = _timer(loop, clock, timeout, expire)
    try:
        outcome = await _outcome(functions, arn, payload, scope)
    finally:
        timer.cancel()
    return TimedOut() if expired else outcome


async def _outcome(functions: Functions, arn: str, payload: bytes, scope: Scope) -> Outcome:
    try:
        return Completed(await functions.invoke(arn, payload, scope=scope))
    except TriggerfishError as error:
        return Rejected(error)


async def _abandoned_at_deadline(
    functions: Functions, arn: str, payload: bytes, scope: Scope, timeout: float, clock: Clock
) -> Outcome:
    task = asyncio.ensure_future(functions.invoke(arn, payload, scope=scope))
    task.add_done_callback(_observe)
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(wake)
    timer = _timer(loop, clock, timeout, wake)
    try:
        await waiter
    finally:
        timer.cancel()
    if not task.done():
        return TimedOut()
    failure = task.exception()
    if failure is None:
        return Completed(task.result())
    if isinstance(failure, TriggerfishError):
        return Rejected(failure)
    raise failure


def _timer(
    loop: asyncio.AbstractEventLoop, clock: Clock, timeout: float, expire: Callable[[], None]
) -> asyncio.TimerHandle | asyncio.Task[None]:
    if clock.is_virtual:

        async def at_deadline() -> None:
            await clock.sleep_until(clock.now() + timeout)
            expire()

        return loop.create_task(at_deadline())
    # the system clock's sleep is the loop's own timer: a timer handle, not a task per request
    return loop.call_later(timeout, expire)


def _observe(task: asyncio.Future[InvokeResult]) -> None:
    """Retrieve the outcome of an invocation nobody waits for any more, so a failure is logged, not lost."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, TriggerfishError):
        log.error("an invocation behind the gateway failed", exc_info=error)
