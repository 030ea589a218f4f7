"""``triggerfish serve``: the local cloud and its AWS endpoint, until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from triggerfish.app import DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_SMTP_PORT, App, Settings
from triggerfish.aws.auth import DEFAULT_CREDENTIALS
from triggerfish.cli.output import err
from triggerfish.runtime.pool import DEFAULT_KEEP_ALIVE
from triggerfish.services.lambda_.async_invocations import AWS_RETRY_BASE_DELAY, LOCAL_RETRY_BASE_DELAY


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"AWS endpoint port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where state lives (default ./.triggerfish)"
    )
    parser.add_argument("--ephemeral", action="store_true", help="keep all state in memory")
    add_runtime_options(parser)
    add_mail_options(parser)
    parser.add_argument("--concurrency", type=int, default=1000, help="account concurrency limit (default 1000)")
    parser.add_argument("--auth", action="store_true", help="verify SigV4 signatures (test/test always works)")
    parser.add_argument(
        "--credentials",
        action="append",
        default=[],
        type=_credential,
        metavar="AKID:SECRET",
        help="an access key and its secret accepted with --auth (repeatable)",
    )
    parser.set_defaults(run=run)


def add_runtime_options(parser: argparse.ArgumentParser) -> None:
    """The options ``serve`` and ``up`` share about how functions run."""
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=DEFAULT_KEEP_ALIVE,
        metavar="SECONDS",
        help=f"reclaim execution environments idle this long (default {DEFAULT_KEEP_ALIVE:g})",
    )
    parser.add_argument(
        "--async-retry-delays",
        choices=("local", "aws"),
        default="local",
        help="delays between async retries: local (1 s, 2 s; default) or aws (about 1 min, 2 min)",
    )


def add_mail_options(parser: argparse.ArgumentParser) -> None:
    """The options ``serve`` and ``up`` share about email (SES)."""
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=DEFAULT_SMTP_PORT,
        help=f"port of the SMTP listener that receives email for verified domains (default {DEFAULT_SMTP_PORT})",
    )
    parser.add_argument("--no-smtp", action="store_true", help="do not listen for email")
    parser.add_argument(
        "--ses-relay",
        type=_host_port,
        default=None,
        metavar="HOST:PORT",
        help="also hand every email SES sends to this SMTP server",
    )
    parser.add_argument(
        "--ses-production",
        action="store_true",
        help="SES out of the sandbox: recipients need not be verified identities",
    )


def mail_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings fields ``add_mail_options`` sets."""
    return {
        "smtp_port": None if args.no_smtp else args.smtp_port,
        "ses_relay": args.ses_relay,
        "ses_sandbox": not args.ses_production,
    }


def retry_base_delay(args: argparse.Namespace) -> float:
    return AWS_RETRY_BASE_DELAY if args.async_retry_delays == "aws" else LOCAL_RETRY_BASE_DELAY


def _host_port(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return value


def _credential(value: str) -> tuple[str, str]:
    access_key, sep, secret = value.partition(":")
    if not sep or not access_key or not secret:
        raise argparse.ArgumentTypeError(f"expected AKID:SECRET, got {value!r}")
    return access_key, secret


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        data_dir=None if args.ephemeral else args.data_dir,
        host=args.host,
        port=args.port,
        keep_alive=args.keep_alive,
        account_concurrency=args.concurrency,
        retry_base_delay=retry_base_delay(args),
        auth=args.auth,
        credentials={**DEFAULT_CREDENTIALS, **dict(args.credentials)},
        **mail_settings(args),
    )


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    return run_loop(_serve(settings))


async def _serve(settings: Settings) -> int:
    app = App(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.start()
    except OSError as exc:
        err(f"triggerfish: cannot start: {exc}")
        await app.stop()
        return 1
    where = settings.data_dir.resolve() if settings.data_dir else "memory (ephemeral)"
    for problem in app.problems:
        err(f"triggerfish: {problem}")
    smtp = f", SMTP {app.smtp_address}" if app.smtp_address else ""
    err(f"triggerfish is ready: AWS endpoint {app.endpoint_url}{smtp}, state in {where}")
    await stop.wait()
    err("triggerfish: shutting down")
    await app.stop()
    return 0


def run_loop(coroutine: Coroutine[Any, Any, int]) -> int:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    result: int = uvloop.run(coroutine)
    return result
