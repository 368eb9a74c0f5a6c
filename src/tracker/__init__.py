"""Campaign tracker for the Kimberley Process Civil Society Coalition."""

__version__ = "0.1.0"
