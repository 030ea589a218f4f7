"""Reading a template file (JSON or YAML) into plain data, intrinsic functions in their long form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from triggerfish.config.cfn.yaml_loader import CoreBooleansLoader, TemplateLoader
from triggerfish.config.errors import TemplateError

#: CloudFormation's answer to a body whose top level is not an object
UNSUPPORTED_STRUCTURE = "Template format error: unsupported structure."


def read_template_file(path: Path, *, core_booleans: bool = False) -> dict[str, Any]:
    """The template in ``path`` as a mapping; any problem is a ``TemplateError`` naming the file and line.

    ``core_booleans``: only ``true``/``false`` are booleans (YAML 1.2), as the Serverless Framework
    reads serverless.yml; by default ``yes``/``no``/``on``/``off`` are too, as CloudFormation reads them.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read the template: {exc.strerror or exc}", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TemplateError("the template is not UTF-8 text", file=path, where=f"line {line}") from None
    return read_template_text(text, path, core_booleans=core_booleans)


def read_template_text(text: str, source: Path, *, core_booleans: bool = False) -> dict[str, Any]:
    """The template written in ``text`` (read from ``source``, which messages name)."""
    loader = CoreBooleansLoader if core_booleans else TemplateLoader
    body = _read_json(text, source) if text.lstrip().startswith("{") else _read_yaml(text, source, loader)
    if not isinstance(body, dict):
        raise TemplateError(UNSUPPORTED_STRUCTURE, file=source, where="line 1")
    return body


class _DuplicateJsonKey(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(text: str, source: Path) -> Any:
    # JSON has its own reader so that syntax errors read as JSON errors, with JSON's positions
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"Template format error: JSON not well-formed. (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            file=source,
            where=f"line {exc.lineno}",
        ) from None
    except ValueError as exc:
        raise TemplateError(f"Template format error: JSON not well-formed. {exc}", file=source) from None
    except _DuplicateJsonKey as exc:
        located = _locate_duplicate(text)
        if located is not None:
            line, column, detail = located
            raise TemplateError(
                f"Template format error: JSON not well-formed. (line {line}, column {column}): {detail}",
                file=source,
                where=f"line {line}",
            ) from None
        raise TemplateError(
            f"Template format error: JSON not well-formed. duplicate key '{exc.args[0]}'", file=source
        ) from None


def _locate_duplicate(text: str) -> tuple[int, int, str] | None:
    """Where the YAML reader (JSON is YAML) finds the duplicate key; None if it cannot read the text."""
    try:
        yaml.load(text, Loader=TemplateLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        if exc.problem_mark is not None and exc.problem and exc.problem.startswith("duplicate key"):
            return exc.problem_mark.line + 1, exc.problem_mark.column + 1, exc.problem
    return None


def _read_yaml(text: str, source: Path, loader: type[TemplateLoader]) -> Any:
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "unreadable YAML"
        if mark is None:
            raise TemplateError(f"Template format error: YAML not well-formed. {detail}", file=source) from None
        line, column = mark.line + 1, mark.column + 1
        raise TemplateError(
            f"Template format error: YAML not well-formed. (line {line}, column {column}): {detail}",
            file=source,
            where=f"line {line}",
        ) from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"Template format error: YAML not well-formed. {exc}", file=source) from None
