"""Which resources refer to which, and the order to create them in (the reverse deletes them).

Two views, as CloudFormation has them:
- The dependency graph is the template's, read without parameter values: every reference in
  Properties (both branches of each Fn::If) and every DependsOn. Unknown names and cycles are errors
  here whatever the conditions say, as ``ValidateTemplate`` reports them without parameters.
- Existence is the stack's: a resource whose Condition is false is not created, and a created
  resource that refers to it in a branch that is taken (or by DependsOn) is an unresolved dependency.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from triggerfish.config.cfn import messages
from triggerfish.config.cfn.intrinsics import Evaluator
from triggerfish.config.cfn.pseudo import NAMES as PSEUDO_NAMES
from triggerfish.config.cfn.sub import variable_names
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import Template

#: decides which branch of an Fn::If is taken (None: both are followed)
_Chooser = Callable[[str], bool] | None


def references(value: Any) -> set[str]:
    """Every name ``value`` refers to by Ref, Fn::GetAtt or Fn::Sub (``${X}``, ``${X.Attr}`` -> ``X``).

    Parameters and pseudo parameters are included; keep the template's resources to get dependencies.
    """
    return set(_ordered_references(value, None))


def deployment_order(template: Template, evaluator: Evaluator) -> list[str]:
    """Logical ids of the resources the stack creates, each after everything it depends on.

    Ties are broken by the order the template lists them in. ``reversed()`` of it is the deletion order.
    """
    try:
        return _order(template, evaluator)
    except TemplateError as exc:
        raise exc.located(file=template.source) from None


def _order(template: Template, evaluator: Evaluator) -> list[str]:
    resources = template.resources
    declared = set(template.parameters) | PSEUDO_NAMES
    dependencies: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        names = _ordered_references(resource.properties, None)
        unknown = [name for name in names if name not in resources and name not in declared]
        unknown += [name for name in resource.depends_on if name not in resources]
        if unknown:
            raise TemplateError(messages.unresolved_resources(unknown), where=f"Resources.{logical_id}")
        dependencies[logical_id] = _unique([name for name in names if name in resources], resource.depends_on)
    _check_acyclic(list(resources), dependencies)
    created = [logical_id for logical_id in resources if evaluator.includes(logical_id)]
    for logical_id in created:
        _check_existing(template, evaluator, logical_id)
    included = set(created)
    return _topological(created, {key: [d for d in dependencies[key] if d in included] for key in created})


def _ordered_references(value: Any, choose: _Chooser) -> list[str]:
    found: dict[str, None] = {}
    _collect(value, found, choose)
    return list(found)


def _collect(value: Any, found: dict[str, None], choose: _Chooser) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, found, choose)
        return
    if not isinstance(value, Mapping):
        return
    if len(value) == 1:
        ((key, argument),) = value.items()
        if _collect_function(key, argument, found, choose):
            return
    for item in value.values():
        _collect(item, found, choose)


def _collect_function(key: str, argument: Any, found: dict[str, None], choose: _Chooser) -> bool:
    """Collects the names an intrinsic function refers to; False when ``key`` is not one it reads."""
    if key == "Ref" and isinstance(argument, str):
        found[argument] = None
    elif key == "Fn::GetAtt" and isinstance(argument, str):
        found[argument.split(".", 1)[0]] = None
    elif key == "Fn::GetAtt" and isinstance(argument, list) and argument and isinstance(argument[0], str):
        found[argument[0]] = None
        _collect(argument[1:], found, choose)
    elif key == "Fn::Sub" and isinstance(argument, str | list) and argument:
        text = argument if isinstance(argument, str) else argument[0]
        local = argument[1] if isinstance(argument, list) and len(argument) > 1 else {}
        if isinstance(text, str):
            for name in variable_names(text):
                if not isinstance(local, Mapping) or name not in local:
                    found[name.split(".", 1)[0]] = None
        _collect(local, found, choose)
    elif key == "Fn::If" and isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str):
        branches = argument[1:] if choose is None else [argument[1] if choose(argument[0]) else argument[2]]
        _collect(branches, found, choose)
    else:
        return False
    return True


def _unique(*groups: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for group in groups for name in group))


def _check_existing(template: Template, evaluator: Evaluator, logical_id: str) -> None:
    where = f"Resources.{logical_id}"
    resource = template.resources[logical_id]

    def choose(condition: str) -> bool:
        if not evaluator.has_condition(condition):
            raise TemplateError(messages.unresolved_condition_in(condition, "Fn::If"), where=where)
        return evaluator.condition(condition)

    names = _unique(_ordered_references(resource.properties, choose), resource.depends_on)
    missing = [name for name in names if name in template.resources and not evaluator.includes(name)]
    if missing:
        raise TemplateError(messages.unresolved_resources(missing), where=where)


def _topological(nodes: list[str], dependencies: Mapping[str, list[str]]) -> list[str]:
    """Kahn's algorithm; of the nodes ready at once, the one written first goes first."""
    position = {node: index for index, node in enumerate(nodes)}
    waiting = {node: len(set(dependencies[node])) for node in nodes}
    dependents: dict[str, list[str]] = {node: [] for node in nodes}
    for node in nodes:
        for dependency in set(dependencies[node]):
            dependents[dependency].append(node)
    ready = [position[node] for node in nodes if waiting[node] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for dependent in dependents[node]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, position[dependent])
    return order


def _check_acyclic(nodes: list[str], dependencies: Mapping[str, list[str]]) -> None:
    ordered = set(_topological(nodes, dependencies))
    if len(ordered) == len(nodes):
        return
    # what is left is on a cycle or waits for one; name only the resources on a cycle
    members = [node for node in nodes if node not in ordered and _reaches(node, node, dependencies)]
    raise TemplateError(messages.circular_resources(members), where=f"Resources.{members[0]}")


def _reaches(start: str, target: str, dependencies: Mapping[str, list[str]]) -> bool:
    seen: set[str] = set()
    stack = list(dependencies[start])
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(dependencies[node])
    return False
