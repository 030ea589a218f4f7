"""Stored email templates, in memory and as documents (kind ``ses.template``, scope
``<account>/<region>``, name the template's name); parts are checked when stored."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.ses import templates
from triggerfish.services.ses.errors import AlreadyExists, InvalidParameterValue, TemplateDoesNotExist
from triggerfish.services.ses.models import TEMPLATE_KIND, Template
from triggerfish.store.interfaces import Document, DocumentStore

# "The name can contain up to 64 ASCII letters (a-z, A-Z), numbers (0-9), underscores (_), or dashes (-)" (Template)
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_template(template: Template) -> None:
    if not template.name:
        raise InvalidParameterValue("Template name cannot be empty.")
    if not _NAME.fullmatch(template.name):
        raise InvalidParameterValue(f"Template name {template.name} is not valid.")
    for part in (template.subject, template.text, template.html):
        if part:
            templates.check(part)


class TemplateRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock, account: str) -> None:
        self._documents = documents
        self._clock = clock
        self._account = account
        self._templates: dict[str, dict[str, Template]] = {}

    async def load(self) -> None:
        self._templates = {}
        for document in await self._documents.list(TEMPLATE_KIND):
            account, region = document.scope.split("/", 1)
            if account == self._account:
                self._templates.setdefault(region, {})[document.name] = _from_document(document)

    def get(self, region: str, name: str) -> Template:
        found = self._templates.get(region, {}).get(name)
        if found is None:
            raise TemplateDoesNotExist(name)
        return found

    def list(self, region: str) -> list[Template]:
        """Templates of a region, oldest first (ListTemplates' order)."""
        return sorted(self._templates.get(region, {}).values(), key=lambda template: (template.created, template.name))

    async def create(self, region: str, template: Template) -> Template:
        check_template(template)
        if template.name in self._templates.get(region, {}):
            raise AlreadyExists(f"Template {template.name} already exists.", fields={"Name": template.name})
        return await self._save(region, replace(template, created=self._clock.now()))

    async def update(self, region: str, template: Template) -> Template:
        existing = self.get(region, template.name)
        check_template(template)
        return await self._save(region, replace(template, created=existing.created))

    async def delete(self, region: str, name: str, *, missing_ok: bool = True) -> None:
        if self._templates.get(region, {}).pop(name, None) is None:
            if not missing_ok:
                raise TemplateDoesNotExist(name)
            return
        await self._documents.delete(TEMPLATE_KIND, f"{self._account}/{region}", name)

    async def _save(self, region: str, template: Template) -> Template:
        body = {
            "subject": template.subject,
            "text": template.text,
            "html": template.html,
            "created": template.created,
        }
        scope = f"{self._account}/{region}"
        await self._documents.put(TEMPLATE_KIND, scope, template.name, json.dumps(body), now=self._clock.now())
        self._templates.setdefault(region, {})[template.name] = template
        return template


def _from_document(document: Document) -> Template:
    body: dict[str, Any] = json.loads(document.body)
    return Template(
        name=document.name,
        subject=body.get("subject"),
        text=body.get("text"),
        html=body.get("html"),
        created=float(body.get("created", document.created_at)),
    )
