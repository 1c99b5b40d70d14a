"""Locate the files that ship inside the package (ontology, shapes, queries, data).

Everything is read through importlib.resources so that an installed wheel works outside the
checkout.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def data_file(name: str) -> Traversable:
    """A file in ``dti_kg/data`` (gazetteer, editions, outlets, official tables, snapshot)."""
    return files("dti_kg").joinpath("data", name)


def ontology_file() -> Traversable:
    return files("dti_kg").joinpath("ontology", "dti.ttl")


def _files_in(folder: str, suffix: str) -> list[Traversable]:
    return sorted(
        (f for f in files("dti_kg").joinpath(folder).iterdir() if f.name.endswith(suffix)),
        key=lambda f: f.name,
    )


def shape_files() -> list[Traversable]:
    return _files_in("shapes", ".ttl")


def query_files() -> list[Traversable]:
    return _files_in("queries", ".rq")


def read_text(resource: Traversable) -> str:
    return resource.read_text(encoding="utf-8")
