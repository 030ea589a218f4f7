"""CreateIntegration, UpdateIntegration and DeleteIntegration as changes of an :class:`ApiState`."""

from __future__ import annotations

import dataclasses

from triggerfish.services.apigatewayv2.checks import check_integration
from triggerfish.services.apigatewayv2.edits import put, require_integration, with_content, without
from triggerfish.services.apigatewayv2.errors import Conflict
from triggerfish.services.apigatewayv2.inputs import IntegrationFields
from triggerfish.services.apigatewayv2.models import ApiState, Integration


def create_integration(
    state: ApiState, integration_id: str, fields: IntegrationFields, *, managed: bool = False
) -> tuple[ApiState, Integration]:
    integration = check_integration(dataclasses.replace(Integration(integration_id, "", managed=managed), **fields))
    return with_content(state, integrations=put(state.content.integrations, integration_id, integration)), integration


def update_integration(state: ApiState, integration_id: str, fields: IntegrationFields) -> tuple[ApiState, Integration]:
    integration = check_integration(dataclasses.replace(require_integration(state, integration_id), **fields))
    return with_content(state, integrations=put(state.content.integrations, integration_id, integration)), integration


def delete_integration(state: ApiState, integration_id: str) -> ApiState:
    require_integration(state, integration_id)
    users = sorted(route.id for route in state.content.routes.values() if route.integration_id == integration_id)
    if users:
        # the answer AWS gives (quoted in user reports of DeleteIntegration)
        raise Conflict(
            f"Cannot delete Integration because it is referenced by the following Routes with Ids: [{', '.join(users)}]"
        )
    return with_content(state, integrations=without(state.content.integrations, integration_id))
