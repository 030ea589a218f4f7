"""SES resources deployed from a template: identities, templates, receipt rule sets and rules, created,
updated in place or replaced, and deleted as CloudFormation does; a rule set made active when none is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from triggerfish.cli.summary import TRIGGERS
from triggerfish.config.deploy.engine import Deployer, DeployReport
from triggerfish.config.deploy.resources import Services
from triggerfish.config.errors import TemplateError
from triggerfish.config.loader import load_definition
from triggerfish.core.clock import VirtualClock
from triggerfish.services.lambda_.code import CodeStore
from triggerfish.services.ses import SesService
from triggerfish.services.ses.receiving.models import InvocationType, LambdaAction, S3Action, StopAction
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.store.factory import open_store

REGION = "us-east-1"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:inbox"


@dataclass
class Cloud:
    deployer: Deployer
    ses: SesService
    rules: ReceiptRules
    folder: Path

    async def deploy(self, template: str) -> DeployReport:
        (self.folder / "template.yaml").write_text(template)
        return await self.deployer.deploy(load_definition(self.folder, stack_name="mail"))


@pytest.fixture
async def cloud(tmp_path: Path) -> AsyncIterator[Cloud]:
    store, clock = open_store(None), VirtualClock()
    await store.open()
    ses, rules = SesService(store, clock), ReceiptRules(store, clock)
    await ses.start()
    await rules.start()
    # no function is deployed here: the Lambda service is never reached
    services = Services(cast(Any, None), CodeStore(None), ses=ses, receipt_rules=rules)
    yield Cloud(Deployer(services, store.documents, clock), ses, rules, tmp_path)
    await ses.close()
    await store.close()


MAIL = """
Resources:
  Domain:
    Type: AWS::SES::EmailIdentity
    Properties:
      EmailIdentity: example.com
      MailFromAttributes: {MailFromDomain: bounce.example.com}
  Sender:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: noreply@other.org}
  Welcome:
    Type: AWS::SES::Template
    Properties:
      Template:
        TemplateName: welcome
        SubjectPart: "Hello {{name}}"
        TextPart: "Welcome, {{name}}."
        HtmlPart: "<p>Welcome, {{name}}.</p>"
  Rules:
    Type: AWS::SES::ReceiptRuleSet
    Properties: {RuleSetName: inbound}
  Store:
    Type: AWS::SES::ReceiptRule
    Properties:
      RuleSetName: !Ref Rules
      Rule:
        Name: store
        Enabled: "true"
        Recipients: [Support@Example.com]
        Actions:
          - S3Action: {BucketName: mail-bucket, ObjectKeyPrefix: raw/}
  Invoke:
    Type: AWS::SES::ReceiptRule
    Properties:
      RuleSetName: !Ref Rules
      After: !Ref Store
      Rule:
        Enabled: true
        ScanEnabled: true
        TlsPolicy: Require
        Actions:
          - LambdaAction: {FunctionArn: %(function)s, InvocationType: %(invocation)s}
          - StopAction: {Scope: RuleSet}
  Tracking:
    Type: AWS::SES::ConfigurationSet
    Properties: {Name: tracking}
  Contacts:
    Type: AWS::SES::ContactList
Outputs:
  Domain: {Value: !Ref Domain}
  DkimName: {Value: !GetAtt Domain.DkimDNSTokenName1}
  DkimValue: {Value: !GetAtt Domain.DkimDNSTokenValue3}
  Template: {Value: !GetAtt Welcome.Id}
  RuleSet: {Value: !Ref Rules}
  Rule: {Value: !Ref Invoke}
  Tracking: {Value: !Ref Tracking}
  Contacts: {Value: !Ref Contacts}
"""


def _mail(invocation: str = "RequestResponse") -> str:
    return MAIL % {"function": FUNCTION, "invocation": invocation}


async def test_identities_templates_and_rules_are_created(cloud: Cloud) -> None:
    report = await cloud.deploy(_mail())

    assert cloud.ses.is_verified(REGION, "anyone@example.com") and cloud.ses.is_verified(REGION, "noreply@other.org")
    domain = cloud.ses.identity(REGION, "example.com")
    assert domain is not None and len(domain.dkim_tokens) == 3 and domain.dkim_enabled
    assert domain.mail_from_domain == "bounce.example.com"
    assert report.outputs["Domain"] == "example.com"
    assert report.outputs["DkimName"] == f"{domain.dkim_tokens[0]}._domainkey.example.com"
    assert report.outputs["DkimValue"] == f"{domain.dkim_tokens[2]}.dkim.amazonses.com"

    template = cloud.ses.get_template(REGION, "welcome")
    assert (template.subject, template.text) == ("Hello {{name}}", "Welcome, {{name}}.")
    assert report.outputs["Template"] == "welcome"

    active = cloud.rules.active(REGION)
    assert active is not None and active.name == "inbound" == report.outputs["RuleSet"]
    store, invoke = active.rules
    assert (store.name, store.enabled, store.recipients) == ("store", True, ("support@example.com",))
    assert store.actions == (S3Action("mail-bucket", "raw/"),)
    # a rule without a name gets one made up from the stack and logical id
    assert invoke.name == report.outputs["Rule"] and invoke.name.startswith("mail-Invoke-")
    assert (invoke.scan_enabled, invoke.tls_policy.value, invoke.recipients) == (True, "Require", None)
    assert invoke.actions == (LambdaAction(FUNCTION, InvocationType.REQUEST_RESPONSE), StopAction("RuleSet"))
    assert (report.outputs["Tracking"], report.outputs["Contacts"]) == (
        "tracking",
        report.resources["Contacts"].physical_id,
    )
    assert report.resources["Rules"].attributes == {"ActivatedLocally": True}


async def test_a_redeploy_updates_rules_and_templates_in_place(cloud: Cloud) -> None:
    await cloud.deploy(_mail())
    changed = (
        _mail("Event")
        .replace("Welcome, {{name}}.</p>", "Hi again, {{name}}.</p>")
        .replace("[Support@Example.com]", "[help@example.com, .example.org]")
        .replace("      After: !Ref Store\n", "")
    )
    report = await cloud.deploy(changed)

    assert set(report.updated) == {"Welcome", "Store", "Invoke"}
    assert cloud.ses.get_template(REGION, "welcome").html == "<p>Hi again, {{name}}.</p>"
    active = cloud.rules.active(REGION)
    assert active is not None
    invoke, store = active.rules  # without After, the rule moves to the front of its set
    assert store.recipients == (".example.org", "help@example.com")
    assert invoke.actions[0] == LambdaAction(FUNCTION, InvocationType.EVENT)


async def test_renamed_resources_are_replaced_and_the_active_set_follows(cloud: Cloud) -> None:
    await cloud.deploy(_mail())
    renamed = _mail().replace("RuleSetName: inbound", "RuleSetName: inbound-v2").replace("welcome", "welcome-v2")
    report = await cloud.deploy(renamed)

    assert {"Rules", "Welcome", "Store", "Invoke"} <= set(report.updated)
    assert [rule_set.name for rule_set in cloud.rules.list_rule_sets(REGION)] == ["inbound-v2"]
    active = cloud.rules.active(REGION)
    assert active is not None and active.name == "inbound-v2" and len(active.rules) == 2
    assert [template.name for template in cloud.ses.list_templates(REGION)] == ["welcome-v2"]


async def test_a_rule_set_stays_inactive_when_another_is_active(cloud: Cloud) -> None:
    await cloud.rules.create_rule_set(REGION, "mine")
    await cloud.rules.set_active(REGION, "mine")
    report = await cloud.deploy(_mail())
    active = cloud.rules.active(REGION)
    assert active is not None and active.name == "mine"
    assert report.resources["Rules"].attributes == {}


async def test_removed_resources_are_deleted(cloud: Cloud) -> None:
    await cloud.deploy(_mail())
    report = await cloud.deploy("Resources:\n  Tracking:\n    Type: AWS::SES::ConfigurationSet\n")

    assert set(report.deleted) == {"Domain", "Sender", "Welcome", "Rules", "Store", "Invoke", "Contacts"}
    assert cloud.ses.identities(REGION) == [] and cloud.ses.list_templates(REGION) == []
    # the rule set this stack made active is let go, so that it can be deleted
    assert cloud.rules.active(REGION) is None and cloud.rules.list_rule_sets(REGION) == []


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        (
            "Type: AWS::SES::ReceiptRule\n    Properties: {RuleSetName: nowhere, Rule: {Name: r}}",
            "RuleSetDoesNotExist: Rule set does not exist: nowhere",
        ),
        (
            "Type: AWS::SES::ReceiptRule\n    Properties: {RuleSetName: x, Rule: {Name: r, Enabled: maybe}}",
            "Value of property Rule.Enabled must be of type Boolean",
        ),
        ("Type: AWS::SES::ReceiptRule\n    Properties: {RuleSetName: x}", "Property Rule cannot be empty."),
        ("Type: AWS::SES::EmailIdentity\n    Properties: {}", "Property EmailIdentity cannot be empty."),
        (
            "Type: AWS::SES::Template\n    Properties: {Template: {TemplateName: 'bad name'}}",
            "InvalidParameterValue: Template name bad name is not valid.",
        ),
        (
            "Type: AWS::SES::Template\n    Properties: {Template: {TemplateName: t, SubjectPart: [1]}}",
            "Value of property Template.SubjectPart must be of type String",
        ),
    ],
)
async def test_bad_resources_fail_with_one_line_template_errors(cloud: Cloud, resource: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        await cloud.deploy(f"Resources:\n  Broken:\n    {resource}\n")
    assert caught.value.where == "Resources.Broken"
    assert caught.value.problem == problem


async def test_bad_actions_are_refused_as_ses_refuses_them(cloud: Cloud) -> None:
    broken = _mail().replace(
        "- StopAction: {Scope: RuleSet}",
        "- StopAction: {Scope: RuleSet}\n          - AddHeaderAction: {HeaderName: X-A, HeaderValue: b}",
    )
    with pytest.raises(TemplateError) as caught:
        await cloud.deploy(broken)
    assert caught.value.where == "Resources.Invoke"
    assert caught.value.problem == (
        "InvalidParameterValue: Stop action, if any, must be placed at the end of the actions list"
    )


async def test_without_ses_a_template_says_so(tmp_path: Path) -> None:
    store, clock = open_store(None), VirtualClock()
    await store.open()
    deployer = Deployer(Services(cast(Any, None), CodeStore(None)), store.documents, clock)
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Id:\n    Type: AWS::SES::EmailIdentity\n    Properties: {EmailIdentity: a.com}\n"
    )
    with pytest.raises(TemplateError) as caught:
        await deployer.deploy(load_definition(tmp_path))
    assert caught.value.problem == "SES is not available in this cloud"
    await store.close()


async def test_up_lists_rule_sets_and_rules_as_trigger_lines(cloud: Cloud) -> None:
    await cloud.rules.create_rule_set(REGION, "mine")
    await cloud.rules.set_active(REGION, "mine")
    first = await cloud.deploy(_mail())
    names = {FUNCTION: "inbox"}
    lines = [
        line
        for resource in first.resources.values()
        if (describe := TRIGGERS.get(resource.type)) and (line := describe(resource, names))
    ]
    assert lines == [
        "email rule set inbound (inactive: another rule set was active)",
        "email rule inbound/store Support@Example.com → s3 mail-bucket/raw/",
        f"email rule inbound/{first.resources['Invoke'].physical_id} any recipient → inbox (RequestResponse), stop",
    ]
    await cloud.rules.set_active(REGION, None)
    await cloud.deploy(_mail().replace("RuleSetName: inbound", "RuleSetName: other"))
    report = await cloud.deploy(_mail("Event").replace("Enabled: true", "Enabled: false"))
    described = {
        key: TRIGGERS[resource.type](resource, names)
        for key, resource in report.resources.items()
        if resource.type.startswith("AWS::SES::Receipt")
    }
    assert described["Rules"] == (
        "email rule set inbound made active (locally only: CloudFormation leaves it inactive)"
    )
    assert described["Invoke"].endswith("→ inbox (Event), stop (disabled)")
