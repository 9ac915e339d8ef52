"""The Generate dock's runners are the window's one kind of background runner (``ui/background.py``)."""

from ..background import EXPECTED_ERRORS, JobRunner, LatestOnly, describe

__all__ = ["EXPECTED_ERRORS", "JobRunner", "LatestOnly", "describe"]
