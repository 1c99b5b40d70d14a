"""Limits shared by the processes the package runs: the memory cap of every process that opens a store
(query workers and the ``dti`` commands), so that a runaway query fails in its own process instead of
pushing the whole machine into swap; and the end of a child process with its parent.
"""

from __future__ import annotations

import os
import resource
import threading
import time

MEMORY_NOTE = "raise DTI_KG_WORKER_MEMORY_MB if the machine has the memory"


def cap_memory(megabytes: int) -> None:
    """Limit this process's heap and private mappings (RLIMIT_DATA) to ``megabytes``."""
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # an unprivileged process cannot raise its hard limit
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def exit_with_parent(parent: int | None = None, interval: float = 1.0) -> None:
    """End this (child) process as soon as its parent (``parent``, by default the current one) is gone,
    even in the middle of work: a killed parent runs no clean-up, and its worker would otherwise live
    on, holding its memory (a SHACL worker of a killed build waited forever to hand back a result nobody
    reads). A parent that passes its pid is watched even if it died before this call."""
    parent = os.getppid() if parent is None else parent

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
