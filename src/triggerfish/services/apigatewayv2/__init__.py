"""API Gateway HTTP APIs (apigatewayv2, ``ProtocolType: HTTP``): what the management API changes and
the gateway serves (spec §6)."""

from triggerfish.services.apigatewayv2.service import HttpApiService

__all__ = ["HttpApiService"]
