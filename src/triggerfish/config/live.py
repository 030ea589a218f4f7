"""An app kept in step with its files: code changes reload functions, definition changes redeploy."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from triggerfish.config.deploy.engine import Deployer, DeployReport
from triggerfish.config.deploy.lambda_function import folder_digest
from triggerfish.config.model import AppDefinition
from triggerfish.core.errors import ResourceNotFound, TriggerfishError
from triggerfish.services.lambda_.service import LambdaService, Scope

log = logging.getLogger(__name__)

#: folders never watched: tool output, caches and triggerfish's own state
IGNORED_DIRS = (
    ".triggerfish",
    ".git",
    ".hg",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    ".venv",
    "venv",
    ".serverless",
    ".aws-sam",
    ".idea",
    ".vscode",
)
#: how long a burst of saves is gathered into one change (an editor writes several files at once)
DEBOUNCE_MS = 80


@dataclass(frozen=True)
class Reloaded:
    functions: tuple[str, ...]


@dataclass(frozen=True)
class Redeployed:
    report: DeployReport


@dataclass(frozen=True)
class DeployFailed:
    error: TriggerfishError


LiveEvent = Reloaded | Redeployed | DeployFailed


class LiveApp:
    """Deploys an app definition, then follows its files until told to stop."""

    def __init__(
        self,
        load: Callable[[], AppDefinition],
        deployer: Deployer,
        lambda_: LambdaService,
        *,
        environment_overrides: Mapping[str, str] | None = None,
        account: str = "000000000000",
        ignored_paths: Iterable[Path] = (),
        on_event: Callable[[LiveEvent], None] = lambda event: None,
    ) -> None:
        self._load = load
        self._deployer = deployer
        self._lambda = lambda_
        self._environment = dict(environment_overrides or {})
        self._account = account
        self._ignored = tuple(path.resolve() for path in ignored_paths)
        self._on_event = on_event
        self.definition: AppDefinition | None = None
        self.report: DeployReport | None = None

    @property
    def scope(self) -> Scope:
        region = self.definition.region if self.definition and self.definition.region else "us-east-1"
        return Scope(self._account, region)

    async def deploy(self) -> DeployReport:
        """Read the definition and deploy it; errors propagate (the first deployment must succeed)."""
        definition = await asyncio.to_thread(self._load)
        self.definition = definition
        report = await self._deployer.deploy(
            definition, scope=self.scope, environment_overrides=self._environment, runtime_fallback=True
        )
        self.report = report
        return report

    def functions(self) -> dict[str, str]:
        """Deployed function name -> its code folder."""
        if self.report is None:
            return {}
        folders: dict[str, str] = {}
        for resource in self.report.resources.values():
            if resource.type == "AWS::Lambda::Function" and not resource.skipped:
                try:
                    folders[resource.physical_id] = self._lambda.get_function(
                        resource.physical_id, scope=self.scope
                    ).code_dir
                except ResourceNotFound:
                    continue
        return folders

    def watched_roots(self) -> list[Path]:
        """The app's folder and every code folder outside it."""
        roots: list[Path] = []
        if self.definition is not None:
            roots.append(self.definition.template.base_dir.resolve())
            roots.extend(path.resolve().parent for path in self.definition.watched_files)
        for folder in self.functions().values():
            roots.append(Path(folder).resolve())
        return _outermost(roots, self._ignored)

    async def apply(self, changed: Iterable[Path]) -> LiveEvent | None:
        """React to changed files: a definition file redeploys, code reloads the functions it belongs to."""
        paths = [path.resolve() for path in changed]
        definition_files = {path.resolve() for path in (self.definition.watched_files if self.definition else ())}
        event: LiveEvent | None
        if any(path in definition_files for path in paths):
            event = await self._redeploy()
        else:
            event = await self._reload(paths)
        if event is not None:
            self._on_event(event)
        return event

    async def watch(self, stop: asyncio.Event) -> None:
        """Follow the files until ``stop`` is set."""
        from watchfiles import DefaultFilter, awatch

        watch_filter = DefaultFilter(ignore_dirs=IGNORED_DIRS, ignore_paths=self._ignored)
        while not stop.is_set():
            roots = self.watched_roots()
            restart = False
            async for changes in awatch(
                *roots, watch_filter=watch_filter, stop_event=stop, debounce=DEBOUNCE_MS, step=20, recursive=True
            ):
                await self.apply(Path(path) for _, path in changes)
                if self.watched_roots() != roots:
                    restart = True  # a redeploy brought new code folders
                    break
            if not restart:
                return

    async def _redeploy(self) -> LiveEvent:
        try:
            report = await self.deploy()
        except TriggerfishError as exc:
            return DeployFailed(exc)
        return Redeployed(report)

    async def _reload(self, paths: list[Path]) -> LiveEvent | None:
        reloaded: list[str] = []
        digests: dict[str, tuple[str, int]] = {}
        for name, folder in self.functions().items():
            root = Path(folder).resolve()
            if any(path.is_relative_to(root) for path in paths):
                try:
                    # the functions of a serverless.yml share one folder: its digest is read once
                    digest = folder_digest(digests, folder)
                    await self._lambda.update_function_code(name, code_dir=folder, scope=self.scope, code_digest=digest)
                except TriggerfishError as exc:
                    log.warning("cannot reload %s: %s", name, exc.message)
                    continue
                reloaded.append(name)
        return Reloaded(tuple(reloaded)) if reloaded else None


def _outermost(roots: list[Path], ignored: tuple[Path, ...]) -> list[Path]:
    """Existing folders, none inside another or inside an ignored one."""
    kept: list[Path] = []
    for root in sorted(set(roots), key=lambda path: len(path.parts)):
        if not root.is_dir() or any(root.is_relative_to(path) for path in ignored):
            continue
        if not any(root.is_relative_to(parent) for parent in kept):
            kept.append(root)
    return kept
