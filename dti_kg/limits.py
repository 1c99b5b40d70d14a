"""The memory cap shared by every process that opens a store: query workers and the ``dti`` commands.

A runaway query then fails in its own process instead of pushing the whole machine into swap.
"""

from __future__ import annotations

import resource

MEMORY_NOTE = "raise DTI_KG_WORKER_MEMORY_MB if the machine has the memory"


def cap_memory(megabytes: int) -> None:
    """Limit this process's heap and private mappings (RLIMIT_DATA) to ``megabytes``."""
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # an unprivileged process cannot raise its hard limit
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
