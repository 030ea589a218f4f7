"""An app kept in step with its files: code edits reload functions, definition edits redeploy."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from triggerfish.cloud import Cloud
from triggerfish.config.live import DeployFailed, LiveApp, LiveEvent, Redeployed, Reloaded
from triggerfish.config.loader import load_definition

SERVICE = """
service: live
provider:
  name: aws
  runtime: python3.11
  memorySize: 128
functions:
  one:
    handler: src/app.one
  two:
    handler: other/app.two
"""


def _app(tmp_path: Path) -> Path:
    folder = tmp_path / "live"
    (folder / "src").mkdir(parents=True)
    (folder / "other").mkdir()
    (folder / "src" / "app.py").write_text("def one(event, context):\n    return 'one v1'\n")
    (folder / "other" / "app.py").write_text("def two(event, context):\n    return 'two v1'\n")
    (folder / "serverless.yml").write_text(SERVICE)
    return folder


def _live(cloud: Cloud, folder: Path, events: list[LiveEvent]) -> LiveApp:
    app = cloud.app
    load = functools.partial(load_definition, folder, env={})
    return LiveApp(load, app.deployer, app.lambda_, ignored_paths=[folder / ".triggerfish"], on_event=events.append)


def test_code_edit_reloads_and_the_next_invocation_runs_new_code(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path)
    events: list[LiveEvent] = []
    live = _live(cloud, folder, events)
    cloud.run(live.deploy())
    assert json.loads(cloud.invoke("live-dev-one", {}).payload) == "one v1"

    (folder / "src" / "app.py").write_text("def one(event, context):\n    return 'one v2'\n")
    event = cloud.run(live.apply([folder / "src" / "app.py"]))
    # serverless.yml code is the whole service folder: every function of the service reloads
    assert isinstance(event, Reloaded) and set(event.functions) == {"live-dev-one", "live-dev-two"}
    assert json.loads(cloud.invoke("live-dev-one", {}).payload) == "one v2"
    assert events == [event]


def test_definition_edit_redeploys_and_a_broken_one_keeps_the_last_good_deployment(
    cloud: Cloud, tmp_path: Path
) -> None:
    folder = _app(tmp_path)
    live = _live(cloud, folder, [])
    cloud.run(live.deploy())

    (folder / "serverless.yml").write_text(SERVICE.replace("memorySize: 128", "memorySize: 640"))
    event = cloud.run(live.apply([folder / "serverless.yml"]))
    assert isinstance(event, Redeployed)
    assert set(event.report.updated) == {"OneLambdaFunction", "TwoLambdaFunction"}
    assert cloud.get_function("live-dev-one").memory_size == 640

    (folder / "serverless.yml").write_text(SERVICE.replace("    handler: other/app.two\n", ""))
    failed = cloud.run(live.apply([folder / "serverless.yml"]))
    assert isinstance(failed, DeployFailed)
    assert "functions.two" in failed.error.message
    assert json.loads(cloud.invoke("live-dev-two", {}).payload) == "two v1"


def test_watched_roots_leave_out_the_state_folder(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path)
    (folder / ".triggerfish").mkdir()
    live = _live(cloud, folder, [])
    cloud.run(live.deploy())
    assert live.watched_roots() == [folder.resolve()]
    assert cloud.run(live.apply([folder / "README.md"])) is not None  # inside the service's code folder
