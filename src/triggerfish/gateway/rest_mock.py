"""MOCK integrations of REST APIs, as far as CORS preflights need them.

The answer is the default integration response (the one without a selection pattern): its status, its
``'literal'`` ``method.response.header.*`` parameters and a literal body template. That is what the OPTIONS
methods the Serverless Framework and the console generate for CORS consist of; mapping templates with
expressions are not evaluated.
"""

from __future__ import annotations

import functools
import logging

from triggerfish.gateway import errors
from triggerfish.gateway.response import Header, Response, encode_header
from triggerfish.services.apigateway.views import IntegrationResponseView, IntegrationView

log = logging.getLogger(__name__)

_HEADER_PARAMETER = "method.response.header."
_DEFAULT_TYPE: Header = (b"Content-Type", b"application/json")


def mock_response(integration: IntegrationView) -> Response:
    chosen = _default_response(integration.responses)
    if chosen is None or not chosen.status_code.isdigit():
        # no integration response to answer with: API Gateway reports a configuration error
        return errors.rest_internal_error()
    lines: list[Header] = []
    typed = False
    for name, value in chosen.response_parameters.items():
        if not name.startswith(_HEADER_PARAMETER):
            continue
        header = name[len(_HEADER_PARAMETER) :]
        if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
            lines.append((encode_header(header), encode_header(value[1:-1])))
            typed = typed or header.lower() == "content-type"
        else:
            _expression_ignored(value)
    if not typed:
        lines.append(_DEFAULT_TYPE)
    template = chosen.response_templates.get("application/json", "")
    if "$" in template or "#" in template:
        _expression_ignored(template)
        template = ""
    return Response(int(chosen.status_code), lines, template.encode("utf-8"))


def _default_response(responses: tuple[IntegrationResponseView, ...]) -> IntegrationResponseView | None:
    for response in responses:
        if not response.selection_pattern:
            return response
    return responses[0] if responses else None


@functools.lru_cache(maxsize=64)
def _expression_ignored(text: str) -> None:
    log.warning("MOCK integration: the mapping expression %r is not evaluated locally", text)
