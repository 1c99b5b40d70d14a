"""Query answers shared by every process serving one store, on disk, per build.

The response cache (response_cache.py) is per web process, so with two web processes an expensive
query ran twice per build, and each restart ran it again. A build never changes, so an answer a worker
took a while to make is written once to ``<store>.builds/answers/<build-id>/`` and read by every
process serving that build; ``dti_kg.store.prune`` removes it with its build. What is written:

* answers whose query took a worker at least SHARE_AFTER seconds (a quick one is cheaper to run again
  than to keep), until the build's folder holds SHARED_ANSWERS_MB;
* every answer ``dti_kg.server.prepare`` makes (the canned queries on their defaults, prepared after a
  build switch under a longer deadline: at 10,000 articles three of them take 20-90 s, past the 10 s
  a request may wait).

An answer is keyed by everything the worker's job holds (query text, format, dataset, row cap, base
IRI); only the current build's answers are shared (a pinned release's are not). Each file is written to
a temporary name and renamed, so a reader sees a whole answer or none. While the preparer makes an
answer it leaves a ``.preparing`` mark beside it, so a request for the same query waits for it (a
cheap one comes in milliseconds) or, once the preparation is older than the deadline, is told to come
back (503 with Retry-After) instead of taking a worker only to be stopped at the deadline.

A store the server may not write to (a read-only copy) shares nothing; every answer is still made and
kept per process as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dti_kg import store as dti_store
from dti_kg.errors import StoreError

log = logging.getLogger(__name__)

ANSWER = ".answer"
PREPARING = ".preparing"


def job_key(job: Mapping[str, Any]) -> str:
    """The name of a worker job's answer: a digest of everything the answer depends on."""
    text = json.dumps(job, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# A worker's answer as it sends it over its socket (dti_kg.server.worker): media_type, body, truncated,
# rows, build_id, the fields of executor.ExecResult. Kept as a file: a line of JSON with the three small
# fields, then the body; the build is the folder's.
Payload = dict[str, Any]


class SharedAnswers:
    """The answers folder of one store: ``folder(build_id)/<job key>.answer``."""

    def __init__(self, store_link: str | os.PathLike[str], *, max_bytes: int, share_after: float) -> None:
        self.root = dti_store.paths(store_link).answers
        self.max_bytes = max_bytes
        self.share_after = share_after
        self.writable = True  # False after a write failed: a read-only store shares nothing more
        self.hits = 0
        self.written = 0

    def folder(self, build_id: str) -> Path:
        return self.root / build_id

    def get(self, build_id: str, key: str) -> Payload | None:
        """The shared answer of ``key`` on ``build_id``, or None."""
        try:
            with open(self.folder(build_id) / (key + ANSWER), "rb") as fh:
                head = json.loads(fh.readline())
                body = fh.read()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # a damaged file is a miss, never an error page
            log.warning("shared answer %s of build %s unreadable (%s); running the query", key, build_id, exc)
            return None
        self.hits += 1
        return {**head, "body": body, "build_id": build_id}

    def worth_sharing(self, seconds: float) -> bool:
        return self.writable and seconds >= self.share_after

    def put(self, key: str, answer: Payload) -> bool:
        """Write ``answer`` for every process serving its build; False when it was not written (the
        build's folder is full, or the store is not writable)."""
        if not self.writable:
            return False
        folder = self.folder(answer["build_id"])
        body: bytes = answer["body"]
        head = json.dumps({k: answer[k] for k in ("media_type", "truncated", "rows")}).encode("utf-8")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if _size(folder) + len(body) > self.max_bytes:
                return False
            tmp = folder / f".{key}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(head + b"\n" + body)
            os.replace(tmp, folder / (key + ANSWER))
        except OSError as exc:
            self._unwritable(folder, exc)
            return False
        self.written += 1
        return True

    def _unwritable(self, folder: Path, exc: OSError) -> None:
        self.writable = False
        log.warning("answers are not shared between processes: cannot write %s (%s)", folder, exc)

    def preparing_since(self, build_id: str, key: str, within: float) -> float | None:
        """Seconds since the preparer started making ``key``, or None when it is not making it now
        (a mark older than ``within`` seconds is a preparer that died: ignored)."""
        try:
            started = os.stat(self.folder(build_id) / (key + PREPARING)).st_mtime
        except OSError:
            return None
        age = time.time() - started
        return age if 0 <= age <= within else None

    @contextlib.contextmanager
    def preparing(self, build_id: str, key: str) -> Iterator[None]:
        """Mark ``key`` as being prepared while the block runs."""
        mark = self.folder(build_id) / (key + PREPARING)
        try:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.write_text(f"pid {os.getpid()}\n", encoding="utf-8")
        except OSError as exc:  # nothing can be shared either: the caller sees ``writable`` False
            self._unwritable(mark.parent, exc)
            yield
            return
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                mark.unlink()


def _size(folder: Path) -> int:
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                total += entry.stat().st_size
    return total


def shared_answers(settings: Mapping[str, Any]) -> SharedAnswers | None:
    """The store's shared answers as ``settings`` ask (None when SHARED_ANSWERS_MB is 0 or the store
    path is no store link: the routes then answer their own 503)."""
    megabytes = int(settings.get("SHARED_ANSWERS_MB", 0))
    if megabytes <= 0:
        return None
    try:
        return SharedAnswers(
            settings["STORE"], max_bytes=megabytes << 20, share_after=float(settings.get("SHARE_AFTER", 1.0))
        )
    except StoreError:
        return None
