"""The database.

Typed models, the engine and start-up checks, Alembic migrations, the shipped reference
lists, backup and restore, file modes.
"""
