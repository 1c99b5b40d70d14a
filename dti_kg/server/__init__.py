"""dti_kg.server: the SPARQL endpoint and linked-data pages (``create_app`` is the entry point)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# The top-level server/ of the checkout is a symlink to this folder, kept for the design's map; importing
# it as `server` would load a second copy of every module (and of every exception class).
if __name__ != "dti_kg.server":
    raise ImportError(f"import dti_kg.server, not {__name__}: server/ is a view of dti_kg/server/")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """See ``dti_kg.server.app.create_app``; imported lazily so ``import dti_kg.server`` stays cheap."""
    from dti_kg.server.app import create_app as _create_app

    return _create_app(config)


__all__ = ["create_app"]
