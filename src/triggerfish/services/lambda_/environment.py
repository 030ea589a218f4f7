"""The environment variables a function runs with (spec §1.6)."""

from __future__ import annotations

import os

from triggerfish.services.lambda_.models import LATEST, FunctionConfig

# Credentials handed to functions; any credentials work against the local endpoint.
LOCAL_ACCESS_KEY = "test"
LOCAL_SECRET_KEY = "test"
# Host variables a function needs to run programs and find shared libraries.
_INHERITED = ("PATH", "LD_LIBRARY_PATH", "HOME", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR")


def function_environment(function: FunctionConfig, endpoint_url: str | None, version: str = LATEST) -> dict[str, str]:
    env = {key: os.environ[key] for key in _INHERITED if key in os.environ}
    env.update({"LANG": "en_US.UTF-8", "TZ": ":UTC", "PYTHONUNBUFFERED": "1"})
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
    env.update(function.environment)
    env.update(
        {
            "_HANDLER": function.handler,
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": version,
            "AWS_LAMBDA_LOG_GROUP_NAME": function.log_group,
            "LAMBDA_TASK_ROOT": function.code_dir,
            "LAMBDA_RUNTIME_DIR": os.path.dirname(os.path.dirname(os.__file__)),
            "AWS_ACCESS_KEY_ID": LOCAL_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": LOCAL_SECRET_KEY,
            "AWS_SESSION_TOKEN": LOCAL_ACCESS_KEY,
        }
    )
    return env
