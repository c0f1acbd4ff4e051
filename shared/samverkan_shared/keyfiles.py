"""Secret files on disk: owner-only (0600) from the first byte, written atomically."""

import contextlib
import os
import secrets
from pathlib import Path

__all__ = [
    "MissingSecret",
    "create_secret_file",
    "load_or_create_secret",
    "write_secret_file",
]

_OWNER_ONLY = 0o600


def write_secret_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600, replacing any existing file.

    The bytes go to a temporary file in the same folder that is created 0600 (never
    chmod-ed afterwards, so there is no moment when others may open it) and is then
    renamed over ``path``: a reader sees the old content or the new, never half.
    """
    temporary = _write_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def create_secret_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` with mode 0600.

    Raises ``FileExistsError`` if ``path`` exists, so two processes starting at once
    cannot both create (and one silently replace) a key file.
    """
    temporary = _write_temporary(path, data)
    try:
        # link(2) fails if the target exists and publishes the complete file at once.
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_directory(path.parent)


def _write_temporary(path: Path, data: bytes) -> Path:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    descriptor = os.open(temporary, flags, _OWNER_ONLY)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _sync_directory(folder: Path) -> None:
    # Makes the rename durable across a crash; not every platform can open a folder.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class MissingSecret(FileNotFoundError):
    """A required secret file is absent outside the demo (no working default)."""


def load_or_create_secret(path: Path, *, size: int = 32, create: bool) -> bytes:
    """Read a random secret; in the demo, generate it on first start.

    Outside the demo a missing file is an error that names the file: a production secret
    never silently gets a default.
    """
    if not path.exists():
        if not create:
            raise MissingSecret(
                f"The secret file {path} does not exist; provision it (mode 0600) or run "
                "the demo with SAMVERKAN_DEMO=1 to generate one."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process created it first
            create_secret_file(path, secrets.token_bytes(size))
    return path.read_bytes()
