"""Running AWS's SAM translator (``samtranslator``) offline, quietly, with its errors as ``TemplateError``.

The translator is imported here and only here, inside ``translate``: it takes about a second to import.
It is run the way its own ``transform()`` entry point runs it (py27-compatible hashing of generated
logical ids, then ``Translator.translate``), with three things replaced so that it never reaches AWS:
- the boto3 session it reads the region from: an object that only has ``region_name`` (a real session
  would read the user's AWS config and could fail on a missing profile);
- the IAM lookup of managed policy names: ``AwsManagedPolicies``;
- the Serverless Application Repository client: refused (such applications are rejected before this).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.sam.managed_policies import AwsManagedPolicies
from triggerfish.config.sam.parameters import partition_of

#: "Resource with id [X] is invalid. ..." and "Transforming resource with id [X] attempts to create ..."
_RESOURCE_ID = re.compile(r"[Rr]esource with id \[([^\]]+)\]")
_EVENT_ID = re.compile(r"Event with id \[([^\]]+)\]")
_GLOBALS_INVALID = "'Globals' section is invalid."
#: the packages whose warnings and log records are the translator's own business
_QUIET_PACKAGES = ("samtranslator", "pydantic", "jsonschema")


@dataclass(frozen=True)
class RegionOnlySession:
    """What the translator reads from a boto3 session: the region, and nothing that touches AWS."""

    region_name: str


class RemoteLookupRefused(Exception):
    """The translator wanted to call an AWS service; locally nothing may."""


def _refuse_remote_lookup() -> Any:
    raise RemoteLookupRefused("the Serverless Application Repository cannot be reached locally")


def translate(body: dict[str, Any], values: dict[str, Any], *, region: str, source: Path) -> dict[str, Any]:
    """The CloudFormation template SAM makes of ``body`` (which it modifies: pass a copy)."""
    with _quiet():
        try:
            from samtranslator.model.exceptions import InvalidDocumentException  # type: ignore[import-untyped]
        except ImportError as exc:
            problem = f"the SAM translator (aws-sam-translator) cannot be loaded: {exc}"
            raise TemplateError(problem, file=source) from exc
        places = resource_places(body)  # before the translator rewrites the body
        try:
            return _run(body, values, region)
        except InvalidDocumentException as exc:
            causes = [str(cause.message) for cause in exc.causes]
            raise document_error(str(exc.message), causes, source, places) from None
        except RemoteLookupRefused as exc:
            raise TemplateError(str(exc), file=source) from None
        except Exception as exc:  # the translator's own bugs on odd input: still a message, never a traceback
            raise TemplateError(f"the SAM transform failed: {type(exc).__name__}: {exc}", file=source) from exc


def _run(body: dict[str, Any], values: dict[str, Any], region: str) -> dict[str, Any]:
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics  # type: ignore[import-untyped]
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.plugins.application.serverless_app_plugin import (  # type: ignore[import-untyped]
        ServerlessAppPlugin,
    )
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]
    from samtranslator.utils.py27hash_fix import (  # type: ignore[import-untyped]
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )

    policies = AwsManagedPolicies(partition_of(region)[0])
    # metrics are only ever logged; publishing them at the end empties the translator's global buffer
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    try:
        to_py27_compatible_template(body, values)
        translator = Translator(
            None,
            Parser(),
            plugins=[ServerlessAppPlugin(parameters=values, sar_client_creator=_refuse_remote_lookup)],
            boto_session=RegionOnlySession(region),
            metrics=metrics,
        )
        translated = translator.translate(body, parameter_values=values, get_managed_policy_map=lambda: policies)
        result: dict[str, Any] = undo_mark_unicode_str_in_template(translated)
        return result
    finally:
        metrics.publish()


def resource_places(body: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each resource's logical id and the names of its SAM events, to place the translator's messages."""
    resources = body.get("Resources")
    places: dict[str, tuple[str, ...]] = {}
    for logical_id, resource in resources.items() if isinstance(resources, Mapping) else ():
        properties = resource.get("Properties") if isinstance(resource, Mapping) else None
        events = properties.get("Events") if isinstance(properties, Mapping) else None
        places[str(logical_id)] = tuple(str(name) for name in events) if isinstance(events, Mapping) else ()
    return places


def document_error(
    summary: str, causes: Sequence[str], source: Path, places: Mapping[str, tuple[str, ...]]
) -> TemplateError:
    """One error naming every cause in the translator's words, placed at the resource when there is one.

    A single cause reads as itself; several read as AWS prints them: the summary, then each cause.
    """
    problem = causes[0] if len(causes) == 1 else " ".join([summary, *causes])
    wheres = {_place(cause, places) for cause in causes}
    where: str | None = None
    if causes and None not in wheres:
        where = str(wheres.pop()) if len(wheres) == 1 else "Resources"
    elif causes and all(cause.startswith(_GLOBALS_INVALID) for cause in causes):
        where = "Globals"
    return TemplateError(problem, file=source, where=where)


def _place(cause: str, places: Mapping[str, tuple[str, ...]]) -> str | None:
    """Where the thing a cause names is written; None when it names no resource.

    The translator names an event either inside its function's message ("Event with id [E]") or by the
    id of the resources it makes for it: the function's id followed by the event's name.
    """
    named = _RESOURCE_ID.search(cause)
    if named is None:
        return None
    logical_id = named.group(1)
    event_named = _EVENT_ID.search(cause, named.end())
    owner, event = logical_id, event_named.group(1) if event_named else ""
    if logical_id not in places:
        owners = [candidate for candidate in places if logical_id.startswith(candidate)]
        if not owners:
            return f"Resources.{logical_id}"
        owner = max(owners, key=len)
        event = logical_id[len(owner) :]
    return f"Resources.{owner}.Properties.Events.{event}" if event in places[owner] else f"Resources.{owner}"


@contextmanager
def _quiet() -> Iterator[None]:
    """The translator's warnings and log records stay inside: they are about AWS's service, not the app."""
    logger = logging.getLogger("samtranslator")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            for package in _QUIET_PACKAGES:
                for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning):
                    warnings.filterwarnings("ignore", category=category, module=rf"{package}(\.|$)")
            yield
    finally:
        logger.setLevel(level)
