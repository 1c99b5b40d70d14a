"""dti_kg.limits: what every child process the package starts shares."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

# A child that watches a parent given by pid and would otherwise sleep for a minute.
WATCHING = (
    "import sys, time; from dti_kg.limits import exit_with_parent; "
    "exit_with_parent(int(sys.argv[1]), interval=0.05); print('watching', flush=True); time.sleep(60)"
)


@pytest.mark.parametrize(
    ("parent", "ends"),
    [
        pytest.param("gone", True, id="a parent that died before the watch began"),
        pytest.param("mine", False, id="its living parent"),
    ],
)
def test_a_child_ends_when_the_parent_it_watches_is_gone(parent: str, ends: bool) -> None:
    """A build's SHACL worker is told its parent's pid: if the build is killed while the worker is
    still starting, the worker sees a new parent (init) and ends instead of waiting forever."""
    watched = os.getpid() if parent == "mine" else 2**22 + 1  # above pid_max: no such process
    with subprocess.Popen(
        [sys.executable, "-c", WATCHING, str(watched)], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "watching\n"
            time.sleep(1.0)
            assert (child.poll() == 1) is ends, f"return code {child.poll()}"
        finally:
            child.kill()
