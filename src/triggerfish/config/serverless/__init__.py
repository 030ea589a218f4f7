"""serverless.yml (Serverless Framework v3): variables resolved, compiled to the CloudFormation it deploys."""

from triggerfish.config.serverless.loader import load_serverless

__all__ = ["load_serverless"]
