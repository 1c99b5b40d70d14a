"""Settings shared by the CLI, the build and the server."""

from __future__ import annotations

import os

DEFAULT_BASE_IRI = "https://w3id.org/dti-kg/"


def base_iri() -> str:
    """The base of every instance IRI; ``DTI_KG_BASE_IRI`` overrides it. Always ends with "/"."""
    base = os.environ.get("DTI_KG_BASE_IRI", DEFAULT_BASE_IRI).strip()
    return base if base.endswith("/") else base + "/"
