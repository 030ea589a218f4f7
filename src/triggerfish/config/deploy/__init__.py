"""Deploying an app definition: creating, updating and deleting its resources in triggerfish's services."""
