"""Every Python runtime comes with boto3, as on Lambda, even when that interpreter has none installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triggerfish.cloud import Cloud
from triggerfish.core.errors import InvalidRuntime
from triggerfish.runtime.interpreters import SUPPORTED_RUNTIMES, find_interpreter, host_runtime

OTHER = [runtime for runtime in SUPPORTED_RUNTIMES if runtime != host_runtime()]


def _available(runtime: str) -> bool:
    try:
        find_interpreter(runtime)
    except InvalidRuntime:
        return False
    return True


@pytest.mark.parametrize("runtime", OTHER)
def test_boto3_imports_under_another_interpreter(cloud: Cloud, tmp_path: Path, runtime: str) -> None:
    if not _available(runtime):
        pytest.skip(f"no {runtime} interpreter on this machine")
    (tmp_path / "app.py").write_text(
        "import sys, boto3\n"
        "def handler(event, context):\n"
        "    return {'python': '%d.%d' % sys.version_info[:2], 'boto3': boto3.__version__}\n"
    )
    name = f"sdk-{runtime.replace('.', '-')}"
    cloud.create_function(name, handler="app.handler", code_dir=tmp_path, runtime=runtime)
    result = json.loads(cloud.invoke(name, {}).payload)
    assert result["python"] == runtime.removeprefix("python")
    assert result["boto3"]
