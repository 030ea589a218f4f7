"""What an event compiler works with: the stack being built and the one event of one function it compiles."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless import naming


class StackBuilder:
    """The CloudFormation resources generated so far, the warnings, and the default role's policy."""

    def __init__(
        self,
        *,
        file: Path,
        service: str,
        stage: str,
        region: str,
        provider: Mapping[str, Any],
        role_statements: list[dict[str, Any]] | None,
    ) -> None:
        self.file = file
        self.service = service
        self.stage = stage
        self.region = region
        self.provider = provider
        self.resources: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []
        #: the statements of the generated role's policy; None when no role is generated
        self.role_statements = role_statements
        self.trusted_services: list[str] = ["lambda.amazonaws.com"]
        self._counters: dict[tuple[str, str], int] = {}
        #: what an event type's compiler keeps across the events of the whole service (one REST API for
        #: every ``http`` event), by event type
        self.shared: dict[str, Any] = {}

    def add(self, logical_id: str, resource: dict[str, Any]) -> None:
        """Add (or replace) one resource, as the framework's ``Object.assign`` on ``Resources`` does."""
        self.resources[logical_id] = resource

    def warn(self, line: str) -> None:
        if line not in self.warnings:
            self.warnings.append(line)

    def next_index(self, function_key: str, counter: str) -> int:
        """1, 2, 3... per function and counter (the framework numbers a function's schedules this way)."""
        index = self._counters.get((function_key, counter), 0) + 1
        self._counters[(function_key, counter)] = index
        return index

    def allow(self, actions: Sequence[str], resource: Any) -> None:
        """Grant the generated role ``actions`` on ``resource``, joining the statement with the same actions."""
        if self.role_statements is None:
            return
        for statement in self.role_statements:
            if statement.get("Action") == list(actions) and isinstance(statement.get("Resource"), list):
                statement["Resource"].append(resource)
                return
        self.role_statements.append({"Effect": "Allow", "Action": list(actions), "Resource": [resource]})

    def error(self, problem: str, where: str) -> TemplateError:
        return TemplateError(problem, file=self.file, where=where)


@dataclass(frozen=True)
class FunctionEvent:
    """One entry of ``functions.<key>.events``."""

    stack: StackBuilder
    function_key: str
    function_name: str  # the deployed FunctionName
    function: Mapping[str, Any]  # the function's configuration
    role: Any  # the function's Role property
    #: the role resource the function's event source mappings wait for (the framework's DependsOn)
    role_dependency: str | None
    index: int  # 0-based position in the events list
    type: str

    @property
    def where(self) -> str:
        return f"functions.{self.function_key}.events[{self.index}]"

    @property
    def logical_id(self) -> str:
        return naming.lambda_logical_id(self.function_key)

    @property
    def target(self) -> dict[str, Any]:
        """The function's ARN, as every generated trigger names it."""
        return {"Fn::GetAtt": [self.logical_id, "Arn"]}

    def depends_on(self) -> list[str]:
        return [self.role_dependency] if self.role_dependency else []

    def error(self, problem: str, field: str | None = None) -> TemplateError:
        where = f"{self.where}.{self.type}" + (f".{field}" if field else "")
        return self.stack.error(problem, where)

    def warn(self, problem: str) -> None:
        self.stack.warn(f"{self.where}: {problem}")

    def settings(self, value: Any, *, shorthand: str) -> dict[str, Any]:
        """The event's settings as a mapping; a plain string stands for ``{shorthand: value}``."""
        if isinstance(value, str):
            return {shorthand: value}
        if isinstance(value, Mapping):
            return dict(value)
        raise self.error(f"must be a string or an object, not {type(value).__name__}")


class EventCompiler(Protocol):
    def __call__(self, event: FunctionEvent, value: Any) -> None: ...


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unset (None) entries, as JSON drops the framework's ``undefined`` properties."""
    return {key: value for key, value in values.items() if value is not None}


def json_text(value: Any) -> str:
    """``JSON.stringify``: compact, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def filter_criteria(patterns: Any, event: FunctionEvent) -> dict[str, Any] | None:
    """``filterPatterns`` -> ``FilterCriteria``: each pattern serialised as one filter."""
    if not patterns:
        return None
    if not isinstance(patterns, list):
        raise event.error("must be a list of event patterns", "filterPatterns")
    return {"Filters": [{"Pattern": json_text(pattern)} for pattern in patterns]}


def last_joined(join: Any) -> str | None:
    """The last string an ``Fn::Join`` joins (the name at the end of an ARN built with one)."""
    if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list) and join[1]:
        last = join[1][-1]
        return last if isinstance(last, str) else None
    return None
