"""``triggerfish invoke``: run a handler once with an event, as Lambda would, and print the result."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from triggerfish.app import App, Settings
from triggerfish.cli.output import err, fail
from triggerfish.runtime.interpreters import host_runtime
from triggerfish.runtime.logs import LogEvent


class _StderrSink:
    def emit(self, event: LogEvent) -> None:
        sys.stderr.write(event.message.replace("\r", "\n"))
        sys.stderr.flush()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--handler", required=True, help="module.function, e.g. app.handler")
    parser.add_argument("--code-dir", type=Path, default=Path("."), help="folder holding the code (default .)")
    parser.add_argument("--event", "-e", default=None, help="JSON event file, or - for standard input (default {})")
    parser.add_argument(
        "--runtime", default=None, help=f"python3.11, python3.12 or python3.13 (default {host_runtime()})"
    )
    parser.add_argument("--timeout", type=int, default=3, help="seconds, 1-900 (default 3)")
    parser.add_argument("--memory", type=int, default=128, help="MB, 128-10240 (default 128)")
    parser.add_argument("--name", default=None, help="function name (default: the handler's module)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="an environment variable")
    parser.add_argument("--env-file", type=Path, default=None, help="a file of KEY=VALUE lines")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        payload = _read_event(args.event)
        environment = _environment(args.env, args.env_file)
    except (OSError, ValueError) as exc:
        return fail(str(exc))
    return asyncio.run(_invoke(args, payload, environment))


async def _invoke(args: argparse.Namespace, payload: bytes, environment: dict[str, str]) -> int:
    app = App(Settings(data_dir=None, port=None), sink=_StderrSink())
    await app.start()
    try:
        name = args.name or args.handler.rsplit(".", 1)[0].replace("/", "-").replace(".", "-")
        await app.lambda_.create_function(
            name,
            handler=args.handler,
            code_dir=args.code_dir,
            runtime=args.runtime,
            timeout=args.timeout,
            memory_size=args.memory,
            environment=environment,
        )
        result = await app.lambda_.invoke(name, payload)
    finally:
        await app.stop()
    sys.stdout.write(result.payload.decode("utf-8", "replace") + "\n")
    if result.function_error:
        err(f"triggerfish: the function failed ({result.function_error})")
        return 1
    return 0


def _read_event(source: str | None) -> bytes:
    if source is None:
        return b"{}"
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise ValueError(f"event file not found: {source}") from None


def _environment(pairs: list[str], env_file: Path | None) -> dict[str, str]:
    variables: dict[str, str] = {}
    lines = env_file.read_text().splitlines() if env_file else []
    for line in [*lines, *pairs]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise ValueError(f"not KEY=VALUE: {line}")
        variables[key.strip()] = value.strip().strip("'\"")
    return variables
