"""EventBridge Scheduler: schedule groups and schedules that invoke targets (spec §4.7)."""

from triggerfish.services.scheduler.models import Schedule, ScheduleGroup
from triggerfish.services.scheduler.service import SchedulerService

__all__ = ["Schedule", "ScheduleGroup", "SchedulerService"]
