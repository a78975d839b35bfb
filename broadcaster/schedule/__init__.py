"""The station's broadcast schedule: slot definitions in local wall-clock time, and their instants."""

from broadcaster.schedule.days import parse_day
from broadcaster.schedule.model import WEEKDAYS, Schedule, SlotInstance, SlotSpec, expand_day
from broadcaster.schedule.parse import check_schedule, load_schedule, parse_schedule

__all__ = ["WEEKDAYS", "Schedule", "SlotInstance", "SlotSpec", "check_schedule", "expand_day",
           "load_schedule", "parse_day", "parse_schedule"]
