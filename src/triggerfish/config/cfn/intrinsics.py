"""Evaluating a template's values: every intrinsic function resolved into plain JSON-like data.

Parameters and pseudo parameters come from the evaluator, resources from a ``ResourceLookup`` (what
the deployer has created so far). Conditions are solved once, when the evaluator is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from triggerfish.config.cfn import messages
from triggerfish.config.cfn.conditions import ConditionTable
from triggerfish.config.cfn.pseudo import Pseudo
from triggerfish.config.cfn.walk import REMOVED, Walk
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import Template

__all__ = ["Evaluator", "Pseudo", "ResourceLookup"]


class ResourceLookup(Protocol):
    """The deployed side of references: may raise ``TemplateError`` (or ``LookupError``) for what it lacks."""

    def ref(self, logical_id: str) -> Any: ...  # the resource's Ref value (physical id / name / ARN)

    def get_att(self, logical_id: str, attribute: str) -> Any: ...


class Evaluator:
    """Values of one stack's template: its parameters, pseudo parameters, conditions and (by lookup) resources."""

    def __init__(
        self,
        template: Template,
        parameters: Mapping[str, Any],
        pseudo: Pseudo,
        *,
        imports: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.pseudo = pseudo
        self._parameters = dict(parameters)
        self._pseudo_values = pseudo.values()
        self._imports = dict(imports or {})
        self._conditions = ConditionTable(template.conditions, self._condition_operand)
        with self._in_file():
            self._conditions.solve_all()

    def condition(self, name: str) -> bool:
        """Whether the named condition holds."""
        with self._in_file():
            return self._conditions.get(name)

    def has_condition(self, name: str) -> bool:
        return name in self._conditions

    def includes(self, logical_id: str) -> bool:
        """Whether the resource is part of the stack: declared, and its Condition (if any) holds."""
        resource = self.template.resources.get(logical_id)
        return resource is not None and (resource.condition is None or self.condition(resource.condition))

    def evaluate(self, value: Any, lookup: ResourceLookup, *, where: str) -> Any:
        """``value`` with every intrinsic function resolved; errors are located at ``where`` and below it."""
        with self._in_file():
            result = Walk(self, lookup).value(value, where)
        return None if result is REMOVED else result

    def outputs(self, lookup: ResourceLookup) -> dict[str, Any]:
        """The value of every output whose condition holds, by output name."""
        return {
            name: self.evaluate(output.value, lookup, where=f"Outputs.{name}")
            for name, output in self.template.outputs.items()
            if output.condition is None or self.condition(output.condition)
        }

    def exports(self, lookup: ResourceLookup) -> dict[str, Any]:
        """Export name -> value for the outputs that export their value (and whose condition holds)."""
        exported: dict[str, Any] = {}
        for name, output in self.template.outputs.items():
            if output.export_name is None or (output.condition is not None and not self.condition(output.condition)):
                continue
            where = f"Outputs.{name}.Export.Name"
            export_name = self.evaluate(output.export_name, lookup, where=where)
            if not isinstance(export_name, str) or not export_name:
                problem = "Template error: every Export Name must be a non-empty string"
                raise TemplateError(problem, file=self.template.source, where=where)
            exported[export_name] = self.evaluate(output.value, lookup, where=f"Outputs.{name}")
        return exported

    @contextmanager
    def _in_file(self) -> Iterator[None]:
        try:
            yield
        except TemplateError as exc:
            raise exc.located(file=self.template.source) from None

    # --- what a Walk needs -------------------------------------------------------------------------------------

    def parameter(self, name: str) -> tuple[bool, Any]:
        """(found, value) for a parameter or pseudo parameter name."""
        if name in self._pseudo_values:
            value = self._pseudo_values[name]
            return True, list(value) if isinstance(value, list) else value
        if name in self._parameters:
            value = self._parameters[name]
            return True, list(value) if isinstance(value, list) else value
        if name in self.template.parameters:
            raise TemplateError(f"Parameters: [{name}] must have values")
        return False, None

    def imported(self, name: str) -> Any:
        if name not in self._imports:
            raise TemplateError(messages.no_export(name))
        return self._imports[name]

    def boolean(self, expression: Any, where: str, value: Callable[[Any, str], Any]) -> bool:
        return self._conditions.boolean(expression, where, value)

    def _condition_operand(self, value: Any, where: str) -> Any:
        # inside Conditions there are no resources to look up
        return Walk(self, None).value(value, where)
