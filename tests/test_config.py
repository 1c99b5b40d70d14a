"""dti_kg.config: the one list of settings that the build, the CLI and the server read."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dti_kg import config
from dti_kg.errors import InputError
from dti_kg.graph import RELEASE_TIMESTAMP, activity_time_from_env
from dti_kg.iri import Minter
from dti_kg.server.settings import DEFAULTS, load_settings

REPO = Path(__file__).resolve().parent.parent


def test_the_docs_table_lists_every_setting_as_declared() -> None:
    rows = {}
    for line in (REPO / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 6 and cells[0] not in {"setting", "---"}:
            rows[cells[0]] = cells
    assert list(rows) == [s.name for s in config.SETTINGS]
    for s in config.SETTINGS:
        _name, env, default, kind, used_by, _meaning = rows[s.name]
        assert env == f"`{s.env}`"
        assert default == ("(unset)" if s.default is None else f"`{s.default}`")
        assert (kind, used_by) == (s.type.__name__, ", ".join(sorted(s.used_by)))


def test_the_server_reads_its_settings_from_the_list() -> None:
    server = {s.name: s.default for s in config.SETTINGS if "server" in s.used_by}
    assert server == DEFAULTS
    assert load_settings(environ={})["QUERY_TIMEOUT"] == config.BY_NAME["QUERY_TIMEOUT"].default


def test_base_iri_is_read_in_one_place_and_agrees_between_build_and_server() -> None:
    env = {"DTI_KG_BASE_IRI": "https://example.org/kg"}
    assert config.base_iri(env) == "https://example.org/kg/"
    assert load_settings(environ=env)["BASE_IRI"] == "https://example.org/kg/"
    assert config.base_iri({}) == config.DEFAULT_BASE_IRI == load_settings(environ={})["BASE_IRI"]
    assert config.base_iri({"DTI_KG_BASE_IRI": "  "}) == config.DEFAULT_BASE_IRI  # blank is unset


def test_the_minter_uses_the_configured_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTI_KG_BASE_IRI", "https://example.org/kg/")
    assert str(Minter().province("thai-nguyen")) == "https://example.org/kg/id/province/thai-nguyen"


def test_cache_dir(tmp_path: Path) -> None:
    assert config.cache_dir({"DTI_KG_CACHE": str(tmp_path)}) == tmp_path
    assert config.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "dti-kg"
    assert config.cache_dir({}) == Path.home() / ".cache" / "dti-kg"


def test_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert activity_time_from_env() == RELEASE_TIMESTAMP
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert activity_time_from_env() == datetime(1970, 1, 1, tzinfo=UTC)
    for bad, message in (("soon", "SOURCE_DATE_EPOCH must be an int"), ("-1", "must not be negative")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(InputError, match=message):
            activity_time_from_env()


def test_no_other_module_reads_the_environment() -> None:
    # Settings come from dti_kg/config.py (and the server's loader, which reads the settings file's name).
    readers = []
    for path in sorted((REPO / "dti_kg").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in {"dti_kg/config.py", "dti_kg/server/settings.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"environ", "getenv"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                readers.append(f"{rel}:{node.lineno}")
    assert readers == [], (
        f"{readers}: declare the setting in dti_kg/config.py's SETTINGS (and a row in docs/settings.md) "
        "and read it with config.read(NAME)"
    )
