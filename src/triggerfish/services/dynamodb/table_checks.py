"""Reading the parts of CreateTable and UpdateTable requests (key schemas, attribute definitions,
indexes, throughput, streams) and refusing them with DynamoDB's own messages.

The wire layer already checks the model's constraints; the app deployer calls the service directly,
so a member of the wrong type is refused here in the same words rather than raising a Python error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from triggerfish.core.payloads.dynamodb import StreamViewType
from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import (
    KeySchema,
    Projection,
    ProjectionType,
    ScalarType,
    SecondaryIndex,
    Throughput,
)

_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
#: "Global secondary indexes per table: 20; local secondary indexes per table: 5" (DynamoDB quotas)
MAX_GLOBAL_INDEXES = 20
MAX_LOCAL_INDEXES = 5
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")


def invalid(detail: str) -> ValidationError:
    """DynamoDB's prefix for a request whose members are well formed but do not fit together."""
    return ValidationError(f"One or more parameter values were invalid: {detail}")


def constraint(value: object, member: str, rule: str) -> ValidationError:
    """The model validator's wording for one broken constraint (``member`` spelled as AWS spells it)."""
    shown = "null" if value is None else f"'{value}'"
    return ValidationError(
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {rule}"
    )


def required(params: Mapping[str, Any], name: str, member: str) -> Any:
    value = params.get(name)
    if value is None:
        raise constraint(None, member, "Member must not be null")
    return value


def mapping(value: Any, member: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise constraint(value, member, "Member must be a structure")
    return value


def sequence(value: Any, member: str) -> Sequence[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise constraint(value, member, "Member must be a list")
    return value


def text(value: Any, member: str) -> str:
    if not isinstance(value, str):
        raise constraint(value, member, "Member must be a string")
    return value


def flag(value: Any, member: str) -> bool:
    if not isinstance(value, bool):
        raise constraint(value, member, "Member must be a boolean")
    return value


def check_name(value: Any, member: str) -> str:
    """A table or index name: 3 to 255 of ``[a-zA-Z0-9_.-]`` (TableName and IndexName shapes)."""
    name = text(value, member)
    if not _NAME.fullmatch(name):
        raise constraint(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    if len(name) < 3:
        raise constraint(name, member, "Member must have length greater than or equal to 3")
    if len(name) > 255:
        raise constraint(name, member, "Member must have length less than or equal to 255")
    return name


def key_schema(value: Any, member: str) -> KeySchema:
    """HASH first, then an optional RANGE on another attribute (DynamoDB API reference, KeySchema)."""
    elements = sequence(value, member)
    if not 1 <= len(elements) <= 2:
        rule = "greater than or equal to 1" if not elements else "less than or equal to 2"
        raise constraint(_java_list(elements), member, f"Member must have length {rule}")
    names: list[str] = []
    kinds: list[str] = []
    for index, element in enumerate(elements, 1):
        where = f"{member}.{index}.member"
        element = mapping(element, where)
        names.append(text(required(element, "AttributeName", f"{where}.attributeName"), f"{where}.attributeName"))
        kind = text(required(element, "KeyType", f"{where}.keyType"), f"{where}.keyType")
        if kind not in ("HASH", "RANGE"):
            raise constraint(kind, f"{where}.keyType", "Member must satisfy enum value set: [HASH, RANGE]")
        kinds.append(kind)
    if kinds[0] != "HASH":
        raise ValidationError("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(kinds) == 2:
        if kinds[1] != "RANGE":
            raise ValidationError("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        if names[0] == names[1]:
            raise ValidationError("Both the Hash Key and the Range Key element in the KeySchema have the same name")
        return KeySchema(names[0], names[1])
    return KeySchema(names[0])


def attribute_definitions(value: Any) -> dict[str, ScalarType]:
    """AttributeDefinitions as name -> S/N/B, in the order given."""
    types: dict[str, ScalarType] = {}
    for index, definition in enumerate(sequence(value, "attributeDefinitions"), 1):
        where = f"attributeDefinitions.{index}.member"
        definition = mapping(definition, where)
        name = text(required(definition, "AttributeName", f"{where}.attributeName"), f"{where}.attributeName")
        kind = text(required(definition, "AttributeType", f"{where}.attributeType"), f"{where}.attributeType")
        if kind not in ("S", "N", "B"):
            raise constraint(kind, f"{where}.attributeType", "Member must satisfy enum value set: [B, N, S]")
        if name in types:
            raise ValidationError(f"Attribute Name is duplicated: {name}")
        types[name] = ScalarType(kind)
    return types


def check_definitions_used(types: Mapping[str, ScalarType], keys: Sequence[KeySchema], *, indexes: bool) -> None:
    """Every key attribute defined and every definition a key attribute (CreateTable); AWS words
    the mismatch differently for tables with and without secondary indexes."""
    used = list(dict.fromkeys(name for key in keys for name in key.names))
    defined = list(types)
    missing = [name for name in used if name not in types]
    if len(defined) > len(used):
        if indexes:
            raise invalid(
                f"Some AttributeDefinitions are not used. AttributeDefinitions: {_java_list(defined)}, "
                f"keys used: {_java_list(used)}"
            )
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in "
            "AttributeDefinitions"
        )
    if missing:
        if not indexes and len(defined) < len(used):
            raise ValidationError("Invalid KeySchema: Some index key attribute have no definition")
        raise invalid(
            f"Some index key attributes are not defined in AttributeDefinitions. Keys: {_java_list(missing)}, "
            f"AttributeDefinitions: {_java_list(defined)}"
        )


def throughput(value: Any, member: str) -> Throughput:
    spec = mapping(value, member)
    read = spec.get("ReadCapacityUnits")
    write = spec.get("WriteCapacityUnits")
    for amount, name in ((read, "readCapacityUnits"), (write, "writeCapacityUnits")):
        if amount is None:
            raise constraint(None, f"{member}.{name}", "Member must not be null")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise constraint(amount, f"{member}.{name}", "Member must be a number")
        if amount < 1:
            raise constraint(amount, f"{member}.{name}", "Member must have value greater than or equal to 1")
    assert isinstance(read, int) and isinstance(write, int)
    return Throughput(read, write)


def projection(value: Any, member: str) -> Projection:
    spec = mapping(value, member)
    kind = spec.get("ProjectionType")
    non_key = spec.get("NonKeyAttributes")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        raise constraint(
            kind, f"{member}.projectionType", "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]"
        )
    attributes = [text(a, f"{member}.nonKeyAttributes") for a in sequence(non_key or [], f"{member}.nonKeyAttributes")]
    if kind == "INCLUDE" and not attributes:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and non_key is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    seen: set[str] = set()
    for attribute in attributes:
        if attribute in seen:
            raise invalid(f"Duplicate element in NonKeyAttributes: {attribute}")
        seen.add(attribute)
    return Projection(ProjectionType(kind), tuple(attributes))


def global_index(value: Any, member: str, *, on_demand: bool) -> SecondaryIndex:
    spec = mapping(value, member)
    name = check_name(required(spec, "IndexName", f"{member}.indexName"), f"{member}.indexName")
    key = key_schema(required(spec, "KeySchema", f"{member}.keySchema"), f"{member}.keySchema")
    shown = projection(required(spec, "Projection", f"{member}.projection"), f"{member}.projection")
    given = spec.get("ProvisionedThroughput")
    if on_demand and given is not None:
        raise invalid(
            f"ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
        )
    if not on_demand and given is None:
        raise invalid(f"ProvisionedThroughput is not specified for index: {name}")
    amount = None if given is None else throughput(given, f"{member}.provisionedThroughput")
    return SecondaryIndex(name, key, shown, is_global=True, throughput=amount)


def local_index(value: Any, member: str, table_key: KeySchema) -> SecondaryIndex:
    spec = mapping(value, member)
    name = check_name(required(spec, "IndexName", f"{member}.indexName"), f"{member}.indexName")
    key = key_schema(required(spec, "KeySchema", f"{member}.keySchema"), f"{member}.keySchema")
    shown = projection(required(spec, "Projection", f"{member}.projection"), f"{member}.projection")
    # a local index shares the table's partition and adds its own sort key (DynamoDB developer guide, LSI)
    if table_key.sort is None:
        raise invalid(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        )
    if key.partition != table_key.partition:
        raise invalid(
            f"Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. "
            f"index hash key: {key.partition}, table hash key: {table_key.partition}"
        )
    if key.sort is None:
        raise invalid(f"Index KeySchema does not have a range key for index: {name}")
    return SecondaryIndex(name, key, shown, is_global=False)


def stream_view(value: Any, *, creating: bool) -> tuple[bool, StreamViewType | None]:
    """StreamSpecification as (enabled, view type), refusing the combinations AWS refuses."""
    spec = mapping(value, "streamSpecification")
    enabled = flag(
        required(spec, "StreamEnabled", "streamSpecification.streamEnabled"), "streamSpecification.streamEnabled"
    )
    view = spec.get("StreamViewType")
    if view is not None and view not in StreamViewType.__members__:
        raise constraint(
            view,
            "streamSpecification.streamViewType",
            "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]",
        )
    if enabled and view is None:
        if creating:
            raise invalid("Table is being created with a stream enabled, UpdateViewType is required")
        raise invalid("If stream is being enabled then UpdateViewType is required")
    if not enabled and view is not None:
        if creating:
            raise invalid("Table is being created with a stream disabled, UpdateViewType should not be specified")
        raise invalid("If stream is being disabled, then UpdateViewType must not be specified")
    return enabled, None if view is None else StreamViewType(view)


def table_class(value: Any) -> str:
    if value not in TABLE_CLASSES:
        raise ValidationError(
            "Invalid table-class parameter provided. Please try again with a valid table-class value: "
            "[STANDARD, STANDARD_INFREQUENT_ACCESS]."
        )
    return str(value)


def sse(value: Any) -> dict[str, Any] | None:
    """SSESpecification as kept for DescribeTable (SSEDescription); ``None`` is the default AWS-owned key."""
    spec = mapping(value, "sSESpecification")
    enabled = spec.get("Enabled")
    if enabled is False or not spec:
        if spec.get("SSEType") is not None:
            raise invalid("SSEType can not be specified if Enabled is false")
        if spec.get("KMSMasterKeyId") is not None:
            raise invalid("KMSMasterKeyId can not be specified if Enabled is false")
        return None
    kind = spec.get("SSEType", "KMS")
    if kind == "AES256":
        raise invalid("SSEType AES256 is not supported")
    return {"SSEType": "KMS", "KMSMasterKeyId": spec.get("KMSMasterKeyId")}


def _java_list(values: Sequence[Any]) -> str:
    """A list as AWS's messages print it: ``[a, b]``."""
    return "[" + ", ".join(str(v) for v in values) + "]"
