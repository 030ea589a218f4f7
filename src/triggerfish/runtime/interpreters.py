"""Which Python interpreter runs a function's runtime."""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import cache

from triggerfish.core.errors import InvalidRuntime

SUPPORTED_RUNTIMES = ("python3.11", "python3.12", "python3.13")


def host_runtime() -> str:
    return "python%d.%d" % sys.version_info[:2]


@cache
def find_interpreter(runtime: str) -> str:
    """The host interpreter when it matches ``runtime``, else a ``pythonX.Y`` found on PATH."""
    if runtime == host_runtime():
        return sys.executable
    candidate = shutil.which(runtime)
    if candidate and _reports_version(candidate, runtime):
        return candidate
    raise InvalidRuntime(
        f"The runtime {runtime} needs a {runtime} interpreter: this host runs {host_runtime()} "
        f"and no working {runtime} was found on PATH."
    )


def _reports_version(executable: str, runtime: str) -> bool:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print('python%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == runtime
