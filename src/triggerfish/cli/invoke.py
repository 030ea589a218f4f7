"""``triggerfish invoke``: run a handler once with an event, as Lambda would, and print the result."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from triggerfish.app import App, Settings
from triggerfish.cli.envfile import read_env_file
from triggerfish.cli.output import err, fail
from triggerfish.cli.remote import add_endpoint_option, invoke_remote
from triggerfish.runtime.interpreters import host_runtime
from triggerfish.runtime.logs import LogEvent


class _StderrSink:
    def emit(self, event: LogEvent) -> None:
        sys.stderr.write(event.message.replace("\r", "\n"))
        sys.stderr.flush()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "function",
        nargs="?",
        default=None,
        help="a function of the running app (its name, or the short name it has in serverless.yml/the template)",
    )
    parser.add_argument("--handler", default=None, help="run this module.function once instead, e.g. app.handler")
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
    add_endpoint_option(parser)
    parser.add_argument("--region", default=None, help="the function's region (default: the endpoint's default)")
    parser.add_argument(
        "--invocation-type",
        choices=("RequestResponse", "Event", "DryRun"),
        default="RequestResponse",
        help="how to invoke a running app's function (default RequestResponse)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.handler is None and args.function is None:
        return fail("give a FUNCTION of the running app, or --handler to run one handler once")
    if args.handler is not None and args.function is not None:
        return fail("give either a FUNCTION of the running app or --handler, not both")
    try:
        payload = _read_event(args.event)
        if args.function is not None:
            return invoke_remote(args.endpoint, args.function, payload, args.invocation_type, args.region)
        environment = read_env_file(args.env_file, args.env)
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
