"""The CloudFormation template engine: reading, checking, parameters, conditions, intrinsics, order.

Pure: no service is called. A deployer reads a file (``read_template_file``), checks it into the
model (``parse_template``), resolves its parameters (``resolve_parameters``), makes an ``Evaluator``
for the stack, and creates resources in ``deployment_order``, evaluating each one's properties with
a ``ResourceLookup`` over what it has created so far.
"""

from triggerfish.config.cfn.graph import deployment_order, references
from triggerfish.config.cfn.intrinsics import Evaluator, ResourceLookup
from triggerfish.config.cfn.parameters import resolve_parameters
from triggerfish.config.cfn.pseudo import Pseudo
from triggerfish.config.cfn.reader import read_template_file, read_template_text
from triggerfish.config.cfn.template import parse_template

__all__ = [
    "Evaluator",
    "Pseudo",
    "ResourceLookup",
    "deployment_order",
    "parse_template",
    "read_template_file",
    "read_template_text",
    "references",
    "resolve_parameters",
]
