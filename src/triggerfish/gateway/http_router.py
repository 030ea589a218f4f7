"""Routing a request to an HTTP API route, compiled once per stage view (spec §6.3).

Priority: a full match of method and path (literal segments before ``{var}`` ones, an explicit method
before ``ANY``), then the greedy route with the most specific prefix, then ``$default``.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.gateway.path_templates import PathTemplate, compile_template
from triggerfish.services.apigatewayv2.views import HttpStageView, RouteView

DEFAULT_ROUTE = "$default"
ANY = "ANY"


@dataclass(frozen=True, slots=True)
class HttpRoute:
    route: RouteView
    path_parameters: dict[str, str]


class HttpRouter:
    def __init__(self, view: HttpStageView) -> None:
        self.view = view  # held so the id this router is cached under cannot be reused
        self._literal: dict[tuple[str, str], RouteView] = {}
        self._default: RouteView | None = None
        templated: list[tuple[tuple[object, ...], str, PathTemplate, RouteView]] = []
        for route in view.routes:
            key = route.route_key.strip()
            if key == DEFAULT_ROUTE:
                self._default = route
                continue
            method, _, path = key.partition(" ")
            method = method.upper()
            template = compile_template(path.strip())
            if template.pattern is None:
                self._literal[(method, template.text)] = route
            else:
                rank = (template.greedy, template.kinds, method == ANY)
                templated.append((rank, method, template, route))
        templated.sort(key=lambda entry: entry[0])
        self._templated = [(method, template, route) for _, method, template, route in templated]

    def route(self, method: str, path: str) -> HttpRoute | None:
        """``path`` is the raw path inside the stage (the stage's own segment removed)."""
        route = self._literal.get((method, path)) or self._literal.get((ANY, path))
        if route is not None:
            return HttpRoute(route, {})
        for route_method, template, route in self._templated:
            if route_method != method and route_method != ANY:
                continue
            parameters = template.match(path)
            if parameters is not None:
                return HttpRoute(route, parameters)
        if self._default is not None:
            return HttpRoute(self._default, {})
        return None
