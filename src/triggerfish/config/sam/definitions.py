"""Local OpenAPI files of SAM APIs (``DefinitionUri: api.yaml``), read and inlined as ``DefinitionBody``.

The translator takes ``DefinitionUri`` only as an S3 location. A deployed template got there through
``sam package``, which uploads the file and points API Gateway at it. Locally the file is read instead and
put in ``DefinitionBody``, which the translator accepts and treats as any definition written inline.

``Globals.Api.DefinitionUri`` is left to the translator: AWS's transform merges it into APIs that already
have a (generated) ``DefinitionBody`` and rejects the result, and doing otherwise here would accept
templates AWS refuses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.sam.local_code import is_s3_uri
from triggerfish.config.sam.parameters import resolve_text

_API = "AWS::Serverless::Api"
_HTTP_API = "AWS::Serverless::HttpApi"


def inline_local_definitions(body: dict[str, Any], *, base_dir: Path, values: Mapping[str, Any], source: Path) -> None:
    """Inline, in place, every local ``DefinitionUri`` of an API."""
    resources = body.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        if not isinstance(resource, dict) or resource.get("Type") not in (_API, _HTTP_API):
            continue
        properties = resource.get("Properties")
        if not isinstance(properties, dict) or "DefinitionUri" not in properties or "DefinitionBody" in properties:
            continue  # with both given, the translator reports it
        text = resolve_text(properties["DefinitionUri"], values)
        if text is None or is_s3_uri(text):
            continue  # an S3 location or {Bucket, Key}: the translator takes it as it is
        # a relative path is relative to the template's folder (aws cloudformation package's rule)
        path = Path(os.path.normpath(base_dir / text))
        if not path.is_file():
            problem = f"local OpenAPI file {text!r} does not exist (looked for {path})"
            raise TemplateError(problem, file=source, where=f"Resources.{logical_id}.Properties.DefinitionUri")
        from triggerfish.config.cfn.reader import read_template_file  # the template dialect: short-form tags too

        del properties["DefinitionUri"]
        properties["DefinitionBody"] = read_template_file(path)
