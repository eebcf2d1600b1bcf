"""Staleness (kb stale): release notes, matching, marking, overdue reviews."""
