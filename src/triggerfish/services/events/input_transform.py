"""What a rule target receives: the event, or its ``Input``, ``InputPath`` or ``InputTransformer`` form.

``check_target_input`` runs at PutTargets and raises AWS's ``ValidationException`` texts;
``render_target_input`` builds the body for one matched event (spec §4.4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from triggerfish.core.payloads.timestamps import iso_seconds
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.input_paths import NOT_FOUND, InvalidPath, Selection, is_valid_path, parse_path
from triggerfish.services.events.input_template import Slot, as_json, parse_template
from triggerfish.services.events.models import TargetSpec

RULE_ARN = "aws.events.rule-arn"
RULE_NAME = "aws.events.rule-name"
INGESTION_TIME = "aws.events.event.ingestion-time"
EVENT = "aws.events.event"
EVENT_JSON = "aws.events.event.json"
RESERVED = frozenset({RULE_ARN, RULE_NAME, INGESTION_TIME, EVENT, EVENT_JSON})
# these two insert the (unescaped) event itself, so only a JSON template's value position takes them
_JSON_ONLY = (EVENT, EVENT_JSON)

# the botocore model's limits on the target's input members
_INPUT_MAX = 8192
_PATH_MAX = 256
_PATHS_MAX = 100
_KEY_PATTERN = re.compile(r"[A-Za-z0-9\_\-]+")
_KEY_MAX = 256
# Jackson, which words AWS's JSON syntax errors, shows at most this much of the source
_SOURCE_SHOWN = 500


def check_target_input(target: TargetSpec) -> None:
    """Raise ``ValidationException`` if the target's input members would be refused by PutTargets."""
    target_id = target.get("Id", "")
    given = [name for name in ("Input", "InputPath", "InputTransformer") if target.get(name) is not None]
    if len(given) > 1:
        raise ValidationException(
            f"Only one of Input, InputPath, or InputTransformer must be provided for target {target_id}."
        )
    _check_model(target)
    text = target.get("Input")
    if text is not None and (source := _syntax_error(text)) is not None:
        # PutTargets quotes the parser's position: "JSON syntax error in input for target 1: [Source: ...]"
        raise ValidationException(f"JSON syntax error in input for target {target_id}: {source}")
    path = target.get("InputPath")
    if path is not None and not is_valid_path(path):
        raise ValidationException(f"InputPath for target {target_id} is invalid.")
    transformer = target.get("InputTransformer")
    if transformer is not None:
        _check_transformer(target_id, transformer)


def render_target_input(
    target: TargetSpec, event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: float
) -> str:
    """The body the target receives for ``event`` (minified JSON unless a string template says otherwise)."""
    text = target.get("Input")
    if text is not None:
        return str(text)
    path = target.get("InputPath")
    if path is not None:
        selection = _select(path, event)
        # a path that leads nowhere hands the target JSON null
        return as_json(selection.value if selection.found else None)
    transformer = target.get("InputTransformer")
    if transformer is None:
        return as_json(event)
    variables: dict[str, Any] = {}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        # a path that does not exist in the event creates no variable (user guide, common issues)
        selection = _select(path, event)
        if selection.found:
            variables[name] = selection.value
    variables.update(_reserved(event, rule_arn=rule_arn, rule_name=rule_name, ingestion_time=ingestion_time))
    return parse_template(str(transformer.get("InputTemplate") or "")).render(variables)


def _select(path: Any, event: Mapping[str, Any]) -> Selection:
    """What ``path`` finds; a path PutTargets would have refused finds nothing rather than failing delivery."""
    try:
        return parse_path(str(path)).select(event)
    except InvalidPath:
        return NOT_FOUND


def _reserved(event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: float) -> dict[str, Any]:
    ingested = iso_seconds(ingestion_time)
    # <aws.events.event> is the event without "detail", with camelCase "detailType" and the ingestion
    # time as "time", in this key order (recorded AWS output)
    summary = {
        "id": event.get("id"),
        "account": event.get("account"),
        "detailType": event.get("detail-type"),
        "time": ingested,
        "source": event.get("source"),
        "region": event.get("region"),
        "resources": event.get("resources", []),
        "version": event.get("version"),
    }
    return {
        RULE_ARN: rule_arn,
        RULE_NAME: rule_name,
        INGESTION_TIME: ingested,
        EVENT: summary,
        EVENT_JSON: dict(event),
    }


def _check_transformer(target_id: str, transformer: Mapping[str, Any]) -> None:
    paths: Mapping[str, str] = transformer.get("InputPathsMap") or {}
    for path in paths.values():
        try:
            parse_path(path)
        except InvalidPath:
            # the same check as InputPath runs over every InputPathsMap value (observed on PutTargets)
            raise ValidationException(f"InputPath for target {target_id} is invalid.") from None
    template = parse_template(transformer["InputTemplate"])
    for placeholder in template.placeholders:
        name = placeholder.name
        if name not in paths and name not in RESERVED:
            raise ValidationException(f"InputTemplate for target {target_id} contains invalid placeholder {name}.")
        if name in _JSON_ONLY and placeholder.slot is not Slot.VALUE:
            raise ValidationException(
                f"InputTemplate for target {target_id} contains placeholder {name} valid only for JSON template."
            )
    if template.is_json and (source := _syntax_error(template.skeleton())) is not None:
        raise ValidationException(f"Invalid InputTemplate for target {target_id} : {source}")


def _check_model(target: TargetSpec) -> None:
    """The model's constraints, for callers that do not come over the wire (which checks them first)."""
    _raise_if(_wrong_types(target))
    broken: list[str] = []
    _length(broken, "input", target.get("Input"), _INPUT_MAX)
    _length(broken, "inputPath", target.get("InputPath"), _PATH_MAX)
    transformer = target.get("InputTransformer")
    if transformer is not None:
        template = transformer.get("InputTemplate")
        if template is None:
            broken.append(
                "Value null at 'inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null"
            )
        else:
            _length(broken, "inputTransformer.inputTemplate", template, _INPUT_MAX, minimum=1)
        paths = transformer.get("InputPathsMap") or {}
        if len(paths) > _PATHS_MAX:
            broken.append(
                f"Value '{dict(paths)}' at 'inputTransformer.inputPathsMap' failed to satisfy constraint: "
                f"Member must have length less than or equal to {_PATHS_MAX}"
            )
        for key, path in paths.items():
            if not _KEY_PATTERN.fullmatch(key) or len(key) > _KEY_MAX:
                broken.append(
                    f"Value '{key}' at 'inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must "
                    f"satisfy constraint: [Member must satisfy regular expression pattern: {_KEY_PATTERN.pattern}]"
                )
            _length(broken, f"inputTransformer.inputPathsMap.{key}.member", path, _PATH_MAX)
    _raise_if(broken)


def _wrong_types(target: TargetSpec) -> list[str]:
    """Members of the wrong type (only a Python caller can send them): never a raw TypeError later."""
    members: list[tuple[str, Any, type]] = [
        ("input", target.get("Input"), str),
        ("inputPath", target.get("InputPath"), str),
        ("inputTransformer", target.get("InputTransformer"), Mapping),
    ]
    transformer = target.get("InputTransformer")
    if isinstance(transformer, Mapping):
        paths = transformer.get("InputPathsMap")
        members += [("inputTransformer.inputTemplate", transformer.get("InputTemplate"), str)]
        members += [("inputTransformer.inputPathsMap", paths, Mapping)]
        if isinstance(paths, Mapping):
            members += [(f"inputTransformer.inputPathsMap.{k}.member", v, str) for k, v in paths.items()]
            members += [("inputTransformer.inputPathsMap", k, str) for k in paths]
    return [
        f"Value '{value}' at '{path}' failed to satisfy constraint: Member must be of type "
        f"{'string' if kind is str else 'structure'}"
        for path, value, kind in members
        if value is not None and not isinstance(value, kind)
    ]


def _raise_if(broken: list[str]) -> None:
    if broken:
        noun = "error" if len(broken) == 1 else "errors"
        raise ValidationException(f"{len(broken)} validation {noun} detected: " + "; ".join(broken))


def _length(broken: list[str], path: str, value: Any, maximum: int, *, minimum: int = 0) -> None:
    if not isinstance(value, str):
        return
    if len(value) > maximum:
        broken.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {maximum}"
        )
    elif len(value) < minimum:
        broken.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {minimum}"
        )


def _syntax_error(text: str) -> str | None:
    """Jackson's ``[Source: ...; line: L, column: C]`` for text that is not JSON, or None when it is."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        line, column = error.lineno, error.colno
        # Jackson reports an unrecognised bare word after reading the whole word
        word = re.match(r"[A-Za-z0-9_\-]+", text[error.pos :])
        if word is not None:
            column += word.end()
        shown = text[:_SOURCE_SHOWN]
        tail = f"[truncated {len(text) - _SOURCE_SHOWN} chars]" if len(text) > _SOURCE_SHOWN else ""
        return f'[Source: (String)"{shown}"{tail}; line: {line}, column: {column}]'
    return None
