"""One evaluation of a template value: the recursive walk that resolves each intrinsic function it meets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from triggerfish.config.cfn import functions, messages
from triggerfish.config.cfn.conditions import BOOLEAN_FUNCTIONS
from triggerfish.config.cfn.pseudo import NO_VALUE
from triggerfish.config.cfn.scalars import scalar_text
from triggerfish.config.cfn.sub import SubSyntaxError, Variable, parse_sub
from triggerfish.config.errors import TemplateError

if TYPE_CHECKING:
    from triggerfish.config.cfn.intrinsics import Evaluator, ResourceLookup


class Removed(Enum):
    """What ``AWS::NoValue`` evaluates to until the enclosing object or list drops it."""

    VALUE = NO_VALUE


REMOVED = Removed.VALUE


class Walk:
    """One evaluation: the lookup it resolves resources with (None inside the Conditions section)."""

    def __init__(self, evaluator: Evaluator, lookup: ResourceLookup | None) -> None:
        self.evaluator = evaluator
        self.template = evaluator.template
        self.lookup = lookup
        self.functions: dict[str, Callable[[Any, str], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::ImportValue": self._import_value,
            "Fn::Base64": lambda argument, at: functions.base64_text(self.value(argument, at)),
            "Fn::GetAZs": self._get_azs,
            "Fn::Cidr": self._cidr,
            "Fn::ToJsonString": lambda argument, at: functions.to_json_string(self.value(argument, at)),
            "Fn::Length": lambda argument, at: functions.length(self.value(argument, at)),
            "Fn::Transform": self._transform,
        }

    def value(self, value: Any, where: str) -> Any:
        """``value`` resolved; ``REMOVED`` where it is AWS::NoValue (``where`` is its location, for errors)."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                ((key, argument),) = value.items()
                # only a one-key object is a function call; `{"Condition": ...}` is one only inside conditions
                if key == "Ref" or key.startswith("Fn::"):
                    return self._call(key, argument, where)
            result: dict[str, Any] = {}
            for key, item in value.items():
                evaluated = self.value(item, f"{where}.{key}")
                if evaluated is not REMOVED:
                    result[key] = evaluated
            return result
        if isinstance(value, list):
            items = (self.value(item, f"{where}[{index}]") for index, item in enumerate(value))
            return [item for item in items if item is not REMOVED]
        return value

    def _call(self, key: str, argument: Any, parent: str) -> Any:
        where = f"{parent}.{key}"
        try:
            if key in BOOLEAN_FUNCTIONS:
                return self.evaluator.boolean({key: argument}, parent, self.value)
            function = self.functions.get(key)
            if function is None:
                raise TemplateError(messages.unsupported_function(key))
            return function(argument, where)
        except TemplateError as exc:
            raise exc.located(where=where) from None

    def _ref(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, str):
            raise TemplateError(messages.REF_NOT_STRING)
        if argument == NO_VALUE:
            return REMOVED
        found, value = self.evaluator.parameter(argument)
        if found:
            return value
        lookup = self._resource_lookup(argument, where)
        try:
            return lookup.ref(argument)
        except LookupError:
            raise TemplateError(messages.unresolved_resources([argument])) from None

    def _get_att(self, argument: Any, where: str) -> Any:
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if not isinstance(parts, list) or len(parts) != 2:
            raise TemplateError(messages.GETATT_ARGUMENTS)
        logical_id, attribute = parts[0], self.value(parts[1], f"{where}[1]")
        if not isinstance(logical_id, str) or not logical_id or not isinstance(attribute, str) or not attribute:
            raise TemplateError(messages.GETATT_ARGUMENTS)
        if self.lookup is not None and logical_id not in self.template.resources:
            raise TemplateError(messages.undefined_getatt_resource(logical_id))
        lookup = self._resource_lookup(logical_id, where)
        try:
            return lookup.get_att(logical_id, attribute)
        except LookupError:
            raise TemplateError(messages.unsupported_attribute(logical_id, attribute)) from None

    def _resource_lookup(self, logical_id: str, where: str) -> ResourceLookup:
        """The lookup to resolve a reference to ``logical_id`` with, once it is known to be allowed."""
        if self.lookup is None:
            raise TemplateError(messages.resources_in_conditions([logical_id]))
        if not self.evaluator.includes(logical_id):
            # a resource whose Condition is false does not exist: referring to it is an unresolved dependency
            raise TemplateError(messages.unresolved_resources([logical_id], block=messages.block_of(where)))
        return self.lookup

    def _sub(self, argument: Any, where: str) -> str:
        text: Any = argument
        variables: Any = {}
        if isinstance(argument, list) and len(argument) in (1, 2):
            text, variables = argument[0], argument[1] if len(argument) == 2 else {}
        if not isinstance(text, str) or not isinstance(variables, Mapping):
            raise TemplateError(messages.SUB_ARGUMENTS)
        try:
            parts = parse_sub(text)
        except SubSyntaxError:
            raise TemplateError(messages.SUB_VARIABLE_NAME) from None
        local = {name: self.value(item, f"{where}[1].{name}") for name, item in variables.items()}
        pieces: list[str] = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            text_value = scalar_text(self._sub_variable(part, local, where))
            if text_value is None:
                raise TemplateError(messages.sub_not_string(part.name))
            pieces.append(text_value)
        return "".join(pieces)

    def _sub_variable(self, variable: Variable, local: Mapping[str, Any], where: str) -> Any:
        if variable.name in local:
            return local[variable.name]
        if variable.name == NO_VALUE:
            raise TemplateError(messages.sub_not_string(variable.name))
        found, value = self.evaluator.parameter(variable.name)
        if found:
            return value
        split = variable.resource_attribute
        if split is not None and split[0] in self.template.resources:
            return self._get_att(list(split), where)
        if variable.name in self.template.resources or self.lookup is None:
            return self._ref(variable.name, where)
        raise TemplateError(messages.unresolved_resources([variable.name], block=messages.block_of(where)))

    def _join(self, argument: Any, where: str) -> str:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError(messages.JOIN_ARGUMENTS)
        return functions.join(self.value(argument[0], f"{where}[0]"), self.value(argument[1], f"{where}[1]"))

    def _select(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError(messages.SELECT_ARGUMENTS)
        return functions.select(self.value(argument[0], f"{where}[0]"), self.value(argument[1], f"{where}[1]"))

    def _split(self, argument: Any, where: str) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError(messages.SPLIT_ARGUMENTS)
        return functions.split(self.value(argument[0], f"{where}[0]"), self.value(argument[1], f"{where}[1]"))

    def _if(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise TemplateError(messages.IF_ARGUMENTS)
        name = argument[0]
        if not isinstance(name, str):
            raise TemplateError(messages.IF_CONDITION)
        if not self.evaluator.has_condition(name):
            raise TemplateError(messages.unresolved_condition_in(name, "Fn::If"))
        # only the branch taken is evaluated: the other may name a resource that is not created
        branch = 1 if self.evaluator.condition(name) else 2
        return self.value(argument[branch], f"{where}[{branch}]")

    def _find_in_map(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise TemplateError(messages.FIND_IN_MAP_ARGUMENTS)
        keys = [self.value(item, f"{where}[{index}]") for index, item in enumerate(argument[:3])]
        default = None
        if len(argument) == 4:
            # AWS::LanguageExtensions: a fourth argument {DefaultValue: ...} answers a missing key
            option = argument[3]
            if not isinstance(option, Mapping) or set(option) != {"DefaultValue"}:
                raise TemplateError(messages.FIND_IN_MAP_ARGUMENTS)
            default = self.value(option["DefaultValue"], f"{where}[3].DefaultValue")
        return functions.find_in_map(self.template.mappings, keys[0], keys[1], keys[2], default=default)

    def _import_value(self, argument: Any, where: str) -> Any:
        name = scalar_text(self.value(argument, where))
        if name is None:
            raise TemplateError(messages.IMPORT_VALUE_ARGUMENT)
        return self.evaluator.imported(name)

    def _get_azs(self, argument: Any, where: str) -> list[str]:
        region = self.value(argument, where) if argument is not None else ""
        if not isinstance(region, str):
            raise TemplateError(messages.GET_AZS_ARGUMENT)
        return functions.availability_zones(region or self.evaluator.pseudo.region)

    def _cidr(self, argument: Any, where: str) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 3:
            raise TemplateError(messages.CIDR_ARGUMENTS)
        block, count, bits = (self.value(item, f"{where}[{index}]") for index, item in enumerate(argument))
        return functions.cidr(block, count, bits)

    def _transform(self, argument: Any, where: str) -> Any:
        name = argument.get("Name") if isinstance(argument, Mapping) else None
        raise TemplateError(f"Fn::Transform (macro {name}) is not supported: macros cannot run locally")
