"""Who may do and see what.

- ``permissions``: the role rules (which role opens which page, sees which records).
- ``accounts``: accounts, passwords, roles, logging in.
- ``throttle``: log-in throttling (how long an attempt must wait).
- ``addresses``: the client's address, behind trusted proxies or not.
- ``sessions``: browser sessions (the cookie, idle and absolute limits).
"""
