"""Finding an app's definition in a folder and reading it, whatever its format, into one model."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition

#: what ``up`` looks for in a folder, in this order
DEFINITION_FILES = ("serverless.yml", "serverless.yaml", "template.yaml", "template.yml", "template.json")


def find_definition(path: Path) -> Path:
    """The definition file at ``path``: the file itself, or the first known name inside the folder."""
    if path.is_file():
        return path.resolve()
    if not path.is_dir():
        raise TemplateError(f"{path} does not exist")
    for name in DEFINITION_FILES:
        candidate = path / name
        if candidate.is_file():
            return candidate.resolve()
    raise TemplateError(f"no serverless.yml, template.yaml or template.yml in {path.resolve()}")


def is_serverless(path: Path) -> bool:
    return path.name.startswith("serverless.")


def load_definition(
    path: Path,
    *,
    stage: str | None = None,
    region: str | None = None,
    stack_name: str | None = None,
    parameter_overrides: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    account: str = "000000000000",
) -> AppDefinition:
    """Read the app at ``path`` (a folder or a definition file)."""
    source = find_definition(path)
    if is_serverless(source):
        from triggerfish.config.serverless import load_serverless

        return load_serverless(source, stage=stage, region=region, env=env if env is not None else os.environ)
    return _load_template(
        source,
        stack_name=stack_name or default_stack_name(source),
        region=region or "us-east-1",
        account=account,
        parameter_overrides=dict(parameter_overrides or {}),
        cache_dir=cache_dir,
    )


def _load_template(
    source: Path,
    *,
    stack_name: str,
    region: str,
    account: str,
    parameter_overrides: dict[str, str],
    cache_dir: Path | None,
) -> AppDefinition:
    from triggerfish.config.cfn import parse_template, read_template_file
    from triggerfish.config.sam import is_sam, transform_sam

    body = read_template_file(source)
    fmt = "cloudformation"
    if is_sam(body):
        fmt = "sam"
        body = transform_sam(
            body,
            source=source,
            parameter_overrides=parameter_overrides,
            region=region,
            account=account,
            stack_name=stack_name,
            cache_dir=cache_dir,
        )
    template = parse_template(body, source=source, base_dir=source.parent, format=fmt)
    return AppDefinition(
        template=template,
        stack_name=stack_name,
        parameter_overrides=parameter_overrides,
        region=region,
        watched_files=(source,),
    )


def default_stack_name(source: Path) -> str:
    """The app folder's name made into a valid stack name (``[A-Za-z][-A-Za-z0-9]*``, at most 128)."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", source.parent.name).strip("-")
    if not name or not name[0].isalpha():
        name = f"app-{name}".rstrip("-")
    return name[:128]
