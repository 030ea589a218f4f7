"""The AWS-compatible endpoint: wire protocols driven by botocore's models, and service providers."""
