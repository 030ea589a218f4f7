"""Tests of the AWS endpoint. This directory is on ``sys.path`` so tests import ``wire_harness``."""
