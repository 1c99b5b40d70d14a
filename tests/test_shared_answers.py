"""Answers shared on disk by every process serving a build, and the preparer that makes the canned
queries' default answers after a build switch (dti_kg/server/shared_answers.py, prepare.py).

Each test has a store of its own: shared answers outlive an app (tests/server_helpers.py, NOT_SHARED).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from server_helpers import app_over, dti_serve, fixture_quads, make_store

from dti_kg import store
from dti_kg.server.canned import FORMATS, canned_queries
from dti_kg.server.executor import EXECUTOR_KEY, Executor, make_job
from dti_kg.server.prepare import Prepared, default_jobs, prepare_build, preparer_settings
from dti_kg.server.settings import load_settings
from dti_kg.server.shared_answers import ANSWER, Payload, SharedAnswers, job_key

SHARED = {"SHARED_ANSWERS_MB": 16, "SHARE_AFTER": 0.0}  # share every answer, however quick


@pytest.fixture()
def own_store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store")


def _build_id(link: Path) -> str:
    return str(store.read_build_info(link)["build_id"])


def _answers(link: Path, max_bytes: int = 1 << 20) -> SharedAnswers:
    return SharedAnswers(link, max_bytes=max_bytes, share_after=0.0)


def _answer(
    build_id: str, body: bytes = b'{"boolean": true}', media_type: str = "application/sparql-results+json"
) -> Payload:
    """A worker's answer as it sends it (executor.ExecResult's fields)."""
    return {"media_type": media_type, "body": body, "truncated": False, "rows": None, "build_id": build_id}


# ---- the folder ---------------------------------------------------------------------------------


def test_an_answer_is_read_back_whole_and_only_for_its_build(own_store: Path) -> None:
    answers, build_id = _answers(own_store), _build_id(own_store)
    key = job_key(make_job("ASK {}", max_rows=10))
    assert answers.get(build_id, key) is None
    assert answers.put(key, _answer(build_id, b"line 1\nline 2\n"))
    assert answers.get(build_id, key) == _answer(build_id, b"line 1\nline 2\n")
    assert answers.get("another-build", key) is None
    assert not list(answers.folder(build_id).glob("*.tmp"))  # written under another name, then renamed


def test_the_key_is_everything_the_answer_depends_on() -> None:
    base = make_job("SELECT * {?s ?p ?o}", max_rows=10)
    for changed in (
        make_job("SELECT * {?s ?p ?o} LIMIT 1", max_rows=10),
        make_job("SELECT * {?s ?p ?o}", max_rows=11),
        make_job("SELECT * {?s ?p ?o}", max_rows=10, accept="text/csv"),
        make_job("SELECT * {?s ?p ?o}", max_rows=10, default_graph_uris=["https://example.org/g"]),
        make_job("SELECT * {?s ?p ?o}", max_rows=10, base_iri="https://example.org/"),
    ):
        assert job_key(changed) != job_key(base)
    assert job_key(make_job("SELECT * {?s ?p ?o}", max_rows=10)) == job_key(base)


def test_a_full_folder_takes_no_more(own_store: Path) -> None:
    answers, build_id = _answers(own_store, max_bytes=100), _build_id(own_store)
    assert answers.put("a" * 64, _answer(build_id, b"x" * 60))
    assert not answers.put("b" * 64, _answer(build_id, b"x" * 60))
    assert answers.get(build_id, "b" * 64) is None and answers.writable


def test_a_store_it_cannot_write_to_shares_nothing_and_fails_nothing(own_store: Path) -> None:
    answers, build_id = _answers(own_store), _build_id(own_store)
    answers.root.write_text("not a folder")  # as a read-only store would, mkdir fails (even for root)
    assert not answers.put("c" * 64, _answer(build_id))
    assert not answers.writable
    answers.root.unlink()
    assert not answers.put("c" * 64, _answer(build_id))  # not tried again
    assert not answers.root.exists()


def test_the_preparer_on_a_store_it_cannot_write_to_stops_without_an_error(own_store: Path) -> None:
    store.paths(own_store).answers.write_text("not a folder")  # mkdir fails, as on a read-only store
    done = _prepare(own_store)
    assert (done.made, done.failed) == (0, 0)  # nothing run that could not be kept
    assert store.paths(own_store).answers.read_text() == "not a folder"


def test_a_damaged_answer_is_a_miss(own_store: Path) -> None:
    answers, build_id = _answers(own_store), _build_id(own_store)
    answers.folder(build_id).mkdir(parents=True)
    (answers.folder(build_id) / ("d" * 64 + ANSWER)).write_bytes(b"not json\nbody")
    assert answers.get(build_id, "d" * 64) is None


def test_a_builds_answers_are_pruned_with_it(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    answers = _answers(link)
    first = _build_id(link)
    assert answers.put("e" * 64, _answer(first))
    for note in ("second", "third", "fourth"):  # KEEP_BUILDS is 3: the first build goes
        time.sleep(1.01)  # build ids are named by the second
        make_store(link, note=note)
    assert not answers.folder(first).exists()
    assert answers.put("e" * 64, _answer(_build_id(link)))
    assert answers.folder(_build_id(link)).is_dir()


# ---- through the app ----------------------------------------------------------------------------


def test_an_answer_one_process_made_is_read_by_another_without_a_worker(own_store: Path) -> None:
    with app_over(own_store, **SHARED) as first:
        made = first.test_client().get("/queries/agency-editions.csv")
    with app_over(own_store, **SHARED) as second:
        read = second.test_client().get("/queries/agency-editions.csv")
        executor: Executor = second.extensions[EXECUTOR_KEY]
        assert executor.answers is not None and executor.answers.hits == 1
        assert executor.worker_pids() == []  # no worker was ever started
        health = second.test_client().get("/healthz").get_json()
    assert made.status_code == read.status_code == 200
    assert read.data == made.data and b"agency" in read.data.lower()
    assert health["shared_answers"] == {"read": 1, "written": 0}


def test_quick_answers_are_not_written(own_store: Path) -> None:
    with app_over(own_store, SHARED_ANSWERS_MB=16, SHARE_AFTER=60) as app:
        assert app.test_client().get("/queries/agency-editions.csv").status_code == 200
        assert app.extensions[EXECUTOR_KEY].answers.written == 0
    assert not store.paths(own_store).answers.exists()


def test_an_answer_of_the_previous_build_is_not_served_after_a_switch(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    with app_over(link, **SHARED, RESPONSE_CACHE_MB=0) as app:
        client = app.test_client()
        before = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"})
        time.sleep(1.01)
        make_store(link, fixture_quads()[:10], note="smaller")
        after = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"})
    assert before.status_code == after.status_code == 200
    assert before.get_json()["results"] != after.get_json()["results"]


# ---- the preparer -------------------------------------------------------------------------------


def _prepare(link: Path, current: Callable[[], str] | None = None) -> Prepared:
    """Run the preparer's work once over ``link`` (``current``: the build the link names, as it sees it)."""
    settings = load_settings({"STORE": str(link), **SHARED}, environ={})
    answers = SharedAnswers(link, max_bytes=16 << 20, share_after=60.0)
    executor = Executor(preparer_settings(settings), answers, preparer=True)
    build_id = _build_id(link)
    jobs = list(default_jobs(settings["BASE_IRI"]))
    try:
        return prepare_build(executor, answers, build_id, jobs, current or (lambda: build_id))
    finally:
        executor.close()


def test_every_canned_default_the_preparer_made_is_what_the_route_asks_for(own_store: Path) -> None:
    done = _prepare(own_store)
    assert done.failed == 0 and done.made > 0 and not done.switched
    runnable = [name for name, q in sorted(canned_queries().items()) if q.runs_on_defaults]
    assert "conflicts" in runnable and "audit-trail" in runnable
    answered = 0
    with app_over(own_store, SHARED_ANSWERS_MB=16, RESPONSE_CACHE_MB=0) as app:
        client = app.test_client()
        for name in runnable:
            for fmt in FORMATS:
                response = client.get(f"/queries/{name}", query_string={"format": fmt})
                if response.status_code == 400:  # a default naming a unit the small fixture lacks
                    assert "names nothing in the graph" in response.get_data(as_text=True)
                    continue
                assert response.status_code == 200, (name, fmt, response.data[:300])
                answered += 1
        executor: Executor = app.extensions[EXECUTOR_KEY]
        assert executor.answers is not None and executor.answers.written == 0
        assert answered >= 9 * len(FORMATS) and executor.answers.hits == answered  # each one read, none run


def test_preparing_again_makes_nothing(own_store: Path) -> None:
    _prepare(own_store)
    files = sorted(store.paths(own_store).answers.rglob("*" + ANSWER))
    stamps = [f.stat().st_mtime_ns for f in files]
    done = _prepare(own_store)
    assert (done.made, done.already) == (0, len(files))
    assert [f.stat().st_mtime_ns for f in files] == stamps


def test_the_preparer_stops_when_the_store_switches_builds(own_store: Path) -> None:
    done = _prepare(own_store, current=lambda: "a newer build")
    assert done.switched and done.made == 0


def _default_key(name: str, fmt: str, max_rows: int) -> str:
    job = next(j for j in default_jobs(load_settings(environ={})["BASE_IRI"]) if j.name == name)
    accept = FORMATS[fmt] if fmt in {"csv", "srj"} else FORMATS["srj"]
    return job_key(make_job(job.query, accept=accept, max_rows=max_rows))


def _started_ago(answers: SharedAnswers, build_id: str, seconds: float) -> None:
    """Date the one preparation mark of ``build_id`` ``seconds`` back."""
    mark = next(answers.folder(build_id).glob("*.preparing"))
    started = time.time() - seconds
    os.utime(mark, (started, started))


def test_a_query_prepared_for_longer_than_the_deadline_is_answered_503_at_once(own_store: Path) -> None:
    settings = {**SHARED, "RESPONSE_CACHE_MB": 0, "PREPARE_TIMEOUT": 300}
    with app_over(own_store, **settings) as app:
        answers: SharedAnswers = app.extensions[EXECUTOR_KEY].answers
        key = _default_key("conflicts", "json", int(app.config["MAX_ROWS"]))
        with answers.preparing(_build_id(own_store), key):
            _started_ago(answers, _build_id(own_store), 25)  # QUERY_TIMEOUT is 10: a request would be stopped
            response = app.test_client().get("/queries/conflicts.json")
            assert app.extensions[EXECUTOR_KEY].worker_pids() == []  # answered without starting a worker
        assert response.status_code == 503 and response.headers["Retry-After"] == "10"
        detail = response.get_json()["error"]["detail"]
        assert detail.startswith(
            "the canned query 'conflicts' is being prepared in the background (started 2"
        )
        assert "narrow it with" in detail
        assert app.test_client().get("/queries/conflicts.json").status_code == 200  # mark gone: it runs


def _prepare_in_a_thread(
    answers: SharedAnswers, build_id: str, key: str, answer: Payload | None
) -> threading.Thread:
    """Mark ``key`` as being prepared now; 0.3 s later write ``answer`` (None: the preparer failed)."""
    marked = threading.Event()

    def prepare() -> None:
        with answers.preparing(build_id, key):
            marked.set()
            time.sleep(0.3)
            if answer is not None:
                answers.put(key, answer)

    thread = threading.Thread(target=prepare)
    thread.start()
    marked.wait(5)
    return thread


def test_a_request_waits_for_an_answer_being_prepared_without_a_worker(own_store: Path) -> None:
    """Regression: a request arriving while the preparer made even a 50 ms default got 503."""
    with app_over(own_store, **SHARED, RESPONSE_CACHE_MB=0) as app:
        answers: SharedAnswers = app.extensions[EXECUTOR_KEY].answers
        key = _default_key("agency-editions", "csv", int(app.config["MAX_ROWS"]))
        prepared = _answer(_build_id(own_store), b"agency\r\nprepared\r\n", "text/csv; charset=utf-8")
        thread = _prepare_in_a_thread(answers, _build_id(own_store), key, prepared)
        response = app.test_client().get("/queries/agency-editions.csv")
        thread.join()
        assert response.status_code == 200 and response.data == b"agency\r\nprepared\r\n"
        assert app.extensions[EXECUTOR_KEY].worker_pids() == []


def test_a_request_runs_the_query_itself_when_the_preparer_ends_without_an_answer(own_store: Path) -> None:
    with app_over(own_store, **SHARED, RESPONSE_CACHE_MB=0) as app:
        answers: SharedAnswers = app.extensions[EXECUTOR_KEY].answers
        key = _default_key("agency-editions", "csv", int(app.config["MAX_ROWS"]))
        thread = _prepare_in_a_thread(answers, _build_id(own_store), key, None)
        response = app.test_client().get("/queries/agency-editions.csv")
        thread.join()
        assert response.status_code == 200 and b"agency" in response.data.lower()
        assert app.extensions[EXECUTOR_KEY].worker_pids() != []  # it ran the query itself


def test_a_mark_left_by_a_preparer_that_died_is_ignored(own_store: Path) -> None:
    settings = {**SHARED, "RESPONSE_CACHE_MB": 0, "PREPARE_TIMEOUT": 1}
    with app_over(own_store, **settings) as app:
        answers: SharedAnswers = app.extensions[EXECUTOR_KEY].answers
        key = _default_key("conflicts", "json", int(app.config["MAX_ROWS"]))
        with answers.preparing(_build_id(own_store), key):
            _started_ago(answers, _build_id(own_store), 3600)
            assert app.test_client().get("/queries/conflicts.json").status_code == 200


def test_dti_serve_prepares_the_defaults_and_its_web_processes_read_them(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    settings = {"SHARED_ANSWERS_MB": 16, "PREPARE_TIMEOUT": 60, "RESPONSE_CACHE_MB": 0}
    with dti_serve(link, settings, tmp_path / "serve.log", workers=2) as (url, _):
        expected = 2 * len(set(job.name for job in default_jobs(load_settings(environ={})["BASE_IRI"])))
        folder = store.paths(link).answers / _build_id(link)
        deadline = time.monotonic() + 90
        while len(list(folder.glob("*" + ANSWER))) < expected:
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        for _ in range(4):  # both web processes
            assert requests.get(f"{url}/queries/conflicts.csv", timeout=30).status_code == 200
        reads = 0
        for _ in range(20):  # /healthz of either process: their counts differ
            reads = max(
                reads, json.loads(requests.get(f"{url}/healthz", timeout=10).text)["shared_answers"]["read"]
            )
        assert reads >= 1
    log = (tmp_path / "serve.log").read_text()
    assert "answers prepared" in log and "Traceback" not in log
