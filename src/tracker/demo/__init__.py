"""Illustrative demo data: the activities' story, outcomes, targets and grants."""
