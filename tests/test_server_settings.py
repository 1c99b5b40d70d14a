"""Settings: defaults < DTI_KG_* environment (or a DTI_KG_SETTINGS TOML file) < overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from dti_kg.errors import InputError
from dti_kg.server import create_app
from dti_kg.server.settings import DEFAULTS, load_settings


def test_defaults_then_environment_then_overrides() -> None:
    assert load_settings(environ={})["QUERY_TIMEOUT"] == DEFAULTS["QUERY_TIMEOUT"]
    env = {"DTI_KG_QUERY_TIMEOUT": "2.5", "DTI_KG_MAX_ROWS": "7", "DTI_KG_STORE": "/srv/store"}
    settings = load_settings(environ=env)
    assert (settings["QUERY_TIMEOUT"], settings["MAX_ROWS"], settings["STORE"]) == (2.5, 7, "/srv/store")
    assert load_settings({"MAX_ROWS": 3}, environ=env)["MAX_ROWS"] == 3


def test_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "dti.toml"
    path.write_text('MAX_ROWS = 12\nSTORE = "/data/store"\nQUEUE_SIZE = 0\n', encoding="utf-8")
    settings = load_settings(environ={"DTI_KG_SETTINGS": str(path), "DTI_KG_MAX_ROWS": "99"})
    assert (settings["MAX_ROWS"], settings["STORE"], settings["QUEUE_SIZE"]) == (12, "/data/store", 0)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DTI_KG_QUERY_TIMEOUT": "soon"}, "DTI_KG_QUERY_TIMEOUT: QUERY_TIMEOUT must be a float"),
        ({"DTI_KG_MAX_ROWS": "0"}, "DTI_KG_MAX_ROWS: MAX_ROWS must be positive"),
        ({"DTI_KG_SETTINGS": "/nonexistent/dti.toml"}, "DTI_KG_SETTINGS=/nonexistent/dti.toml: cannot read"),
    ],
)
def test_bad_settings_name_their_origin(environ: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_settings(environ=environ)


def test_unknown_keys_in_a_settings_file_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "dti.toml"
    path.write_text("MAX_ROW = 12\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown setting"):
        load_settings(environ={"DTI_KG_SETTINGS": str(path)})


def test_the_app_factory_applies_overrides_and_starts_no_worker(tmp_path: Path) -> None:
    app = create_app({"STORE": str(tmp_path / "store"), "MAX_REQUEST_BYTES": 1000})
    assert app.config["MAX_CONTENT_LENGTH"] == 1000
    executor = app.extensions["dti_executor"]
    assert executor.worker_pids() == []  # nothing starts until the first query
    client = app.test_client()
    r = client.get("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 503 and r.json["error"]["title"] == "Service Unavailable"
    assert r.headers["Retry-After"]
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and set(missing.json["error"]) == {"status", "title", "detail"}
    executor.close()
