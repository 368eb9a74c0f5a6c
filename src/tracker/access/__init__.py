"""Who may do and see what.

The role rules (permissions), accounts and passwords, log-in throttling, browser
sessions.
"""
