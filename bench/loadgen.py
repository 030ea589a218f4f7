"""A small HTTP/1.1 load generator: N keep-alive connections, each sending the next request as soon as the
last response is complete. Run it in its own process so it does not share a core's GIL with the server:

    python bench/loadgen.py --port 3000 --path /hello --connections 64 --seconds 5

It prints one JSON object: requests completed, requests per second, latency percentiles (µs) and the
status codes seen. Responses are framed by ``Content-Length`` (what every server measured here sends).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any, cast

from stats import percentile


class _Connection(asyncio.Protocol):
    def __init__(self, request: bytes, deadline: float, latencies: list[float], statuses: dict[int, int]) -> None:
        self._request = request
        self._deadline = deadline
        self._latencies = latencies
        self._statuses = statuses
        self._buffer = bytearray()
        self._started = 0.0
        self._transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's
        self._send()

    def _send(self) -> None:
        assert self._transport is not None
        self._started = time.perf_counter()
        self._transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self._buffer[:end]).lower()
        length = _content_length(head)
        if len(self._buffer) < end + 4 + length:
            return
        now = time.perf_counter()
        self._latencies.append((now - self._started) * 1e6)
        status = int(head[9:12])
        self._statuses[status] = self._statuses.get(status, 0) + 1
        del self._buffer[: end + 4 + length]
        if now >= self._deadline:
            assert self._transport is not None
            self._transport.close()
            return
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _content_length(head: bytes) -> int:
    start = head.find(b"content-length:")
    if start < 0:
        return 0
    stop = head.find(b"\r\n", start)
    return int(head[start + 15 : stop if stop > 0 else None])


async def run(host: str, port: int, path: str, host_header: str, connections: int, seconds: float) -> dict[str, Any]:
    request = f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: loadgen\r\nAccept: */*\r\n\r\n".encode()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    deadline = started + seconds
    protocols = []
    for _ in range(connections):
        _, protocol = await loop.create_connection(
            lambda: _Connection(request, deadline, latencies, statuses), host, port
        )
        protocols.append(protocol)
    await asyncio.gather(*(protocol.done for protocol in protocols))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "connections": connections,
        "requests": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_us": percentile(ordered, 50),
        "p99_us": percentile(ordered, 99),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--host-header", default="localhost")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    coroutine = run(args.host, args.port, args.path, args.host_header, args.connections, args.seconds)
    try:
        import uvloop

        result = uvloop.run(coroutine)
    except ImportError:
        result = asyncio.run(coroutine)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
