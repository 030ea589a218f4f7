"""Loading a serverless.yml: read it, resolve its variables, compile it, and check the result as a template.

Stage and region follow the Serverless Framework v3: the ``--stage``/``--region`` given, else
``provider.stage``/``provider.region``, else ``dev``/``us-east-1``. With ``useDotenv: true`` the service
folder's ``.env.<stage>`` is loaded, or ``.env`` when there is none (never both); variables already in the
environment win over the file's (the dotenv rule), and ``$VAR``/``${VAR}`` inside the file are expanded.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from triggerfish.config.cfn import parse_template, read_template_file
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless.compile import compile_service
from triggerfish.config.serverless.variables import VariableContext, VariableResolver

_DOTENV_KEY = re.compile(r"[\w.-]+")
_DOTENV_REFERENCE = re.compile(
    r"(?<!\\)\$(?:\{(?P<braced>[A-Za-z_]\w*)(?::-(?P<default>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


def load_serverless(
    path: Path,
    *,
    stage: str | None = None,
    region: str | None = None,
    options: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> AppDefinition:
    """Read the serverless.yml at ``path`` into the app model; ``TemplateError`` for anything invalid."""
    path = Path(path)
    base_env = dict(os.environ if env is None else env)
    # YAML 1.2 booleans (only true/false), as the Serverless Framework reads serverless.yml
    body = read_template_file(path, core_booleans=True)
    context = VariableContext(
        service_dir=path.parent,
        config_file=path,
        stage=stage,
        region=region,
        # --stage and --region are the parameters; an option of that name cannot disagree with them
        options={key: value for key, value in (options or {}).items() if key not in ("stage", "region")},
        env=base_env,
        instance_id=secrets.token_hex(8),
    )
    watched = [path.resolve()]
    early = VariableResolver(body, context)
    if early.get("useDotenv") is True:
        dotenv = _dotenv_file(path.parent, early.stage())
        if dotenv is not None:
            watched.append(dotenv.resolve())
            context = replace(context, env={**_read_dotenv(dotenv, base_env), **base_env})
    resolver = VariableResolver(body, context)
    config = resolver.resolve()
    compiled = compile_service(config, stage=resolver.stage(), region=resolver.region(), file=path)
    template = parse_template(compiled.template, source=path, base_dir=path.parent, format="serverless")
    watched.extend(resolver.files_read)
    return AppDefinition(
        template=template,
        stack_name=compiled.stack_name,
        region=resolver.region(),
        warnings=(*resolver.warnings, *compiled.warnings),
        watched_files=tuple(dict.fromkeys(watched)),
    )


def _dotenv_file(service_dir: Path, stage: str) -> Path | None:
    for candidate in (service_dir / f".env.{stage}", service_dir / ".env"):
        if candidate.is_file():
            return candidate
    return None


def _read_dotenv(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"Failed to load environment variables: {exc}", file=path) from None
    values = _parse_dotenv(text)
    expanded: dict[str, str] = {}
    for key, value in values.items():
        expanded[key] = _expand(value, lambda name: env.get(name) or expanded.get(name) or values.get(name))
    return expanded


def _parse_dotenv(text: str) -> dict[str, str]:
    """``KEY=value`` lines (``export`` allowed, ``#`` comments, quoted values may span lines)."""
    values: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, equals, rest = line.partition("=")
        key, rest = key.strip(), rest.strip()
        if not equals or not _DOTENV_KEY.fullmatch(key) or key.startswith("#"):
            continue
        quote = rest[:1]
        if quote in ("'", '"', "`"):
            body = rest[1:]
            while quote not in body and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            value = body.split(quote, 1)[0]
            if quote == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r")
        else:
            value = rest.split("#", 1)[0].strip()  # an unquoted value ends where a comment starts
        values[key] = value
    return values


def _expand(value: str, lookup: Callable[[str], str | None]) -> str:
    """``$NAME``, ``${NAME}`` and ``${NAME:-default}`` replaced by their values; ``\\$`` is a dollar sign."""

    def replace_reference(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        found = lookup(name)
        return str(found) if found else (match.group("default") or "")

    return _DOTENV_REFERENCE.sub(replace_reference, value).replace("\\$", "$")
