"""CloudFormation's wording for template problems, in one place so every module says them alike.

Where CloudFormation's answer to ``ValidateTemplate`` / ``CreateChangeSet`` is known it is used word
for word (unresolved dependencies, circular dependencies, Fn::Join, Fn::Select, Fn::Equals, Fn::And,
Fn::GetAtt, Fn::Sub, FindInMap, ...); the rest follow the same style.
"""

from __future__ import annotations

from collections.abc import Iterable

#: the top-level sections CloudFormation accepts (template anatomy)
SECTIONS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
)


def names(items: Iterable[str]) -> str:
    """``[A, B]`` as CloudFormation lists names (no quotes)."""
    return "[" + ", ".join(items) + "]"


def block_of(where: str) -> str:
    """The template section a location is in: ``Outputs.Url.Value`` -> ``Outputs``."""
    head = where.split(".", 1)[0].split("[", 1)[0]
    return head if head in ("Resources", "Outputs", "Conditions") else "Resources"


def unresolved_resources(missing: Iterable[str], *, block: str = "Resources") -> str:
    return (
        f"Template format error: Unresolved resource dependencies {names(missing)} in the {block} block of the template"
    )


def resources_in_conditions(missing: Iterable[str]) -> str:
    return (
        f"Template format error: Unresolved dependencies {names(missing)}. "
        "Cannot reference resources in the Conditions block of the template"
    )


def unresolved_condition(name: str, *, block: str) -> str:
    return f"Template format error: Unresolved condition dependency {name} in the {block} block of the template"


def unresolved_condition_in(name: str, function: str) -> str:
    return f"Template error: unresolved condition dependency {name} in {function}"


def circular_resources(members: Iterable[str]) -> str:
    return f"Circular dependency between resources: {names(members)}"


def circular_conditions(members: Iterable[str]) -> str:
    return f"Template format error: Circular dependency between conditions: {names(members)}"


CONDITION_NOT_BOOLEAN = (
    "Template format error: Conditions can only be boolean operations on parameters and other conditions"
)
REF_NOT_STRING = "Template format error: Every Ref object must have a single String value."
GETATT_ARGUMENTS = (
    "Template error: every Fn::GetAtt object requires two non-empty parameters, "
    "the resource name and the resource attribute"
)
JOIN_ARGUMENTS = (
    "Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of "
    "strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined."
)
SPLIT_ARGUMENTS = (
    "Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string "
    "to be split or a function that returns a string to be split."
)
SELECT_ARGUMENTS = "Template error: Fn::Select requires a list argument with two elements: an integer index and a list"
SUB_ARGUMENTS = (
    "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string "
    "as first argument, and an optional second argument to specify a mapping of values to replace in the string"
)
SUB_VARIABLE_NAME = (
    "Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, "
    "underscores, periods, and colons"
)
IF_ARGUMENTS = "Template error: Fn::If requires a list argument with three elements"
IF_CONDITION = "Template error: Fn::If requires a list argument with the first element being a condition"
EQUALS_ARGUMENTS = "Template error: every Fn::Equals object requires a list of 2 string parameters."
NOT_ARGUMENTS = "Template error: every Fn::Not object requires a list with exactly 1 boolean parameter."
FIND_IN_MAP_ARGUMENTS = (
    "Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the "
    "attribute for return value"
)
BASE64_ARGUMENT = "Template error: every Fn::Base64 object must have a String or a function that returns a String"
IMPORT_VALUE_ARGUMENT = "Template error: every Fn::ImportValue object requires a String or a function that returns one"
GET_AZS_ARGUMENT = "Template error: every Fn::GetAZs object requires a region name or an empty string"
LENGTH_ARGUMENT = "Template error: Fn::Length requires a list or a function that returns a list"
TO_JSON_STRING_ARGUMENT = "Template error: Fn::ToJsonString requires an object or a list"
CIDR_ARGUMENTS = (
    "Template error: every Fn::Cidr object requires three parameters: an IP block, a count of subnets "
    "(1 to 256) and the number of subnet bits"
)


def and_or_arguments(function: str) -> str:
    return f"Template error: every {function} object requires a list of at least 2 and at most 10 boolean parameters."


def select_out_of_range(index: int) -> str:
    return f"Template error: Fn::Select cannot select nonexistent value at index {index}"


def undefined_getatt_resource(logical_id: str) -> str:
    return f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}"


def unsupported_attribute(logical_id: str, attribute: str) -> str:
    return f"Template error: resource {logical_id} does not support attribute type {attribute} in Fn::GetAtt"


def sub_not_string(variable: str) -> str:
    return f"Template error: variable {variable} in Fn::Sub expression does not resolve to a string"


def missing_mapping(name: str) -> str:
    return f"Template error: Mapping named '{name}' is not present in the 'Mappings' section of template."


def mapping_lookup_failed(name: str, top: str, second: str) -> str:
    return f"Template error: Unable to get mapping for {name}::{top}::{second}"


def no_export(name: str) -> str:
    return f"No export named {name} found"


def unsupported_function(name: str) -> str:
    return f"Template format error: Encountered unsupported function: {name}"
