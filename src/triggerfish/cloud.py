"""``triggerfish.local()``: an in-process cloud for tests and scripts.

The cloud's event loop runs in a background thread; every method here is a plain blocking call.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson

from triggerfish.app import App, Settings
from triggerfish.config.deploy.engine import DeployReport
from triggerfish.config.loader import load_definition
from triggerfish.core.clock import VirtualClock
from triggerfish.core.ids import DEFAULT_REGION
from triggerfish.runtime.logs import LogSink
from triggerfish.services.lambda_.mappings import EventSourceMapping
from triggerfish.services.lambda_.models import EventInvokeConfig, FunctionConfig
from triggerfish.services.lambda_.records import Invocation, InvokeResult
from triggerfish.services.lambda_.service import Scope

T = TypeVar("T")


class Cloud:
    """A running local cloud. Create functions, invoke them, wait for triggered work to settle, and
    read the record of every invocation."""

    def __init__(self, settings: Settings, sink: LogSink | None = None) -> None:
        self._loop = _new_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="triggerfish", daemon=True)
        self._thread.start()
        self.app = App(settings, sink=sink)
        try:
            self._call(self.app.start())
        except BaseException:
            self.close()
            raise

    # -- apps --------------------------------------------------------------------------------

    def deploy(
        self,
        path: str | Path,
        *,
        stage: str | None = None,
        region: str | None = None,
        parameters: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> DeployReport:
        """Deploy an app: a folder holding serverless.yml or template.yaml, or the file itself.

        Deploying again updates what changed and deletes what is gone, like a CloudFormation
        stack update. Raises :class:`TemplateError` naming the file, resource and problem."""
        definition = load_definition(Path(path), stage=stage, region=region, parameter_overrides=parameters, env=env)
        scope = Scope(region=definition.region or region or DEFAULT_REGION)
        return self._call(self.app.deployer.deploy(definition, scope=scope))

    # -- functions ---------------------------------------------------------------------------

    def create_function(self, name: str, *, handler: str, code_dir: str | Path, **settings: Any) -> FunctionConfig:
        """Create a function (keyword settings as in :meth:`LambdaService.create_function`,
        e.g. ``timeout=5``, ``environment={...}``, ``runtime="python3.12"``)."""
        self._call(self.app.lambda_.create_function(name, handler=handler, code_dir=code_dir, **settings))
        return self.get_function(name)

    def get_function(self, name: str) -> FunctionConfig:
        return self.app.lambda_.get_function(name)

    def update_function(self, name: str, **changes: Any) -> FunctionConfig:
        return self._call(self.app.lambda_.update_function_configuration(name, **changes))

    def update_code(self, name: str, code_dir: str | Path | None = None) -> FunctionConfig:
        if code_dir is None:
            return self._call(self.app.lambda_.reload_code(name))
        return self._call(self.app.lambda_.update_function_code(name, code_dir=code_dir))

    def delete_function(self, name: str) -> None:
        self._call(self.app.lambda_.delete_function(name))

    def set_concurrency(self, name: str, reserved: int | None) -> None:
        if reserved is None:
            self._call(self.app.lambda_.delete_function_concurrency(name))
        else:
            self._call(self.app.lambda_.put_function_concurrency(name, reserved))

    def set_async_config(self, name: str, **config: Any) -> EventInvokeConfig:
        """``maximum_retry_attempts``, ``maximum_event_age``, ``on_success``, ``on_failure``."""
        return self._call(self.app.lambda_.put_event_invoke_config(name, **config))

    # -- event source mappings -----------------------------------------------------------------

    def create_event_source_mapping(
        self, function_name: str, event_source_arn: str, **settings: Any
    ) -> EventSourceMapping:
        """Map a queue to a function (keyword settings as in :meth:`EventSourceMappings.create`, e.g.
        ``batch_size=100``, ``maximum_batching_window=5``, ``filter_patterns=[...]``,
        ``function_response_types=["ReportBatchItemFailures"]``, ``maximum_concurrency=2``)."""
        return self._call(self.app.lambda_.mappings.create(function_name, event_source_arn, **settings))

    def update_event_source_mapping(self, uuid: str, **changes: Any) -> EventSourceMapping:
        return self._call(self.app.lambda_.mappings.update(uuid, **changes))

    def delete_event_source_mapping(self, uuid: str) -> EventSourceMapping:
        return self._call(self.app.lambda_.mappings.delete(uuid))

    def event_source_mappings(self, function_name: str | None = None) -> list[EventSourceMapping]:
        return self._call(_listed(self.app, function_name))

    # -- invoking ------------------------------------------------------------------------------

    def invoke(
        self,
        name: str,
        event: Any = None,
        *,
        invocation_type: str = "RequestResponse",
        payload: bytes | None = None,
        log_type: str | None = None,
        client_context: str | None = None,
    ) -> InvokeResult:
        """Invoke ``name`` with ``event`` (JSON-encoded) or raw ``payload`` bytes."""
        data = payload if payload is not None else (b"" if event is None else orjson.dumps(event))
        return self._call(
            self.app.lambda_.invoke(
                name, data, invocation_type=invocation_type, log_type=log_type, client_context=client_context
            )
        )

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no triggered work is running or due (see :meth:`App.settle`)."""
        if not self._call(self.app.settle(timeout), timeout + 5):
            raise TimeoutError(f"triggered work did not settle within {timeout} s")

    @property
    def invocations(self) -> list[Invocation]:
        return list(self.app.lambda_.invoker.invocations)

    def invocations_of(self, name: str) -> list[Invocation]:
        return [i for i in self.invocations if i.function_name == name]

    # -- time ----------------------------------------------------------------------------------

    @property
    def clock(self) -> CloudClock:
        """The virtual clock: ``cloud.clock.advance(3600)`` fires every schedule due in that hour."""
        clock = self.app.clock
        if not isinstance(clock, VirtualClock):
            raise RuntimeError("this cloud runs on the real clock; use triggerfish.local(virtual_clock=True)")
        return CloudClock(self, clock)

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward, firing every timer that falls inside, in order."""
        self._call(self.clock.virtual.advance(seconds))

    def now(self) -> float:
        return self.app.clock.now()

    @property
    def endpoint_url(self) -> str | None:
        return self.app.endpoint_url

    @property
    def smtp_port(self) -> int | None:
        """Where email for verified domains is received (SES receipt rules); None without a listener."""
        return self.app.smtp.port if self.app.smtp is not None else None

    # -- lifecycle -----------------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 300.0) -> T:
        """Run a coroutine on the cloud's event loop (for direct use of services)."""
        return self._call(coroutine, timeout)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        if self._thread.is_alive():
            try:
                self._call(self.app.stop(), 30)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)
        self._loop.close()

    def _call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 300.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)


class CloudClock:
    """The cloud's virtual clock, driven from the caller's thread."""

    def __init__(self, cloud: Cloud, clock: VirtualClock) -> None:
        self._cloud = cloud
        self.virtual = clock

    def now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.virtual.now(), datetime.UTC)

    def advance(self, span: float | datetime.timedelta, *, settle: bool = True) -> None:
        """Move time forward by ``span`` (seconds or a timedelta). Every timer inside fires in order
        (schedules, retries, delays, keep-alive). With ``settle`` (the default) time stops at each
        timer until the work it started is done, so that work sees the time it ran at, and
        everything due in the interval is done when this returns."""
        seconds = span.total_seconds() if isinstance(span, datetime.timedelta) else float(span)
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._cloud.run(self._advance(seconds, settle))

    async def _advance(self, seconds: float, settle: bool) -> None:
        clock = self.virtual
        target = clock.now() + seconds
        if not settle:
            await clock.advance(seconds)
            return
        while (due := clock.next_wakeup()) is not None and due <= target:
            await clock.set(due)
            await self._settle()
        await clock.set(target)
        await self._settle()

    async def _settle(self, timeout: float = 30.0) -> None:
        if not await self._cloud.app.settle(timeout, include_future=False):
            raise TimeoutError(f"triggered work did not settle within {timeout} s")

    def advance_to(self, when: float | datetime.datetime, *, settle: bool = True) -> None:
        """Move time forward to ``when`` (epoch seconds or an aware datetime); never backwards."""
        target = when.timestamp() if isinstance(when, datetime.datetime) else float(when)
        self.advance(max(0.0, target - self.virtual.now()), settle=settle)


@contextmanager
def local(
    *,
    data_dir: str | Path | None = None,
    virtual_clock: bool = False,
    port: int | None = 0,
    smtp_port: int | None = 0,
    sink: LogSink | None = None,
    **settings: Any,
) -> Iterator[Cloud]:
    """An in-process cloud: state in memory unless ``data_dir`` is given, the AWS endpoint on a free
    port (``port=None`` for none), email received on another (``smtp_port``, ``None`` for none), and
    optionally a virtual clock that moves only when advanced."""
    options: Mapping[str, Any] = {
        "data_dir": Path(data_dir) if data_dir is not None else None,
        "virtual_clock": virtual_clock,
        "port": port,
        "smtp_port": smtp_port,
        **settings,
    }
    cloud = Cloud(Settings(**options), sink=sink)
    try:
        yield cloud
    finally:
        cloud.close()


async def _listed(app: App, function_name: str | None) -> list[EventSourceMapping]:
    return app.lambda_.mappings.list(function_name=function_name)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:
        return asyncio.new_event_loop()
