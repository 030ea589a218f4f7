"""API Gateway REST APIs (v1): definitions, deployments and stages, and the gateway's views of them."""

from triggerfish.services.apigateway.service import RestApiService

__all__ = ["RestApiService"]
