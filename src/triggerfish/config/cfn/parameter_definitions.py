"""The template's ``Parameters`` section read into ``ParameterDefinition``s, with CloudFormation's checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.cfn.scalars import scalar_text
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import ParameterDefinition

#: AWS-specific parameter types ("Parameters" reference, supported AWS-specific parameter types)
AWS_SPECIFIC_TYPES = frozenset(
    {
        "AWS::EC2::AvailabilityZone::Name",
        "AWS::EC2::Image::Id",
        "AWS::EC2::Instance::Id",
        "AWS::EC2::KeyPair::KeyName",
        "AWS::EC2::SecurityGroup::GroupName",
        "AWS::EC2::SecurityGroup::Id",
        "AWS::EC2::Subnet::Id",
        "AWS::EC2::Volume::Id",
        "AWS::EC2::VPC::Id",
        "AWS::Route53::HostedZone::Id",
    }
)
_BASIC_TYPES = frozenset({"String", "Number", "List<Number>", "CommaDelimitedList"})
_SSM_NAME = "AWS::SSM::Parameter::Name"
_SSM_VALUE = re.compile(r"AWS::SSM::Parameter::Value<(?P<inner>.+)>")
_PROPERTIES = frozenset(
    {
        "Type",
        "Default",
        "AllowedValues",
        "AllowedPattern",
        "MinLength",
        "MaxLength",
        "MinValue",
        "MaxValue",
        "NoEcho",
        "Description",
        "ConstraintDescription",
    }
)
_NAME = re.compile(r"[A-Za-z0-9]+")


def is_known_type(type_: str) -> bool:
    """A parameter type CloudFormation recognises."""
    if type_ in _BASIC_TYPES or type_ == _SSM_NAME or _is_aws_specific(type_):
        return True
    ssm = _SSM_VALUE.fullmatch(type_)
    # SSM parameter types hold String, List<String>, CommaDelimitedList or an AWS-specific type (or a list of one)
    return ssm is not None and (
        ssm.group("inner") in ("String", "List<String>", "CommaDelimitedList") or _is_aws_specific(ssm.group("inner"))
    )


def is_list_type(type_: str) -> bool:
    """A type whose value is a list (``Ref`` gives a list of strings)."""
    return type_ in ("List<Number>", "CommaDelimitedList") or type_.startswith("List<")


def _is_aws_specific(type_: str) -> bool:
    if type_.startswith("List<") and type_.endswith(">"):
        type_ = type_[5:-1]
    return type_ in AWS_SPECIFIC_TYPES


def parse_parameters(section: Mapping[str, Any]) -> dict[str, ParameterDefinition]:
    return {name: _parameter(name, body) for name, body in section.items()}


def _parameter(name: str, body: Any) -> ParameterDefinition:
    where = f"Parameters.{name}"
    if not _NAME.fullmatch(name):
        raise TemplateError(f"Template format error: Parameter name {name} is non alphanumeric.", where=where)
    if not isinstance(body, Mapping) or "Type" not in body:
        raise TemplateError("Template format error: Every Parameters object must contain a Type member.", where=where)
    for key in body:
        if key not in _PROPERTIES:
            raise TemplateError(f"Template format error: Invalid template parameter property '{key}'", where=where)
    type_ = body["Type"]
    if not isinstance(type_, str) or not is_known_type(type_):
        raise TemplateError(f"Template format error: Unrecognized parameter type: {type_}", where=where)
    return ParameterDefinition(
        name=name,
        type=type_,
        default=_default(body.get("Default"), where),
        allowed_values=_allowed_values(body.get("AllowedValues"), where),
        allowed_pattern=_text(body, "AllowedPattern", where),
        min_length=_integer(body, "MinLength", where),
        max_length=_integer(body, "MaxLength", where),
        min_value=_number(body, "MinValue", where),
        max_value=_number(body, "MaxValue", where),
        no_echo=_flag(body.get("NoEcho"), where),
        description=_text(body, "Description", where) or "",
        constraint_description=_text(body, "ConstraintDescription", where) or "",
    )


def _default(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        # a list Default is accepted for list types, as the comma-separated text CloudFormation expects
        items = [scalar_text(item) for item in value]
        if all(item is not None for item in items):
            return ",".join(item for item in items if item is not None)
    text = scalar_text(value)
    if text is None:
        raise TemplateError("Template format error: Every Default member must be a string.", where=where)
    return text


def _allowed_values(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [scalar_text(item) for item in value] if isinstance(value, list) else [None]
    if not items or any(item is None for item in items):
        raise TemplateError("Template format error: Every AllowedValues member must be a list of strings.", where=where)
    return tuple(item for item in items if item is not None)


def _text(body: Mapping[str, Any], key: str, where: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    text = scalar_text(value)
    if text is None:
        raise TemplateError(f"Template format error: Every {key} member must be a string.", where=where)
    return text


def _integer(body: Mapping[str, Any], key: str, where: str) -> int | None:
    number = _number(body, key, where)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise TemplateError(f"Template format error: {key} must be a non-negative integer.", where=where)
    return int(number)


def _number(body: Mapping[str, Any], key: str, where: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", value):
        return float(value)
    raise TemplateError(f"Template format error: {key} must be a number.", where=where)


def _flag(value: Any, where: str) -> bool:
    if value is None:
        return False
    text = scalar_text(value)
    if text is None or text.lower() not in ("true", "false"):
        raise TemplateError("Template format error: NoEcho must be true or false.", where=where)
    return text.lower() == "true"
