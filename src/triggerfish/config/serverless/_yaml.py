"""YAML files included with ``${file(...)}``, read in the same dialect as serverless.yml itself.

That dialect is the CloudFormation template loader's with YAML 1.2 booleans (short tags such as ``!Ref``
in their long form, timestamps as strings, only ``true``/``false`` are booleans, a key written twice is an
error); unlike a template, an included file may hold a list or a scalar at its top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from triggerfish.config.cfn.yaml_loader import CoreBooleansLoader
from triggerfish.config.errors import TemplateError


def load_yaml_text(text: str, *, file: Path) -> Any:
    """Parse YAML text read from ``file``; a syntax error is a TemplateError naming the line."""
    try:
        return yaml.load(text, Loader=CoreBooleansLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "unreadable YAML"
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        raise TemplateError(f"invalid YAML: {detail}", file=file, where=where) from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"invalid YAML: {exc}", file=file) from None
