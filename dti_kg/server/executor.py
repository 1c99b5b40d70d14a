"""Run queries in worker processes the web process can kill.

pyoxigraph cannot cancel a query, and a bad one can exhaust memory or crash the process, so the web
process runs none itself (save the shapes dti_kg.server.bounded proves cheap): ``Executor.run`` hands
the query to an idle worker process
(``dti_kg.server.worker``) and waits at most QUERY_TIMEOUT seconds. Past the deadline the worker is
killed and replaced and the client gets 503 with Retry-After.

Admission: at most QUERY_WORKERS queries run; the others wait, in arrival order, for a free worker.
A query is refused (503 with Retry-After) only when its wait would pass the deadline: at once when
the queries ahead of it, at the recent mean run time, would keep every worker busy past QUEUE_WAIT,
or when QUEUE_SIZE queries already wait; else after QUEUE_WAIT seconds without a free worker.
So a burst of clients on quick queries is queued and answered, not refused.

Workers start on first use, not when the app is created.

Sharing: with ``answers`` (dti_kg.server.shared_answers) an answer another process already wrote for
the current build is read instead of run, and an answer that took a worker SHARE_AFTER seconds is
written for the others. A request for an answer the preparer (dti_kg.server.prepare) is making now
waits for it, without a worker, until the preparation is QUERY_TIMEOUT old (a cheap default comes in
milliseconds), then is answered 503 with Retry-After rather than run a second time.
"""

from __future__ import annotations

import contextlib
import math
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from dti_kg.server import errors
from dti_kg.server.caching import LinkStamps
from dti_kg.server.shared_answers import Payload, SharedAnswers, job_key

SPARQL_ADVICE = "simplify it (add LIMIT, narrow the patterns) and retry"  # for a query its reader wrote
STARTUP_TIMEOUT = 60.0  # seconds for a fresh worker to import its libraries and say "ready"
PREPARER_POLL = 0.05  # seconds between looks for an answer the preparer is making

_ERRORS: Mapping[str, type[errors.ApiError]] = {
    "QueryRejected": errors.QueryRejected,
    "NotAcceptable": errors.NotAcceptable,
    "StoreUnavailable": errors.StoreUnavailable,
    "WorkerFailed": errors.WorkerFailed,
}


@dataclass(frozen=True)
class ExecResult:
    media_type: str
    body: bytes
    truncated: bool
    rows: int | None  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; None for ASK
    build_id: str


def retry_seconds(timeout: float) -> int:
    """The ``Retry-After`` seconds of a query refused or killed under a ``timeout``-second deadline."""
    return max(1, math.ceil(timeout))


def job_error(name: str, detail: str, parameter: str | None, retry: int) -> errors.ApiError:
    """The typed error for a query job's ("error", (name, detail, parameter)) reply."""
    error_class = _ERRORS.get(name, errors.ApiError)
    if issubclass(error_class, errors.ServiceUnavailable):
        return error_class(detail, retry_after=retry)
    return error_class(detail, parameter=parameter)


def make_job(
    query: str,
    *,
    substitutions: Mapping[str, tuple] | None = None,
    accept: str = "application/sparql-results+json",
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    max_rows: int,
    base_iri: str | None = None,
    build: str | None = None,
) -> dict[str, Any]:
    """A worker's query job (see dti_kg.server.worker); its answer depends on nothing else."""
    return {
        "kind": "query",
        "query": query,
        "substitutions": dict(substitutions or {}),
        "accept": accept,
        "default_graph_uris": list(default_graph_uris),
        "named_graph_uris": list(named_graph_uris),
        "max_rows": max_rows,
        "base_iri": base_iri,
        "build": build,
    }


class _Died(Exception):
    pass


def death_cause(code: int, memory_mb: int) -> str:
    """A worker's exit status in words. The memory cap makes allocation fail, and Rust aborts on a
    failed allocation: SIGABRT is the cap; SIGSEGV is a crash in the query engine itself."""
    if code >= 0:
        return f"exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    meaning = {
        "SIGABRT": f"most likely the query needed more than the {memory_mb} MB of memory a worker may use",
        "SIGSEGV": "a crash in the query engine (pyoxigraph), not a memory limit",
        "SIGBUS": "a crash in the query engine or a damaged store file",
        "SIGKILL": "killed from outside: the kernel's out-of-memory killer or an operator",
    }.get(name, "stopped by a signal")
    return f"was stopped by {name} ({meaning})"


class _Late(Exception):
    pass


class _Worker:
    """One worker process (``python -m dti_kg.server.worker``) and our end of its socket pair.

    A plain subprocess rather than multiprocessing's "spawn": it does not re-import the parent's
    ``__main__`` (gunicorn, pytest, a script), and fork is unsafe in a threaded web process.
    """

    def __init__(self, store_link: str, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dti_kg.server.worker",
                    str(theirs.fileno()),
                    store_link,
                    str(memory_mb),
                ],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
            self.conn = Connection(ours.detach())
        self.ready = False
        self.memory_mb = memory_mb

    @property
    def pid(self) -> int:
        return self.process.pid

    def _receive(self, timeout: float) -> tuple[str, Any]:
        try:
            if not self.conn.poll(max(0.0, timeout)):
                raise _Late
            return self.conn.recv()
        except (EOFError, OSError):
            raise _Died from None

    def wait_ready(self) -> None:
        """Wait for a fresh worker's "ready"; startup time counts against no query's deadline."""
        if not self.ready:
            try:
                self._receive(STARTUP_TIMEOUT)
            except _Late:
                raise _Died from None
            self.ready = True

    def call(self, job: dict[str, Any], timeout: float) -> tuple[str, Any]:
        self.wait_ready()
        try:
            self.conn.send(job)
        except OSError:
            raise _Died from None
        return self._receive(timeout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()

    def how_it_died(self) -> str:
        """What ended this (dead) worker, from its exit status, for the client and the log."""
        try:
            code = self.process.wait(timeout=5)  # the socket closes a moment before the exit status is in
        except subprocess.TimeoutExpired:
            return "stopped answering"
        return death_cause(code, self.memory_mb)


EXECUTOR_KEY = "dti_executor"  # where create_app keeps the Executor: app.extensions[EXECUTOR_KEY]


class Executor:
    """Runs queries against the store named in ``settings`` in a pool of killable worker processes.

    ``answers``: the store's shared answers (None: share nothing). ``preparer``: this executor makes
    the prepared answers (dti_kg.server.prepare): it writes every answer and ignores the marks of
    answers being prepared, which are its own.
    """

    def __init__(
        self, settings: Mapping[str, Any], answers: SharedAnswers | None = None, *, preparer: bool = False
    ) -> None:
        self.answers = answers
        self.preparer = preparer
        # A mark older than the preparer's deadline (and the time to replace its worker) is stale.
        self.prepare_within = float(settings.get("PREPARE_TIMEOUT", 0)) + STARTUP_TIMEOUT
        self.store_link = str(settings["STORE"])
        self.stamps = LinkStamps(self.store_link)  # the current build, for the shared answers' folder
        self.timeout = float(settings["QUERY_TIMEOUT"])
        self.max_rows = int(settings["MAX_ROWS"])
        self.size = int(settings["QUERY_WORKERS"])
        self.queue_wait = float(settings["QUEUE_WAIT"])
        self.memory_mb = int(settings["WORKER_MEMORY_MB"])
        self.queue_size = int(settings["QUEUE_SIZE"])
        self.waiting = 0  # queries admitted that do not hold a worker yet (for /healthz and admission)
        self._mean_seconds = 0.0  # moving mean of a job's run time, to predict a newcomer's wait
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.replaced = 0  # workers killed or lost and replaced, for /healthz and tests

    def run(
        self,
        query: str,
        *,
        substitutions: Mapping[str, tuple] | None = None,
        accept: str = "application/sparql-results+json",
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
        build: str | None = None,
        what: str = "the query",
        advice: str = SPARQL_ADVICE,
    ) -> ExecResult:
        """Run one SPARQL query (any form). ``accept`` is a media type or a whole Accept header.

        Without ``default_graph_uris``/``named_graph_uris`` the default graph is the union of all graphs.
        ``base_iri`` resolves relative IRIs in the query (``<s>``).
        ``build`` names a kept build (a pinned release) to query instead of the current one.
        Raises the typed errors of ``dti_kg.server.errors``; a query stopped at the deadline says
        "``what`` did not finish within … s and was stopped; ``advice``" (a caller whose reader cannot
        edit the text, e.g. a canned query's, says what the reader can do instead).
        """
        job = make_job(
            query,
            substitutions=substitutions,
            accept=accept,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            max_rows=self.max_rows,
            base_iri=base_iri,
            build=build,
        )
        stopped = f"{what} did not finish within {self.timeout:g} s and was stopped; {advice}"
        if self.answers is None or build is not None:  # a pinned release's answers are not shared
            return ExecResult(**self._submit(job, stopped)[0])
        return self._run_shared(self.answers, job, stopped, f"{what} is being prepared", advice)

    def _run_shared(
        self, answers: SharedAnswers, job: dict[str, Any], stopped: str, preparing: str, advice: str
    ) -> ExecResult:
        """Run ``job`` unless its answer on the current build is shared already (or being prepared);
        share what it is worth sharing."""
        try:
            build_id = self.stamps.current().build_id
        except errors.StoreUnavailable:
            return ExecResult(**self._submit(job, stopped)[0])  # the worker says what is wrong
        key = job_key(job)
        shared = answers.get(build_id, key)
        if shared is not None:
            return ExecResult(**shared)
        if not self.preparer and answers.preparing_since(build_id, key, self.prepare_within) is not None:
            shared = self._wait_for_preparer(answers, build_id, key)
            if shared is not None:
                return ExecResult(**shared)
            since = answers.preparing_since(build_id, key, self.prepare_within)
            if since is not None:
                raise errors.BeingPrepared(
                    f"{preparing} in the background (started {since:.0f} s ago); retry later, or {advice}",
                    retry_after=retry_seconds(self.timeout),
                )
        payload, seconds = self._submit(job, stopped)
        if payload["build_id"] == build_id and (self.preparer or answers.worth_sharing(seconds)):
            answers.put(key, payload)
        return ExecResult(**payload)

    def _wait_for_preparer(self, answers: SharedAnswers, build_id: str, key: str) -> Payload | None:
        """The preparer's answer if it comes before the preparation is QUERY_TIMEOUT old (as long as this
        request could wait for a worker of its own), polled without a worker; None when it is older, or
        ended without an answer (the caller then says so, or runs the query itself)."""
        while True:
            since = answers.preparing_since(build_id, key, self.prepare_within)
            if since is None or since >= self.timeout:
                return answers.get(build_id, key)
            time.sleep(PREPARER_POLL)
            shared = answers.get(build_id, key)
            if shared is not None:
                return shared

    def worker_pids(self) -> list[int]:
        """Pids of the idle workers (busy ones are not listed)."""
        with self._idle.mutex:
            return sorted(w.pid for w in self._idle.queue)

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when they are returned."""
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def _start_workers(self) -> None:
        with self._lock:
            if self._closed:
                raise errors.ServiceUnavailable("the server is shutting down")
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(self._new_worker())
                self._started = True

    def _new_worker(self) -> _Worker:
        return _Worker(self.store_link, self.memory_mb)

    def _release(self, w: _Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            w.kill()
        else:
            self._idle.put(w)

    def _replace(self, w: _Worker) -> _Worker:
        w.kill()
        self.replaced += 1
        return self._new_worker()

    def _admit(self, retry: int) -> None:
        """Count the query as waiting, or refuse it now if its wait would pass QUEUE_WAIT."""
        with self._lock:
            busy = self.size - self._idle.qsize()
            ahead = self.waiting + max(0, busy)  # jobs that run before this one, on ``size`` workers
            predicted = (ahead // self.size) * self._mean_seconds
            if ahead >= self.size and (self.waiting >= self.queue_size or predicted > self.queue_wait):
                raise errors.Overloaded(
                    f"{self.waiting} queries are waiting (about {predicted:.1f} s for a worker, more than "
                    f"{self.queue_wait:g} s); try again shortly",
                    retry_after=max(retry, math.ceil(predicted)),
                )
            self.waiting += 1

    def _ran(self, seconds: float) -> None:
        with self._lock:
            self._mean_seconds += (seconds - self._mean_seconds) * 0.2

    def _take_worker(self, retry: int) -> _Worker:
        self._admit(retry)
        try:
            self._start_workers()
            return self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise errors.Overloaded(
                f"no query worker became free within {self.queue_wait:g} s; try again shortly",
                retry_after=retry,
            ) from None
        finally:
            with self._lock:
                self.waiting -= 1

    def _submit(self, job: dict[str, Any], stopped: str) -> tuple[Any, float]:
        """The worker's payload and how long the worker took to make it."""
        retry = retry_seconds(self.timeout)
        w = self._take_worker(retry)
        started = None
        seconds = 0.0
        try:
            w.wait_ready()
            started = time.monotonic()  # the run time that predicts waits excludes a worker's startup
            status, payload = w.call(job, self.timeout)
            seconds = time.monotonic() - started
        except _Late:
            w = self._replace(w)
            raise errors.QueryTimeout(stopped, retry_after=retry) from None
        except _Died:
            cause = w.how_it_died()
            w = self._replace(w)
            raise errors.WorkerFailed(
                f"the query worker {cause}; it has been replaced: simplify the query and retry",
                retry_after=retry,
            ) from None
        finally:
            if started is not None:
                self._ran(time.monotonic() - started)
            self._release(w)
        if status == "ok":
            return payload, seconds
        name, detail, parameter = payload
        raise job_error(name, detail, parameter, retry)


@contextlib.contextmanager
def running(settings: Mapping[str, Any]) -> Iterator[Executor]:
    """An Executor that is closed on exit (scripts, benchmarks)."""
    executor = Executor(settings)
    try:
        yield executor
    finally:
        executor.close()
