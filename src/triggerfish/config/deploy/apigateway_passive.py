"""API Gateway resource types with no local behaviour to run, accepted so that references to them resolve.

Custom domain names and their mappings need DNS and certificates, usage plans and API keys meter and
throttle clients, models and request validators check request bodies, gateway responses and the
account's logging role shape what AWS answers or logs: none of it takes part in serving an API locally,
where an app is reached at its own local address. SAM emits some of these by default (domains,
usage plans, API keys) and serverless.yml templates may declare any of them; they are recorded with
identifiers of the shape AWS gives and nothing more, so that no deployment fails on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.passive import PassiveHandler
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource

#: the hosted zone of every CloudFront distribution (Route 53's alias target for edge domain names)
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def _short_id(context: DeployContext, logical_id: str, length: int = 10) -> str:
    """A stable lower-case id like API Gateway's, the same for the same stack and resource."""
    return hashlib.sha256(f"{context.stack_name}/{logical_id}".encode()).hexdigest()[:length]


def _with_id(attribute: str | None = None) -> PassiveHandler:
    """``Ref`` is a generated id; ``attribute`` (when the type has one) returns it too."""

    def describe(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        identifier = _short_id(context, logical_id)
        return PhysicalResource(identifier, {attribute: identifier} if attribute else {})

    return PassiveHandler(describe)


def _rest_domain(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    name = str(properties.get("DomainName") or _short_id(context, logical_id))
    short = _short_id(context, logical_id)
    return PhysicalResource(
        name,
        {
            "DistributionDomainName": f"{short}.cloudfront.net",
            "DistributionHostedZoneId": CLOUDFRONT_ZONE,
            "RegionalDomainName": f"d-{short}.execute-api.{context.scope.region}.amazonaws.com",
            "RegionalHostedZoneId": f"Z{short.upper()}",  # a stand-in: nothing resolves it locally
        },
    )


def _domain_v2(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    """``AWS::ApiGateway::DomainNameV2`` (private custom domains): Ref is the domain's ARN."""
    name = str(properties.get("DomainName") or _short_id(context, logical_id))
    short = _short_id(context, logical_id)
    scope = context.scope
    arn = f"arn:aws:apigateway:{scope.region}:{scope.account}:/domainnames/{name}+{short}"
    return PhysicalResource(arn, {"DomainNameArn": arn, "DomainNameId": short})


def _http_domain(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    name = str(properties.get("DomainName") or _short_id(context, logical_id))
    short = _short_id(context, logical_id)
    return PhysicalResource(
        name,
        {
            "RegionalDomainName": f"d-{short}.execute-api.{context.scope.region}.amazonaws.com",
            "RegionalHostedZoneId": f"Z{short.upper()}",  # a stand-in: nothing resolves it locally
            "DomainNameArn": f"arn:aws:apigateway:{context.scope.region}::/domainnames/{name}",
        },
    )


def _model(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    # a model is known by its name
    return PhysicalResource(str(properties.get("Name") or f"{logical_id}{_short_id(context, logical_id, 6)}"))


def _arn_of(kind: str, attribute: str) -> PassiveHandler:
    def describe(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        scope = context.scope
        arn = f"arn:aws:apigateway:{scope.region}:{scope.account}:/{kind}/{_short_id(context, logical_id)}"
        return PhysicalResource(arn, {attribute: arn})

    return PassiveHandler(describe)


HANDLERS: Mapping[str, PassiveHandler] = {
    "AWS::ApiGateway::Account": _with_id(),
    "AWS::ApiGateway::ApiKey": _with_id("APIKeyId"),
    "AWS::ApiGateway::BasePathMapping": _with_id(),
    "AWS::ApiGateway::BasePathMappingV2": _arn_of("basepathmappings", "BasePathMappingArn"),
    "AWS::ApiGateway::DomainName": PassiveHandler(_rest_domain),
    "AWS::ApiGateway::DomainNameV2": PassiveHandler(_domain_v2),
    "AWS::ApiGateway::DomainNameAccessAssociation": _arn_of(
        "domainnameaccessassociations", "DomainNameAccessAssociationArn"
    ),
    "AWS::ApiGateway::GatewayResponse": _with_id(),
    "AWS::ApiGateway::Model": PassiveHandler(_model),
    "AWS::ApiGateway::RequestValidator": _with_id("RequestValidatorId"),
    "AWS::ApiGateway::UsagePlan": _with_id("Id"),
    "AWS::ApiGateway::UsagePlanKey": _with_id("Id"),
    "AWS::ApiGatewayV2::ApiMapping": _with_id("ApiMappingId"),
    "AWS::ApiGatewayV2::DomainName": PassiveHandler(_http_domain),
}
