"""What the screens and reports count.

Filters as SQL, analytics, target status, the per-screen views, charts.
"""
