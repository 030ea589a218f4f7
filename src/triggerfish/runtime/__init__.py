"""Execution environments: worker processes forked from a warm zygote, one invocation at a time."""
