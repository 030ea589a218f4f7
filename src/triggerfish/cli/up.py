"""``triggerfish up``: deploy an app (serverless.yml, SAM or CloudFormation) locally and keep it running."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from triggerfish.app import DEFAULT_PORT, App, Settings
from triggerfish.cli.envfile import read_env_file
from triggerfish.cli.logview import TerminalLogSink
from triggerfish.cli.output import err, fail
from triggerfish.cli.routes import api_ids, app_routes
from triggerfish.cli.serve import add_mail_options, add_runtime_options, mail_settings, retry_base_delay, run_loop
from triggerfish.cli.summary import render_changes, render_summary
from triggerfish.config.deploy.engine import DeployReport
from triggerfish.config.errors import TemplateError
from triggerfish.config.live import DeployFailed, LiveApp, LiveEvent, Redeployed, Reloaded
from triggerfish.config.loader import find_definition, load_definition
from triggerfish.config.model import AppDefinition
from triggerfish.core.errors import TriggerfishError

DEFAULT_HTTP_PORT = 3000
STATE_DIR = ".triggerfish"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=".", type=Path, help="the app's folder or definition file (default .)"
    )
    parser.add_argument("--stage", default=None, help="serverless.yml stage (default: provider.stage, else dev)")
    parser.add_argument("--region", default=None, help="region to deploy in (default: the app's, else us-east-1)")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter value (repeatable)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"AWS endpoint port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--http-port",
        type=int,
        default=DEFAULT_HTTP_PORT,
        help=f"the app's HTTP API port (default {DEFAULT_HTTP_PORT})",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"where state lives (default: {STATE_DIR} in the app's folder)"
    )
    parser.add_argument("--fresh", action="store_true", help="start from a clean state (deletes the data directory)")
    parser.add_argument(
        "--env-file", type=Path, default=None, help="KEY=VALUE lines: set on every function and for ${env:...}"
    )
    add_runtime_options(parser)
    add_mail_options(parser)
    parser.add_argument("--no-watch", action="store_true", help="do not reload on file changes")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        source = find_definition(args.path)
        environment = read_env_file(args.env_file) if args.env_file else {}
        parameters = dict(_pair(item) for item in args.parameter)
    except (TemplateError, OSError, ValueError) as exc:
        return fail(f"{getattr(exc, 'message', exc)}")
    data_dir: Path = args.data_dir or source.parent / STATE_DIR
    if args.fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    settings = Settings(
        data_dir=data_dir,
        host=args.host,
        port=args.port,
        keep_alive=args.keep_alive,
        retry_base_delay=retry_base_delay(args),
        **mail_settings(args),
    )
    load = functools.partial(
        load_definition,
        source,
        stage=args.stage,
        region=args.region,
        parameter_overrides=parameters,
        env={**os.environ, **environment},
        cache_dir=data_dir / "cache",
    )
    session = _Session(settings, load, environment, started, watch=not args.no_watch, http_port=args.http_port)
    return run_loop(session.run())


class _Session:
    def __init__(
        self,
        settings: Settings,
        load: Callable[[], AppDefinition],
        environment: dict[str, str],
        started: float,
        *,
        watch: bool,
        http_port: int,
    ) -> None:
        self.settings = settings
        self.sink = TerminalLogSink()
        self.app = App(settings, sink=self.sink)
        self.live = LiveApp(
            load,
            self.app.deployer,
            self.app.lambda_,
            environment_overrides=environment,
            ignored_paths=[settings.data_dir] if settings.data_dir else [],
            on_event=self._report,
        )
        self.started = started
        self.watch = watch
        self.http_port = http_port
        self.http_url: str | None = None
        self.apis: list[str] = []  # what the app port serves; follows redeployments
        self._pending: asyncio.Task[None] | None = None

    async def run(self) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await self.app.start()
        except OSError as exc:
            await self.app.stop()
            return fail(f"cannot start: {exc}")
        for problem in self.app.problems:
            err(f"triggerfish: {problem}")
        try:
            report = await self.live.deploy()
        except TriggerfishError as exc:
            await self.app.stop()
            return fail(f"{exc.message}")
        assert self.live.definition is not None
        self._name_functions(report)
        await self._serve_apis(report)
        self._print(
            render_summary(
                self.live.definition,
                report,
                self.app.lambda_,
                self.live.scope,
                endpoint_url=self.app.endpoint_url,
                http_url=self.http_url,
                data_dir=str(self.settings.data_dir),
                smtp_address=self.app.smtp_address,
                seconds=time.perf_counter() - self.started,
                routes=app_routes(report, self.app.rest_apis, self.app.http_apis, self.http_url),
                paint=self.sink.paint,
            )
        )
        watcher = asyncio.create_task(self.live.watch(stop)) if self.watch else None
        await stop.wait()
        self._print("triggerfish: shutting down\n")
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await self.app.stop()
        self._print("triggerfish: stopped\n")
        return 0

    async def _serve_apis(self, report: DeployReport) -> None:
        """The app's APIs at the root of their own port, started once the app has one."""
        self.apis[:] = api_ids(report)
        if not self.apis or self.http_url is not None:
            return
        try:
            self.http_url = await self.app.serve_apis(self.http_port, lambda: self.apis)
        except OSError as exc:
            err(f"triggerfish: cannot serve the app's HTTP APIs on port {self.http_port} ({exc}); use --http-port")

    def _name_functions(self, report: DeployReport) -> None:
        """Log lines carry the short names the definition uses: ``place``, or ``PlaceFunction``."""
        serverless = self.live.definition is not None and self.live.definition.template.format == "serverless"
        for resource in report.resources.values():
            if resource.type == "AWS::Lambda::Function" and not resource.skipped:
                prefix = f"{report.stack_name}-"
                short = resource.physical_id.removeprefix(prefix) if serverless else resource.logical_id
                self.sink.display_names[resource.physical_id] = short

    def _report(self, event: LiveEvent) -> None:
        if isinstance(event, Reloaded):
            self._print(self.sink.paint(f"↻ reloaded {', '.join(event.functions)}", "32") + "\n")
        elif isinstance(event, Redeployed):
            self._name_functions(event.report)
            self._pending = asyncio.get_running_loop().create_task(self._serve_apis(event.report))
            self._print(self.sink.paint(f"↻ redeployed: {render_changes(event.report)}", "32") + "\n")
            for warning in event.report.warnings:
                self._print(self.sink.paint(f"  ! {warning}", "33") + "\n")
        elif isinstance(event, DeployFailed):
            err(f"triggerfish: {event.error.message} (still running the previous deployment)")

    @staticmethod
    def _print(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()


def _pair(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise ValueError(f"not KEY=VALUE: {item}")
    return key, value
