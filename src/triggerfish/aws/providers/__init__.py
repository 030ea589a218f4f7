"""Providers: one per AWS service, unpacking parsed requests, calling a service, shaping answers."""

from triggerfish.aws.providers.base import BodyLimit, Call, Provider, Reply

__all__ = ["BodyLimit", "Call", "Provider", "Reply"]
