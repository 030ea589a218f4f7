"""triggerfish: AWS-Lambda-style functions and their triggers, locally, without Docker.

The public Python API. Attributes load lazily so that the execution-environment code, which
imports ``triggerfish.runtime.worker`` inside a bare interpreter, pulls in nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from triggerfish.cloud import Cloud, local

__all__ = ["Cloud", "__version__", "local"]


def __getattr__(name: str) -> Any:
    if name in ("local", "Cloud"):
        import importlib

        return getattr(importlib.import_module("triggerfish.cloud"), name)
    raise AttributeError(f"module 'triggerfish' has no attribute {name!r}")
