"""The preparer: after each build switch, make every canned query's default answer once, for all.

``dti serve`` starts it beside the web processes as ``python -m dti_kg.server.prepare STORE`` (the
other settings from the same ``DTI_KG_*`` variables or settings file as the app). It watches the
store link; when it names a new build, it runs each canned query on its defaults (``/queries/<name>``
with no parameters), in the two formats the canned route asks its workers for (SPARQL JSON for the
page, JSON and TSV; CSV), and writes the answers to the build's shared answers
(dti_kg.server.shared_answers), which every web process reads before running a query.

Why: on a large graph the whole-graph defaults of ``conflicts``, ``unverifiable-claims`` and
``audit-trail`` take 20-90 s (10,000 articles; as long in Oxigraph's own server), past the QUERY_TIMEOUT
a request may wait, so every request for them was a 503. A build-time table would add that to every
one-article increment (12-19 s); here the new build is served at once and these answers follow. The
preparer has one worker of its own (PREPARE_TIMEOUT per query) and runs at low priority (nice 10, which
its worker inherits), so the web processes' workers are left to the requests. An answer already there
(a restart of ``dti serve``) is not made again. It exits when ``dti serve`` stops or dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

from dti_kg.errors import DtiError
from dti_kg.server import errors
from dti_kg.server.bindings import inline
from dti_kg.server.caching import current_stamp
from dti_kg.server.canned import FORMATS, canned_queries
from dti_kg.server.canned import bind as bind_parameters
from dti_kg.server.executor import Executor, make_job
from dti_kg.server.results import SPARQL_JSON
from dti_kg.server.settings import load_settings
from dti_kg.server.shared_answers import SharedAnswers, job_key, shared_answers

log = logging.getLogger("dti_kg.prepare")

POLL_SECONDS = 2.0  # how often the store link is looked at
NICENESS = 10
# The media types the canned route asks a worker for (canned.run_query): SPARQL JSON, from which it
# writes the HTML, JSON and TSV answers, and CSV.
ACCEPTS = (SPARQL_JSON, FORMATS["csv"])


@dataclass(frozen=True)
class Job:
    name: str  # the canned query
    query: str  # its text with the defaults written in
    accept: str


def default_jobs(base_iri: str) -> Iterator[Job]:
    """Each canned query that runs without parameters, on its defaults, in each format asked of workers:
    every query's SPARQL JSON first (the page, JSON and TSV answers), then the CSVs."""
    texts = {
        name: inline(canned.text, bind_parameters(canned, {}, base=base_iri))
        for name, canned in sorted(canned_queries().items())
        if canned.runs_on_defaults
    }
    for accept in ACCEPTS:
        for name, text in texts.items():
            yield Job(name, text, accept)


@dataclass
class Prepared:
    made: int = 0
    already: int = 0
    failed: int = 0
    switched: bool = False  # the store moved to another build before the end


def prepare_build(
    executor: Executor,
    answers: SharedAnswers,
    build_id: str,
    jobs: list[Job],
    current: Callable[[], str],
) -> Prepared:
    """Make the answers of ``jobs`` on ``build_id`` that are not there yet; stop when ``current()`` (the
    build the store link names now) is another build."""
    done = Prepared()
    for job in jobs:
        if current() != build_id:
            done.switched = True
            break
        key = job_key(make_job(job.query, accept=job.accept, max_rows=executor.max_rows))
        if answers.get(build_id, key) is not None:
            done.already += 1
            continue
        started = time.monotonic()
        with answers.preparing(build_id, key):
            if not answers.writable:  # a read-only store: what would be made could not be shared
                break
            try:
                result = executor.run(job.query, accept=job.accept, what=f"the canned query {job.name!r}")
            except errors.ApiError as exc:  # stopped at PREPARE_TIMEOUT, worker died, store gone
                done.failed += 1
                log.warning(
                    "%s (%s) on build %s: not prepared: %s", job.name, job.accept, build_id, exc.detail
                )
                continue
        done.made += 1
        log.info(
            "%s (%s) on build %s: prepared in %.1f s, %s rows%s",
            job.name,
            job.accept,
            build_id,
            time.monotonic() - started,
            result.rows,
            " (truncated)" if result.truncated else "",
        )
    return done


def _current_build(store: str) -> Callable[[], str]:
    def current() -> str:
        try:
            return current_stamp(store).build_id
        except errors.StoreUnavailable:
            return ""

    return current


def preparer_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The preparer's executor: one worker, PREPARE_TIMEOUT per query, no queue to speak of."""
    return {**settings, "QUERY_TIMEOUT": settings["PREPARE_TIMEOUT"], "QUERY_WORKERS": 1, "QUEUE_WAIT": 1.0}


def watch(settings: Mapping[str, Any], parent: int) -> None:
    """Prepare each new current build until ``parent`` (dti serve) is gone."""
    answers = shared_answers(settings)
    if answers is None or float(settings["PREPARE_TIMEOUT"]) <= 0:
        log.info("nothing to prepare (PREPARE_TIMEOUT or SHARED_ANSWERS_MB is 0)")
        return
    store = str(settings["STORE"])
    current = _current_build(store)
    jobs = list(default_jobs(str(settings["BASE_IRI"])))
    executor = Executor(preparer_settings(settings), answers, preparer=True)
    prepared = ""
    try:
        while os.getppid() == parent:
            build_id = current()
            if build_id and build_id != prepared:
                done = prepare_build(executor, answers, build_id, jobs, current)
                if not done.switched:
                    prepared = build_id
                    log.info(
                        "build %s: %d answers prepared, %d already there, %d failed",
                        build_id,
                        done.made,
                        done.already,
                        done.failed,
                    )
                if not answers.writable:
                    log.warning("the store is not writable: nothing more is prepared")
                    return
            time.sleep(POLL_SECONDS)
    finally:
        executor.close()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str]) -> int:
    """``python -m dti_kg.server.prepare [STORE]``: settings as the app reads them; STORE (dti serve's
    --store) overrides DTI_KG_STORE."""
    logging.basicConfig(level=logging.INFO, format="[preparer %(process)d] %(message)s", stream=sys.stderr)
    signal.signal(signal.SIGTERM, _stop)
    try:
        settings = load_settings({"STORE": argv[0]} if argv else None)
    except DtiError as exc:
        log.error("%s", exc)
        return 2
    os.nice(NICENESS)  # its worker inherits it: requests' workers come first
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches dti serve's whole process group
        watch(settings, os.getppid())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
