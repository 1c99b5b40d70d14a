"""The README's two fresh-machine commands, run exactly as written in a fresh copy of the checkout.

Regression (issue 8): `pip install . && dti serve` from the checkout answered every query with 503,
because query workers start with `python -m dti_kg.server.worker` and the checkout's `dti_kg/` (cwd
is first on sys.path) lacked `server`, which only the install mapped in. The editable install the
other tests use could not see it. This test uses the non-editable install and cwd = checkout.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
# What a fresh clone would not have: local venvs, builds, stores and caches (stores only at the top).
COPY_IGNORE_ANYWHERE = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache", ".mypy_cache"
)


def _ignore(folder: str, names: list[str]) -> set[str]:
    ignored = set(COPY_IGNORE_ANYWHERE(folder, names))
    if Path(folder) == REPO:
        ignored |= {n for n in names if n in (".venv", "build", "dist") or n.startswith("store")}
    return ignored


def readme_commands() -> list[str]:
    """The first two lines of the README's first ``sh`` block, comments stripped."""
    block = re.search(r"```sh\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "README.md has no sh block"
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line][:2]


def test_readme_starts_with_a_serve_and_a_test_command() -> None:
    serve, test = readme_commands()
    assert "pip install . " in serve and serve.endswith("dti serve --store store")
    assert "pip install -e '.[test]'" in test and test.endswith(".venv/bin/pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci, ".ci/run must run the README's test command as written"


def _port_8000_free() -> bool:
    try:
        requests.get("http://127.0.0.1:8000/healthz", timeout=1)
    except requests.ConnectionError:
        return True
    return False


@pytest.mark.slow
@pytest.mark.integration
def test_readme_serve_command_from_a_fresh_checkout(tmp_path: Path) -> None:
    """Non-editable install, cwd = the checkout, the command as written; a canned query answers 200."""
    assert _port_8000_free(), "port 8000 is taken: the README's serve command needs it"
    checkout = tmp_path / "dti-kg"
    shutil.copytree(REPO, checkout, symlinks=True, ignore=_ignore)
    serve, _ = readme_commands()
    log = (tmp_path / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["DTI_KG_CACHE"] = str(tmp_path / "cache")  # a fresh machine: nothing validated yet
    process = subprocess.Popen(
        ["bash", "-c", serve],
        cwd=checkout,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600  # pip resolves and installs the dependencies into a new venv
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
            try:
                if requests.get("http://127.0.0.1:8000/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(1)
        response = requests.get(
            "http://127.0.0.1:8000/queries/province-trajectory.csv",
            params={"province": "province/thai-nguyen"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert "thai-nguyen" in response.text
        installed = subprocess.run(
            [str(checkout / ".venv/bin/python"), "-c", "import dti_kg.server; print(dti_kg.server.__file__)"],
            cwd=tmp_path,  # outside the checkout: the installed copy, not the checkout's folder
            capture_output=True,
            text=True,
            check=True,
        )
        assert "site-packages" in installed.stdout, "a non-editable install"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
