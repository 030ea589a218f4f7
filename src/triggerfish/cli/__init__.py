"""The ``triggerfish`` command line: one module per command."""
