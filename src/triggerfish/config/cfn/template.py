"""A template body checked the way CloudFormation checks it, and read into the ``Template`` model.

Only structure is checked here: resource types are the deployer's business, and intrinsic functions
are checked when they are evaluated. ``Transform`` is left alone (SAM is transformed before this step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.cfn import messages
from triggerfish.config.cfn.parameter_definitions import parse_parameters
from triggerfish.config.cfn.reader import UNSUPPORTED_STRUCTURE
from triggerfish.config.cfn.scalars import is_scalar
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import OutputDefinition, ResourceDefinition, Template

_VERSION = "2010-09-09"
#: attributes a resource may carry beside its Type ("Resource attribute reference")
_RESOURCE_ATTRIBUTES = frozenset(
    {
        "Type",
        "Properties",
        "DependsOn",
        "Condition",
        "Metadata",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "UpdatePolicy",
        "CreationPolicy",
        "Version",
        "Description",
    }
)
_DELETION_POLICIES = frozenset({"Delete", "Retain", "RetainExceptOnCreate", "Snapshot"})
_NAME = re.compile(r"[A-Za-z0-9]+")


def parse_template(
    body: Mapping[str, Any], *, source: Path, base_dir: Path | None = None, format: str = "cloudformation"
) -> Template:
    """The template ``body`` (as read from ``source``) in the app model; ``TemplateError`` if malformed."""
    try:
        return _parse(body, source=source, base_dir=base_dir, format=format)
    except TemplateError as exc:
        raise exc.located(file=source) from None


def _parse(body: Mapping[str, Any], *, source: Path, base_dir: Path | None, format: str) -> Template:
    if not isinstance(body, Mapping):
        raise TemplateError(UNSUPPORTED_STRUCTURE)
    unknown = [key for key in body if key not in messages.SECTIONS]
    if unknown:
        raise TemplateError(f"Template format error: Invalid template property or properties {messages.names(unknown)}")
    version = body.get("AWSTemplateFormatVersion")
    if version is not None and version != _VERSION:
        raise TemplateError(
            f"Template format error: Unsupported AWSTemplateFormatVersion {version}; the only version is {_VERSION}",
            where="AWSTemplateFormatVersion",
        )
    description = body.get("Description")
    resources_section = body.get("Resources")
    if not isinstance(resources_section, Mapping) or not resources_section:
        raise TemplateError("Template format error: At least one Resources member must be defined.", where="Resources")
    parameters = parse_parameters(_section(body, "Parameters"))
    mappings = _mappings(_section(body, "Mappings"))
    conditions = _conditions(_section(body, "Conditions"))
    resources = {name: _resource(name, definition) for name, definition in resources_section.items()}
    outputs = {name: _output(name, definition) for name, definition in _section(body, "Outputs").items()}
    _check_references(resources, outputs, conditions)
    return Template(
        source=source,
        base_dir=base_dir if base_dir is not None else source.parent,
        parameters=parameters,
        mappings=mappings,
        conditions=conditions,
        resources=resources,
        outputs=outputs,
        description=description if isinstance(description, str) else "",
        format=format,
    )


def _section(body: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = body.get(name)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise TemplateError(f"Template format error: {name} must be an object", where=name)
    return section


def _resource(logical_id: str, definition: Any) -> ResourceDefinition:
    where = f"Resources.{logical_id}"
    if not _NAME.fullmatch(logical_id):
        raise TemplateError(f"Template format error: Resource name {logical_id} is non alphanumeric.", where=where)
    if not isinstance(definition, Mapping):
        raise TemplateError("Template format error: Any Resources member must be a JSON object.", where=where)
    for key in definition:
        if key not in _RESOURCE_ATTRIBUTES:
            # a property written one level too high is the usual cause
            raise TemplateError(f"Invalid template resource property '{key}'", where=where)
    type_ = definition.get("Type")
    if type_ is None:
        raise TemplateError(
            f"Template format error: [/Resources/{logical_id}] Every Resources object must contain a Type member.",
            where=where,
        )
    if not isinstance(type_, str) or not type_:
        raise TemplateError(
            f"Template format error: [/Resources/{logical_id}/Type] Every Type member must be a string.", where=where
        )
    properties = definition.get("Properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, Mapping):
        raise TemplateError(
            f"Template format error: [/Resources/{logical_id}/Properties] Every Properties member must be an object.",
            where=where,
        )
    metadata = definition.get("Metadata")
    return ResourceDefinition(
        logical_id=logical_id,
        type=type_,
        properties=dict(properties),
        depends_on=_depends_on(definition.get("DependsOn"), where),
        condition=_condition_name(definition.get("Condition"), where),
        metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
        deletion_policy=_deletion_policy(definition.get("DeletionPolicy"), logical_id),
    )


def _depends_on(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise TemplateError("Template format error: DependsOn must be a string or list of strings", where=where)
    return tuple(dict.fromkeys(items))


def _condition_name(value: Any, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TemplateError("Template format error: Every Condition member must be a string.", where=where)


def _deletion_policy(value: Any, logical_id: str) -> str:
    if value is None or isinstance(value, Mapping):
        # an intrinsic (a Ref to a parameter) is allowed; locally nothing is retained, so it reads as Delete
        return "Delete"
    if value not in _DELETION_POLICIES:
        raise TemplateError(
            f"Template format error: Unrecognized DeletionPolicy {value} for resource {logical_id}",
            where=f"Resources.{logical_id}",
        )
    return str(value)


def _output(name: str, definition: Any) -> OutputDefinition:
    where = f"Outputs.{name}"
    if not _NAME.fullmatch(name):
        raise TemplateError(f"Template format error: Output name {name} is non alphanumeric.", where=where)
    if not isinstance(definition, Mapping) or definition.get("Value") is None:
        raise TemplateError("Template format error: Every Outputs member must contain a Value object", where=where)
    export = definition.get("Export")
    export_name = None
    if export is not None:
        if not isinstance(export, Mapping) or export.get("Name") is None:
            raise TemplateError("Template format error: Every Export member must contain a Name object", where=where)
        export_name = export["Name"]
    description = definition.get("Description")
    return OutputDefinition(
        name=name,
        value=definition["Value"],
        description=description if isinstance(description, str) else "",
        condition=_condition_name(definition.get("Condition"), where),
        export_name=export_name,
    )


def _mappings(section: Mapping[str, Any]) -> dict[str, Any]:
    for name, mapping in section.items():
        where = f"Mappings.{name}"
        if not isinstance(mapping, Mapping) or not mapping:
            raise TemplateError(f"Template format error: Every Mappings member {name} must be a map", where=where)
        for top, attributes in mapping.items():
            if not isinstance(attributes, Mapping) or not attributes:
                raise TemplateError(
                    f"Template format error: [/Mappings/{name}/{top}] Every Mappings attribute must be a map",
                    where=where,
                )
            for value in attributes.values():
                if not _mapping_value(value):
                    raise TemplateError(
                        "Template format error: Every Mappings attribute must be a String or a List.", where=where
                    )
    return dict(section)


def _mapping_value(value: Any) -> bool:
    if isinstance(value, list):
        return all(is_scalar(item) for item in value)
    return is_scalar(value)


def _conditions(section: Mapping[str, Any]) -> dict[str, Any]:
    for name, expression in section.items():
        if not isinstance(expression, Mapping) or len(expression) != 1:
            raise TemplateError(messages.CONDITION_NOT_BOOLEAN, where=f"Conditions.{name}")
    return dict(section)


def _check_references(
    resources: Mapping[str, ResourceDefinition], outputs: Mapping[str, OutputDefinition], conditions: Mapping[str, Any]
) -> None:
    for resource in resources.values():
        where = f"Resources.{resource.logical_id}"
        if resource.condition is not None and resource.condition not in conditions:
            raise TemplateError(messages.unresolved_condition(resource.condition, block="Resources"), where=where)
        missing = [name for name in resource.depends_on if name not in resources]
        if missing:
            raise TemplateError(messages.unresolved_resources(missing), where=where)
    for output in outputs.values():
        if output.condition is not None and output.condition not in conditions:
            raise TemplateError(
                messages.unresolved_condition(output.condition, block="Outputs"), where=f"Outputs.{output.name}"
            )
