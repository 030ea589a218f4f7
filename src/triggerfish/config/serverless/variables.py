"""Serverless Framework v3 variables: ``${source:address, fallback, ...}`` resolved across a whole serverless.yml.

The syntax is in ``variable_syntax``.

Semantics (v3's resolver): a source that yields null (or an empty environment variable) falls through to
the next one; with none left it is an error naming the property. A value made of a single variable keeps
its type (a dict, a list, a number) and is itself resolved again; a string mixing text and variables is a
string. ``cf``, ``ssm`` and ``s3`` need an AWS account, so only their fallbacks can be used here.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless._yaml import load_yaml_text
from triggerfish.config.serverless.variable_syntax import (
    Literal,
    Piece,
    Source,
    Variable,
    VariableSyntaxError,
    parse,
)

KNOWN_SOURCES = frozenset({"self", "opt", "sls", "env", "file", "aws", "cf", "ssm", "s3", "strToBool", "param"})
#: sources that read from an AWS account, which does not exist locally
REMOTE_SOURCES = {"cf": "CloudFormation stack outputs", "ssm": "SSM parameters", "s3": "S3 objects"}
ACCOUNT_ID = "000000000000"
DEFAULT_STAGE = "dev"
DEFAULT_REGION = "us-east-1"
#: how often a variable may resolve to a value holding more variables (an included file including itself)
MAX_NESTING = 32

PropertyPath = tuple[Any, ...]


def format_path(keys: Sequence[Any]) -> str:
    """``("functions", "hello", "events", 0)`` -> ``functions.hello.events[0]``."""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


class _Missing(enum.Enum):
    MISSING = "missing"  # no such property


class _Left(enum.Enum):
    LEFT = "left"  # a variable of an unknown source, kept as written


@dataclass(frozen=True)
class VariableContext:
    """What variables can read besides the configuration itself."""

    service_dir: Path
    config_file: Path
    stage: str | None = None  # the --stage option, also ${opt:stage}
    region: str | None = None  # the --region option, also ${opt:region}
    options: Mapping[str, Any] = field(default_factory=dict)  # the other --options
    env: Mapping[str, str] = field(default_factory=dict)
    instance_id: str = ""


class VariableResolver:
    """Resolves the variables of one configuration; every property is resolved once."""

    def __init__(self, config: Mapping[str, Any], context: VariableContext) -> None:
        self._root = config
        self._context = context
        self._options = dict(context.options)
        for name, value in (("stage", context.stage), ("region", context.region)):
            if value:
                self._options[name] = value
        self._cache: dict[PropertyPath, Any] = {}
        self._active: list[PropertyPath] = []
        self._files: dict[Path, Any] = {}
        self._warnings: dict[str, None] = {}
        self._stage: str | None = None
        self._region: str | None = None

    @property
    def files_read(self) -> tuple[Path, ...]:
        return tuple(self._files)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(self._warnings)

    def resolve(self) -> dict[str, Any]:
        """The whole configuration with every variable resolved."""
        resolved = self._get(())
        return dict(resolved) if isinstance(resolved, Mapping) else {}

    def get(self, *keys: Any) -> Any:
        """One resolved property (None when absent), resolving only what it depends on."""
        value = self._get(tuple(keys))
        return None if value is _Missing.MISSING else value

    def stage(self) -> str:
        if self._stage is None:
            self._stage = self._context.stage or self._setting("stage", DEFAULT_STAGE)
        return self._stage

    def region(self) -> str:
        if self._region is None:
            self._region = self._context.region or self._setting("region", DEFAULT_REGION)
        return self._region

    def _setting(self, name: str, default: str) -> str:
        value = self.get("provider", name)
        if value is None or value == "":
            return default
        if not isinstance(value, str):
            raise TemplateError(
                f"must be a string, not {value!r}", file=self._context.config_file, where=f"provider.{name}"
            )
        return value

    # the configuration tree

    def _get(self, keys: PropertyPath) -> Any:
        node: Any = self._root
        raw, actual = True, list[Any]()
        for key in keys:
            if raw and isinstance(node, str):
                node, raw = self._property(tuple(actual), node), False
            found = _child(node, key)
            if found is None:
                return _Missing.MISSING
            real_key, node = found
            actual.append(real_key)
        return self._property(tuple(actual), node) if raw else node

    def _property(self, keys: PropertyPath, raw: Any) -> Any:
        if keys in self._cache:
            return self._cache[keys]
        if keys in self._active:
            requester = self._active[-1]
            if requester == keys:
                problem = f'Circular reference. "{format_path(keys)}" refers to itself'
            else:
                problem = f'Circular reference among "{format_path(requester)}" and "{format_path(keys)}" properties'
            raise TemplateError(problem, file=self._context.config_file, where=format_path(keys))
        self._active.append(keys)
        try:
            if isinstance(raw, Mapping):
                value: Any = {key: self._property((*keys, key), item) for key, item in raw.items()}
            elif isinstance(raw, list):
                value = [self._property((*keys, index), item) for index, item in enumerate(raw)]
            elif isinstance(raw, str):
                value = self._string(raw, keys, 0)
            else:
                value = raw
        finally:
            self._active.pop()
        self._cache[keys] = value
        return value

    # strings and variables

    def _string(self, text: str, keys: PropertyPath, nesting: int) -> Any:
        try:
            parts = parse(text)
        except VariableSyntaxError as exc:
            raise self._error(keys, str(exc)) from None
        return text if parts is None else self._parts(text, parts, keys, nesting)

    def _parts(self, text: str, parts: tuple[str | Variable, ...], keys: PropertyPath, nesting: int) -> Any:
        if len(parts) == 1 and isinstance(parts[0], Variable):
            found = self._variable(parts[0], keys)
            if found is _Left.LEFT:
                return text
            value, settled = found
            return value if settled else self._nested(value, keys, nesting + 1)
        chunks = []
        for part in parts:
            if isinstance(part, str):
                chunks.append(part)
                continue
            found = self._variable(part, keys)
            if found is _Left.LEFT:
                chunks.append(part.text)
                continue
            chunk = _as_text(found[0])
            if chunk is None:
                raise self._error(keys, "String value consist of variable which resolve with non-string value")
            chunks.append(chunk)
        return "".join(chunks)

    def _nested(self, value: Any, keys: PropertyPath, nesting: int) -> Any:
        """Variables inside a value a variable resolved to (an included file, an option)."""
        if nesting > MAX_NESTING:
            raise self._error(keys, f"variables keep resolving to variables (more than {MAX_NESTING} levels)")
        if isinstance(value, str):
            return self._string(value, keys, nesting)
        if isinstance(value, Mapping):
            return {key: self._nested(item, keys, nesting) for key, item in value.items()}
        if isinstance(value, list):
            return [self._nested(item, keys, nesting) for item in value]
        return value

    def _variable(self, variable: Variable, keys: PropertyPath) -> tuple[Any, bool] | _Left:
        """The first source with a value, and whether that value is final (already resolved)."""
        last = ""
        for source in variable.sources:
            if isinstance(source, Literal):
                return source.value, True
            if source.type not in KNOWN_SOURCES:
                warning = f'unknown variable source "{source.type}" in {variable.text}; left as is'
                self._warnings[f"{format_path(keys)}: {warning}"] = None
                return _Left.LEFT
            value = self._source(source, keys)
            if value is not None and value is not _Missing.MISSING:
                return value, source.type == "self"
            last = source.type
        if last in REMOTE_SOURCES:
            raise self._error(
                keys,
                f'"{last}" variables read {REMOTE_SOURCES[last]} from an AWS account and cannot be resolved '
                f"locally; give a fallback value: ${{{last}:..., 'local value'}}",
            )
        raise self._error(keys, f'Value not found at "{last}" source')

    def _source(self, source: Source, keys: PropertyPath) -> Any:
        kind = source.type
        if kind in REMOTE_SOURCES:
            return None
        params = [self._piece(param, keys) for param in source.params]
        address = None if source.address is None else self._piece(source.address, keys)
        if address is not None:
            address = self._text(address, keys, f'Non-string address argument in variable "{kind}" source')
        if kind == "self":
            return self._get(tuple(address.split("."))) if address else self._get(())
        if kind == "opt":
            return dict(self._options) if not address else self._options.get(address)
        if kind == "param":
            return self._param(address, keys)
        if kind == "file":
            return self._file(params, address, keys)
        if kind == "strToBool":
            return self._str_to_bool(params, keys)
        if not address:
            raise self._error(keys, f'Missing address argument in variable "{kind}" source')
        if kind == "env":
            return self._context.env.get(address) or None  # an empty variable counts as unset
        if (kind, address) == ("sls", "stage"):
            return self.stage()
        if (kind, address) == ("sls", "instanceId"):
            return self._context.instance_id
        if (kind, address) == ("aws", "region"):
            return self.region()
        if (kind, address) == ("aws", "accountId"):
            return ACCOUNT_ID
        raise self._error(keys, f'Unsupported "{address}" address argument in variable "{kind}" source')

    def _piece(self, piece: Piece, keys: PropertyPath) -> Any:
        if isinstance(piece, Literal):
            return piece.value
        return self._parts(piece.text, piece.parts, keys, 0)

    def _param(self, address: str | None, keys: PropertyPath) -> Any:
        if not address:
            raise self._error(keys, 'Missing address argument in variable "param" source')
        for scope in (self.stage(), "default"):
            value = self.get("params", scope, address)
            if value is not None:
                return value
        return None

    def _str_to_bool(self, params: list[Any], keys: PropertyPath) -> bool:
        if not params or params[0] is None:
            raise self._error(keys, 'Missing "strToBool" input')
        text = self._text(params[0], keys, 'Non-string "strToBool" input').strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise self._error(
            keys, f'Invalid "strToBool" input: Expected either "true", "false", "0", or "1". Received: {params[0]}'
        )

    def _file(self, params: list[Any], address: str | None, keys: PropertyPath) -> Any:
        if not params or params[0] is None:
            raise self._error(keys, 'Missing path argument in variable "file" source')
        relative = self._text(params[0], keys, 'Non-string path argument in variable "file" source')
        root = self._context.service_dir.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise self._error(keys, f'"{relative}" is outside the service folder; only files inside it can be included')
        if not path.is_file():
            return None
        content = self._files[path] if path in self._files else self._read(path, root, keys)
        self._files[path] = content
        for key in address.split(".") if address else ():
            if isinstance(content, str):
                content = self._string(content, keys, 1)
            found = _child(content, key)
            if found is None:
                return None
            content = found[1]
        return content

    def _read(self, path: Path, root: Path, keys: PropertyPath) -> Any:
        name = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise self._error(keys, f'Cannot read "{name}": {exc}') from None
        suffix = path.suffix.lower()
        if suffix in (".yml", ".yaml"):
            return load_yaml_text(text, file=path)
        if suffix in (".json", ".tfstate"):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise self._error(keys, f'Cannot parse "{name}": JSON parse error: {exc}') from None
        if suffix in (".js", ".cjs", ".mjs", ".ts"):
            raise self._error(keys, f'Cannot load "{name}": JavaScript and TypeScript files are not evaluated')
        return text  # any other file is read as plain text

    def _text(self, value: Any, keys: PropertyPath, problem: str) -> str:
        text = _as_text(value)
        if text is None:
            raise self._error(keys, f"{problem}: {value!r}")
        return text

    def _error(self, keys: PropertyPath, problem: str) -> TemplateError:
        where = format_path(keys)
        message = f'Cannot resolve variable at "{where}": {problem}' if where else problem
        return TemplateError(message, file=self._context.config_file, where=where or None)


def _child(node: Any, key: Any) -> tuple[Any, Any] | None:
    """``(actual key, value)`` of one step into a mapping or list, None when there is no such entry."""
    if isinstance(node, Mapping):
        if key in node:
            return key, node[key]
        if isinstance(key, str) and key.lstrip("-").isdigit() and int(key) in node:
            return int(key), node[int(key)]
        return None
    if isinstance(node, list):
        index = key if isinstance(key, int) else int(key) if isinstance(key, str) and key.isdigit() else None
        if index is not None and 0 <= index < len(node):
            return index, node[index]
    return None


def _as_text(value: Any) -> str | None:
    """A variable's value inside a string, as JavaScript would write it; None when it has no text form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return None
