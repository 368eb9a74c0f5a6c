"""Records and their one write path each.

Declared fields, validation, audit, activities, outcomes, targets, grants, reference
lists.
"""
