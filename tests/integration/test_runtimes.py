"""A function runs in the interpreter of its runtime, when that interpreter can be found."""

from __future__ import annotations

import sys

import pytest
from invocation_harness import FUNCTIONS, unique

from triggerfish.cloud import Cloud
from triggerfish.core.errors import InvalidRuntime
from triggerfish.runtime.interpreters import find_interpreter


def _working_interpreter(runtime: str) -> bool:
    # the same search the runtime makes: PATH (shims included, if they work), then pyenv's versions
    try:
        find_interpreter(runtime)
    except InvalidRuntime:
        return False
    return True


@pytest.mark.parametrize("runtime", ["python3.12", "python3.13"])
def test_function_runs_in_its_runtime(cloud: Cloud, runtime: str) -> None:
    if runtime != f"python{sys.version_info[0]}.{sys.version_info[1]}" and not _working_interpreter(runtime):
        pytest.skip(f"no working {runtime} interpreter on this machine")
    name = unique(runtime.replace(".", ""))
    function = cloud.create_function(name, handler="app.handler", code_dir=FUNCTIONS / "versions", runtime=runtime)
    assert function.runtime == runtime
    assert function.state == "Active"
    result = cloud.invoke(name, {})
    assert result.function_error is None, result.payload
    answer = result.json()
    assert isinstance(answer, dict)
    assert answer["version_info"] == [int(part) for part in runtime.removeprefix("python").split(".")]
    assert answer["execution_env"] == f"AWS_Lambda_{runtime}"
    # a second invocation is warm, in the same interpreter
    assert cloud.invoke(name, {}).json() == answer
    assert [r.cold for r in cloud.invocations_of(name)] == [True, False]


def test_host_runtime_is_the_default(cloud: Cloud) -> None:
    name = unique("default-runtime")
    function = cloud.create_function(name, handler="app.handler", code_dir=FUNCTIONS / "versions")
    host = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    assert function.runtime == host
    answer = cloud.invoke(name, {}).json()
    assert answer["version_info"] == list(sys.version_info[:2])  # type: ignore[index]
    assert answer["execution_env"] == f"AWS_Lambda_{host}"  # type: ignore[index]
