"""Errors the user is meant to read. The CLI prints them without a traceback."""


class DtiError(Exception):
    """A problem with the user's input or environment, stated so the user can act on it."""

    exit_code = 2


class InputError(DtiError):
    """A bad input file or parameter; the message names it."""


class StoreError(DtiError):
    """The store is missing, locked by another build, or unreadable."""
