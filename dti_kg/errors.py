"""Errors the user is meant to read. The CLI prints them without a traceback."""


class DtiError(Exception):
    """A problem with the user's input or environment, stated so the user can act on it."""

    exit_code = 2


class InputError(DtiError):
    """A bad input file or parameter; the message names it."""


class StoreError(DtiError):
    """The store is missing, locked by another build, or unreadable."""


class StorageFailure(DtiError):
    """The machine failed the command, not the input: disk full, an I/O error, out of memory."""

    exit_code = 3


class StoreDamaged(StoreError):
    """The store's files are corrupt (checksums do not match): it must be rebuilt."""

    exit_code = 3


class BuildRefused(DtiError):
    """A build was not switched in (the shrink guard); the previous build is still served."""

    exit_code = 4


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (pyoxigraph's can run to several), at most 200 chars."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]
