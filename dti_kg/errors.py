"""Errors the user is meant to read. The CLI prints them without a traceback."""


class DtiError(Exception):
    """A problem with the user's input or environment, stated so the user can act on it."""

    exit_code = 2


class InputError(DtiError):
    """A bad input file or parameter; the message names it."""


class StoreError(DtiError):
    """The store is missing, locked by another build, or unreadable."""


class BuildRefused(DtiError):
    """A build was not switched in (the shrink guard); the previous build is still served."""

    exit_code = 4
