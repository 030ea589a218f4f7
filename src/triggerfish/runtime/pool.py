"""The pool of execution environments: warm reuse, cold starts, keep-alive, retirement."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

from triggerfish.core.clock import Clock
from triggerfish.runtime.environment import ExecutionEnvironment, State
from triggerfish.runtime.interpreters import find_interpreter
from triggerfish.runtime.logs import LogSink, NullSink
from triggerfish.runtime.spec import EnvironmentResult, EnvironmentSpec, InvokeRequest
from triggerfish.runtime.zygote import DEFAULT_PRELOAD, Zygote

DEFAULT_KEEP_ALIVE = 600.0


class EnvironmentPool:
    """Hands out environments, one invocation each at a time.

    Idle environments are reused most-recently-used first and reclaimed after ``keep_alive``
    seconds of idleness, measured on the injected clock (scale to zero).
    """

    def __init__(
        self,
        clock: Clock,
        *,
        keep_alive: float = DEFAULT_KEEP_ALIVE,
        sink: LogSink | None = None,
        preload: str = DEFAULT_PRELOAD,
    ) -> None:
        self._clock = clock
        self.keep_alive = keep_alive
        self.sink: LogSink = sink or NullSink()
        self._preload = preload
        self._zygotes: dict[str, Zygote] = {}
        self._zygote_lock = asyncio.Lock()
        self._idle: dict[tuple[str, str, str], list[ExecutionEnvironment]] = defaultdict(list)
        self._busy: set[ExecutionEnvironment] = set()
        self._reaper: asyncio.Task[None] | None = None
        self._idle_changed = asyncio.Event()
        self._reaper_waiting = False
        self._closed = False

    async def invoke(self, spec: EnvironmentSpec, request: InvokeRequest) -> EnvironmentResult:
        env = await self._acquire(spec)
        try:
            return await env.invoke(request)
        finally:
            self._release(env)

    async def _acquire(self, spec: EnvironmentSpec) -> ExecutionEnvironment:
        idle = self._idle.get(spec.key)
        while idle:
            env = idle.pop()
            if env.state is State.IDLE:
                self._busy.add(env)
                return env
        env = ExecutionEnvironment(spec, await self._zygote_for(spec.runtime), self.sink)
        self._busy.add(env)
        try:
            await env.start()
        except BaseException:
            self._busy.discard(env)
            env.kill()
            raise
        return env

    def _release(self, env: ExecutionEnvironment) -> None:
        self._busy.discard(env)
        if env.state is not State.IDLE or self._closed:
            env.kill()
            return
        env.last_used = self._clock.now()
        self._idle[env.spec.key].append(env)
        # Every later release expires after this one, so the reaper only needs a wake-up when it
        # is waiting for the first idle environment.
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.get_running_loop().create_task(self._reap_forever())
        elif self._reaper_waiting:
            self._idle_changed.set()

    def retire(self, function_name: str) -> int:
        """Stop reusing every environment of ``function_name`` (its code or config changed)."""
        retired = 0
        for key in [k for k in self._idle if k[0] == function_name]:
            for env in self._idle.pop(key):
                env.kill()
                retired += 1
        return retired

    def counts(self) -> dict[str, int]:
        return {"idle": sum(len(v) for v in self._idle.values()), "busy": len(self._busy)}

    async def _zygote_for(self, runtime: str) -> Zygote:
        interpreter = find_interpreter(runtime)
        async with self._zygote_lock:
            zygote = self._zygotes.get(interpreter)
            if zygote is None or not zygote.alive:
                zygote = Zygote(interpreter, preload=self._preload)
                await zygote.start()
                self._zygotes[interpreter] = zygote
            return zygote

    async def prewarm(self, runtime: str) -> None:
        """Start the zygote for ``runtime`` now, so the first cold start does not pay for it."""
        await self._zygote_for(runtime)

    def reap(self) -> int:
        """Reclaim environments idle for longer than the keep-alive; returns how many."""
        cutoff = self._clock.now() - self.keep_alive
        reaped = 0
        for key in list(self._idle):
            keep = []
            for env in self._idle[key]:
                if env.last_used <= cutoff or env.state is not State.IDLE:
                    env.kill()
                    reaped += 1
                else:
                    keep.append(env)
            if keep:
                self._idle[key] = keep
            else:
                del self._idle[key]
        return reaped

    async def _reap_forever(self) -> None:
        while not self._closed:
            oldest = min((env.last_used for envs in self._idle.values() for env in envs), default=None)
            if oldest is None and self._busy:
                # A busy environment is released later, so it cannot expire sooner than a keep-alive
                # from now: sleep until then rather than be woken by every release.
                oldest = self._clock.now()
            if oldest is None:
                self._idle_changed.clear()
                self._reaper_waiting = True
                try:
                    await self._idle_changed.wait()
                finally:
                    self._reaper_waiting = False
                continue
            await self._clock.sleep_until(oldest + self.keep_alive)
            self.reap()

    async def close(self) -> None:
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for envs in self._idle.values():
            for env in envs:
                env.kill()
        self._idle.clear()
        for env in list(self._busy):
            env.kill()
        for zygote in self._zygotes.values():
            await zygote.close()
        self._zygotes.clear()
