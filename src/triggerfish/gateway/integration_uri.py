"""The Lambda function an integration or authorizer URI names."""

from __future__ import annotations

import re
from collections.abc import Mapping

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_FUNCTIONS = "/functions/"
_INVOCATIONS = "/invocations"


def function_arn(uri: str | None, stage_variables: Mapping[str, str]) -> str | None:
    """``arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function-arn>/invocations`` or a bare
    function ARN, with ``${stageVariables.x}`` filled in from the stage (API Gateway stage variables)."""
    if not uri:
        return None
    if "${" in uri:
        uri = _STAGE_VARIABLE.sub(lambda match: stage_variables.get(match.group(1), ""), uri)
    start = uri.find(_FUNCTIONS)
    if start < 0:
        return uri if uri.startswith("arn:") and ":lambda:" in uri else None
    arn = uri[start + len(_FUNCTIONS) :]
    if arn.endswith(_INVOCATIONS):
        arn = arn[: -len(_INVOCATIONS)]
    return arn or None
