"""Which Python interpreter runs a function's runtime."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from triggerfish.core.errors import InvalidRuntime

SUPPORTED_RUNTIMES = ("python3.11", "python3.12", "python3.13")


def host_runtime() -> str:
    return f"python{sys.version_info[0]}.{sys.version_info[1]}"


@cache
def find_interpreter(runtime: str) -> str:
    """The host interpreter when it matches ``runtime``, else a ``pythonX.Y`` found on PATH."""
    if runtime == host_runtime():
        return sys.executable
    for candidate in _candidates(runtime):
        if _reports_version(candidate, runtime):
            return candidate
    raise InvalidRuntime(
        f"The runtime {runtime} needs a {runtime} interpreter: this host runs {host_runtime()} "
        f"and no working {runtime} was found on PATH."
    )


def _candidates(runtime: str) -> list[str]:
    """``pythonX.Y`` on PATH, then interpreters installed by pyenv (which may not be on PATH)."""
    found = [path] if (path := shutil.which(runtime)) else []
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    version = runtime.removeprefix("python")
    found.extend(str(p) for p in sorted(pyenv_root.glob(f"versions/{version}.*/bin/{runtime}"), reverse=True))
    return found


def _reports_version(executable: str, runtime: str) -> bool:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print('python%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == runtime
