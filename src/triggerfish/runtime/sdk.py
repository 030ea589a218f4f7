"""The AWS SDK for interpreters other than the host's.

Lambda's Python runtimes come with boto3. The host interpreter has it (it is a dependency of
triggerfish); another ``pythonX.Y`` usually does not, so its environments are given the host's copy,
which is pure Python, through a folder that holds links to boto3 and its dependencies only (never
the host's compiled extensions, built for another version). It goes last on ``sys.path``: the
function's own vendored copy, or one installed in that interpreter, wins.
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import tempfile
from functools import cache
from pathlib import Path

SDK_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


@cache
def sdk_path() -> str:
    """A folder holding links to the host's boto3 and its dependencies (made once per process)."""
    folder = Path(tempfile.mkdtemp(prefix="triggerfish-sdk-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in SDK_DISTRIBUTIONS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (folder / source.name).symlink_to(source)
    return str(folder)
