"""Files the tracker writes that hold records or password hashes: readable by their owner only.

The SQLite database with its ``-wal`` and ``-shm`` files, backups and command-line exports
are created with mode 0600 (under a 077 umask, so no moment exists when another local user
could open them) and tightened to 0600 when they already exist.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE = 0o600


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """New files inside the block are created readable by their owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def make_private(path: Path) -> None:
    """Tighten an existing file to 0600 (no-op when it is missing or not ours)."""
    with contextlib.suppress(OSError):
        if path.exists() and (path.stat().st_mode & 0o777) != PRIVATE:
            os.chmod(path, PRIVATE)


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing, else tighten it to 0600."""
    with private_umask(), contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
    make_private(path)


def sqlite_companions(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600: a failure (a full disk) leaves any
    previous file as it was and no partial file behind."""
    path = Path(path)
    with private_umask():
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
