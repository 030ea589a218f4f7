"""The function registry: configurations kept in the store, served from memory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.errors import ResourceConflict, ResourceNotFound
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.store.interfaces import DocumentStore

KIND = "lambda.function"


class FunctionRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._functions: dict[tuple[str, str], FunctionConfig] = {}
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        for document in await self._documents.list(KIND):
            function = FunctionConfig.from_json(orjson.loads(document.body))
            self._functions[(function.scope, function.name)] = function

    def get(self, scope: str, name: str) -> FunctionConfig:
        function = self._functions.get((scope, name))
        if function is None:
            account, _, region = scope.partition("/")
            arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
            raise ResourceNotFound(f"Function not found: {arn}")
        return function

    def find(self, scope: str, name: str) -> FunctionConfig | None:
        return self._functions.get((scope, name))

    def all(self, scope: str | None = None) -> list[FunctionConfig]:
        functions = [f for (s, _), f in self._functions.items() if scope is None or s == scope]
        return sorted(functions, key=lambda f: f.name)

    async def create(self, function: FunctionConfig) -> FunctionConfig:
        async with self._lock:
            if (function.scope, function.name) in self._functions:
                raise ResourceConflict(f"Function already exist: {function.name}")
            await self._save(function)
            return function

    async def update(self, function: FunctionConfig) -> FunctionConfig:
        """Store a changed configuration under a new revision id."""
        async with self._lock:
            if (function.scope, function.name) not in self._functions:
                self.get(function.scope, function.name)
            function = function.evolve(revision_id=str(uuid.uuid4()), last_modified=self._clock.now())
            await self._save(function)
            return function

    async def delete(self, scope: str, name: str) -> FunctionConfig:
        async with self._lock:
            function = self.get(scope, name)
            await self._documents.delete(KIND, scope, name)
            del self._functions[(scope, name)]
            return function

    async def _save(self, function: FunctionConfig) -> None:
        body = orjson.dumps(function.to_json()).decode()
        await self._documents.put(KIND, function.scope, function.name, body, now=self._clock.now())
        self._functions[(function.scope, function.name)] = function


def directory_digest(directory: str) -> tuple[str, int]:
    """(base64 SHA-256, total size) of a code folder, standing in for the deployment package's."""
    digest = hashlib.sha256()
    size = 0
    for path in sorted(_code_files(Path(directory))):
        relative = path.relative_to(directory).as_posix()
        data = path.read_bytes()
        digest.update(relative.encode() + b"\0" + data)
        size += len(data)
    return base64.b64encode(digest.digest()).decode(), size


def _code_files(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in {"__pycache__", ".git", ".triggerfish", "node_modules", ".venv"}]
        for filename in filenames:
            if not filename.endswith((".pyc", ".pyo")):
                yield Path(dirpath) / filename
