"""Text for people.

Numbers and dates per language, plain-text escaping, country names, calendar periods,
message extraction.
"""
