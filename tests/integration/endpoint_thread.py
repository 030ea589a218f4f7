"""A partial local cloud for wire tests: providers behind the AWS endpoint on a real HTTP server on
127.0.0.1, on an event loop of its own thread, so synchronous boto3 clients can talk to it.

``build`` runs on that loop and returns the providers plus an async ``stop`` to run at close.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

import boto3
from botocore.config import Config

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Provider, Reply
from triggerfish.aws.server import HttpServer

T = TypeVar("T")
Stop = Callable[[], Awaitable[None]]
Operation = Callable[[Call], Awaitable[Reply]]
Build = Callable[[], Awaitable[tuple[Mapping[str, Provider], Stop]]]


class TableProvider:
    """A provider made of an operation table: some of a service's parts, as a wire test assembles them."""

    def __init__(self, table: Mapping[str, Operation], body_limit: int = 1 << 40) -> None:
        self._table = dict(table)
        self._limit = BodyLimit(body_limit, "PutObject")

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return self._limit

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


class EndpointThread:
    def __init__(self, build: Build) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._stop: Stop | None = None
        self.run(self._start(build))

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self, build: Build) -> None:
        providers, self._stop = await build()
        self.http = HttpServer(AwsApp(providers), "127.0.0.1", 0)
        await self.http.start()

    @property
    def url(self) -> str:
        return self.http.url

    def client(self, service: str, **config: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.http.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, **config),
        )

    async def _close(self) -> None:
        await self.http.stop()
        if self._stop is not None:
            await self._stop()

    def close(self) -> None:
        self.run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
