"""SAM templates (``Transform: AWS::Serverless-2016-10-31``) turned into CloudFormation by AWS's own translator.

Importing this package is cheap: the translator is imported only when a template has to be translated
and no cached translation of it exists.
"""

from triggerfish.config.sam.transform import SAM_TRANSFORM, is_sam, transform_sam

__all__ = ["SAM_TRANSFORM", "is_sam", "transform_sam"]
