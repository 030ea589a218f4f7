"""Routing a request to a REST API resource and method, compiled once per deployed stage (spec §6.3).

Literal segments beat ``{param}``, which beats ``{proxy+}``; on a resource, an explicit method beats
``ANY``. A trailing slash is not part of the route: ``/pets/`` is ``/pets``.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.gateway.path_templates import PathTemplate, compile_template
from triggerfish.services.apigateway.views import MethodView, ResourceView, RestStageView


@dataclass(frozen=True, slots=True)
class RestRoute:
    resource: ResourceView
    method: MethodView
    path_parameters: dict[str, str]


class RestRouter:
    def __init__(self, view: RestStageView) -> None:
        self.view = view  # held so the id this router is cached under cannot be reused
        self._literal: dict[str, ResourceView] = {}
        templated: list[tuple[PathTemplate, ResourceView]] = []
        for resource in view.resources:
            template = compile_template(resource.path)
            if template.pattern is None:
                self._literal[template.text] = resource
            else:
                templated.append((template, resource))
        templated.sort(key=lambda pair: pair[0].kinds)
        self._templated = templated

    def route(self, method: str, path: str) -> RestRoute | None:
        """``path`` is the raw path inside the stage, starting with ``/``."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        resource = self._literal.get(path)
        if resource is not None:
            found = _method(resource, method)
            if found is not None:
                return RestRoute(resource, found, {})
        for template, resource in self._templated:
            parameters = template.match(path)
            if parameters is not None:
                found = _method(resource, method)
                if found is not None:
                    return RestRoute(resource, found, parameters)
        return None


def _method(resource: ResourceView, method: str) -> MethodView | None:
    methods = resource.methods
    return methods.get(method) or methods.get("ANY")
