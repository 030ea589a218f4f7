"""The app model every format is read into: one CloudFormation template, intrinsics still unresolved.

serverless.yml is compiled to CloudFormation and SAM is transformed to CloudFormation before they
get here, so the deployer only ever sees this model. Intrinsic functions are kept in their long form
(``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``) whatever form the file used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ParameterDefinition:
    """One entry of the template's ``Parameters`` section, as written."""

    name: str
    type: str
    default: Any = None  # None: no Default given
    allowed_values: tuple[str, ...] | None = None
    allowed_pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    no_echo: bool = False
    description: str = ""
    constraint_description: str = ""


@dataclass(frozen=True)
class ResourceDefinition:
    """One entry of ``Resources``; ``properties`` still holds unresolved intrinsics."""

    logical_id: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    deletion_policy: str = "Delete"


@dataclass(frozen=True)
class OutputDefinition:
    name: str
    value: Any
    description: str = ""
    condition: str | None = None
    export_name: Any = None


@dataclass(frozen=True)
class Template:
    """A parsed CloudFormation template: what one stack is made of."""

    source: Path  # the file it was read from (messages name it)
    base_dir: Path  # local code paths resolve against this folder
    parameters: Mapping[str, ParameterDefinition]
    mappings: Mapping[str, Any]
    conditions: Mapping[str, Any]  # condition name -> its raw expression
    resources: Mapping[str, ResourceDefinition]  # in the order they were written
    outputs: Mapping[str, OutputDefinition]
    description: str = ""
    #: for messages and the summary: "cloudformation", "sam" or "serverless"
    format: str = "cloudformation"


@dataclass(frozen=True)
class AppDefinition:
    """What a format loader hands the deployer: the template and how to deploy it."""

    template: Template
    stack_name: str
    #: values for the template's Parameters given by the format or the user (strings, as CloudFormation takes them)
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None  # the region the definition asks for (serverless.yml provider.region)
    #: things the loader could read but will not run, one line each ("functions.x.events[0]: ... skipped")
    warnings: tuple[str, ...] = ()
    #: files whose change means the definition must be read again (the template, included files)
    watched_files: tuple[Path, ...] = ()
