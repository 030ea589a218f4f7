"""Parameter values for a stack: overrides, else defaults, checked against the template's constraints.

As in CloudFormation, a value is text: a ``Number`` stays the string given (``Ref`` yields a string),
list types become lists of strings (``List<Number>`` too), and an SSM parameter type keeps the
parameter's name (there is no Parameter Store here; the caller says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.cfn.messages import names
from triggerfish.config.cfn.parameter_definitions import is_list_type
from triggerfish.config.cfn.scalars import number_text, scalar_text
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import ParameterDefinition, Template

# what CloudFormation accepts as a number (an integer or a float, optionally with an exponent)
_NUMBER = re.compile(r"\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*")


def resolve_parameters(template: Template, overrides: Mapping[str, str]) -> dict[str, Any]:
    """A value for every parameter of ``template``: the override, else the Default; errors as CloudFormation's."""
    try:
        return _resolve(template, overrides)
    except TemplateError as exc:
        raise exc.located(file=template.source) from None


def _resolve(template: Template, overrides: Mapping[str, str]) -> dict[str, Any]:
    undeclared = [name for name in overrides if name not in template.parameters]
    if undeclared:
        raise TemplateError(f"Parameters: {names(undeclared)} do not exist in the template", where="Parameters")
    given: dict[str, str] = {}
    for name, definition in template.parameters.items():
        raw = overrides.get(name, definition.default)
        text = _text(raw)
        if text is not None:
            given[name] = text
    missing = [name for name in template.parameters if name not in given]
    if missing:
        raise TemplateError(f"Parameters: {names(missing)} must have values", where="Parameters")
    return {name: _value(template.parameters[name], text) for name, text in given.items()}


def is_ssm_type(definition: ParameterDefinition) -> bool:
    """A parameter whose value names a Systems Manager parameter (which a caller cannot read here)."""
    return definition.type.startswith("AWS::SSM::Parameter::Value<")


def _text(raw: Any) -> str | None:
    if isinstance(raw, list):
        items = [scalar_text(item) for item in raw]
        return ",".join(item for item in items if item is not None)
    return scalar_text(raw)


def _value(definition: ParameterDefinition, text: str) -> Any:
    if is_ssm_type(definition):
        _check_text(definition, text)
        return text
    if definition.type == "Number":
        _check_number(definition, text)
        return text
    if is_list_type(definition.type):
        items = [item.strip() for item in text.split(",")]
        for item in items:
            if definition.type == "List<Number>":
                _check_number(definition, item)
            else:
                _check_text(definition, item)
        return items
    _check_text(definition, text)
    return text


def _check_text(definition: ParameterDefinition, text: str) -> None:
    name = definition.name
    _check_allowed(definition, text)
    if definition.min_length is not None and len(text) < definition.min_length:
        _fail(definition, f"Parameter '{name}' must contain at least {definition.min_length} characters")
    if definition.max_length is not None and len(text) > definition.max_length:
        _fail(definition, f"Parameter '{name}' must contain at most {definition.max_length} characters")
    if definition.allowed_pattern is not None:
        try:
            # AllowedPattern must match the whole value, not a part of it
            matched = re.fullmatch(definition.allowed_pattern, text) is not None
        except re.error:
            raise TemplateError(
                f"Template format error: Parameter '{name}' AllowedPattern must be a valid regular expression.",
                where=f"Parameters.{name}",
            ) from None
        if not matched:
            _fail(definition, f"Parameter '{name}' must match pattern {definition.allowed_pattern}")


def _check_number(definition: ParameterDefinition, text: str) -> None:
    name = definition.name
    _check_allowed(definition, text)
    if not _NUMBER.fullmatch(text):
        raise TemplateError(f"Parameter '{name}' must be a number", where=f"Parameters.{name}")
    value = float(text)
    if definition.min_value is not None and value < definition.min_value:
        _fail(definition, f"Parameter '{name}' must be a number not less than {number_text(definition.min_value)}")
    if definition.max_value is not None and value > definition.max_value:
        _fail(definition, f"Parameter '{name}' must be a number not greater than {number_text(definition.max_value)}")


def _check_allowed(definition: ParameterDefinition, text: str) -> None:
    if definition.allowed_values is not None and text not in definition.allowed_values:
        _fail(definition, f"Parameter '{definition.name}' must be one of AllowedValues")


def _fail(definition: ParameterDefinition, problem: str) -> None:
    # a ConstraintDescription replaces the default reason for any constraint that fails
    if definition.constraint_description:
        problem = f"Parameter '{definition.name}' failed to satisfy constraint: {definition.constraint_description}"
    raise TemplateError(problem, where=f"Parameters.{definition.name}")
