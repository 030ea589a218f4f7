"""Real SAM output for the import tests: the templates in ``sam/`` through AWS's SAM translator, with
the intrinsic functions in the API body resolved the way CloudFormation resolves them before it
calls ``ImportRestApi``/``PutRestApi``."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from triggerfish.config.cfn.reader import read_template_file
from triggerfish.config.sam import transform_sam

TEMPLATES = Path(__file__).parent / "sam"
ACCOUNT = "000000000000"
REGION = "us-east-1"
STACK = "pets-stack"


#: an integration URI for tests that need any Lambda function
LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:pets/invocations"
)


def function_arn(logical_id: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{STACK}-{logical_id}"


def invocation_uri(logical_id: str) -> str:
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn(logical_id)}/invocations"


@functools.cache
def _translated(name: str) -> dict[str, Any]:
    path = TEMPLATES / name
    return transform_sam(read_template_file(path), source=path, parameter_overrides={})


def api_body(name: str, logical_id: str = "PetsApi") -> dict[str, Any]:
    """The ``Body`` SAM gives the ``AWS::ApiGateway::RestApi`` ``logical_id`` of template ``name``."""
    body = _translated(name)["Resources"][logical_id]["Properties"]["Body"]
    resolved: dict[str, Any] = _resolve(body, {})
    return resolved


def _resolve(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_resolve(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return _reference(value["Ref"], names)
    if set(value) == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn"
        return function_arn(logical_id)
    if set(value) == {"Fn::Sub"}:
        template, extra = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        local = {**names, **{key: _resolve(item, names) for key, item in extra.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda m: str(_reference(m.group(1), local)), template)
    return {key: _resolve(item, names) for key, item in value.items()}


def _reference(name: str, names: dict[str, Any]) -> Any:
    pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK, "AWS::Partition": "aws"}
    if name in names:
        return names[name]
    if name in pseudo:
        return pseudo[name]
    if name.endswith(".Arn"):
        return function_arn(name[: -len(".Arn")])
    raise AssertionError(f"unresolved reference {name}")
