"""The SQS service: durable standard and FIFO queues behind the AWS endpoint (spec §2.1)."""

from triggerfish.services.sqs.service import SqsService

__all__ = ["SqsService"]
