"""Careless operation of ``dti build`` (issue 10): real builds on a real on-disk store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dti_kg import store
from dti_kg.build import build_store

pytestmark = pytest.mark.hostile
DTI = str(Path(sys.executable).parent / "dti")


def dti(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DTI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_builds_that_serve_nothing_never_replace_the_served_store(tmp_path: Path, corpus_dir: Path) -> None:
    link = tmp_path / "store"
    good = build_store(link, [corpus_dir])
    assert good.ok and store.read_build_info(link)["served"] == 5
    # A crashed build left a partial directory behind (no build.json): it must not take a kept place.
    partial = store.paths(link).builds / "29990101T000000-1"
    (partial / "oxigraph").mkdir(parents=True)
    rejected_only = tmp_path / "rejected"
    rejected_only.mkdir()
    (rejected_only / "weather.txt").write_text("Thời tiết\n\nTrời nắng, 28 độ.\n", encoding="utf-8")
    for attempt in ("typo-in-path", rejected_only, "typo-in-path", rejected_only):
        run = dti("build", "--articles", attempt, "--store", link, cwd=tmp_path)
        assert run.returncode == 4, run.stderr
        assert "Traceback" not in run.stderr
        (error,) = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        assert "serves no source" in error and "--allow-shrink" in error
        assert store.current_build_dir(link) == good.build_dir, "the served store was replaced"
        assert len(store.open_read_only(link)) == good.quads
    assert good.build_dir.is_dir(), "refused builds pushed the last good build out"
    assert not partial.exists(), "a partial build is removed, not kept"
    complete = [d for d in store.paths(link).builds.iterdir() if store.is_complete(d)]
    assert complete == [good.build_dir]
    assert f"builds kept in {good.build_dir.parent}: {good.build_dir.name} (served)" in run.stderr
    forced = dti("build", "--articles", "typo-in-path", "--store", link, "--allow-shrink", cwd=tmp_path)
    assert forced.returncode == 1, forced.stderr  # switched; the one input was rejected
    assert store.read_build_info(link)["served"] == 0
    assert good.build_dir.is_dir(), "the previous build is still kept after an allowed shrink"


def test_a_build_losing_over_half_the_sources_needs_allow_shrink(tmp_path: Path, corpus_dir: Path) -> None:
    link = tmp_path / "store"
    assert build_store(link, [corpus_dir]).ok
    files = sorted(corpus_dir.glob("*.txt"))
    shrunk = build_store(link, files[:2])
    assert "under half of the 5" in shrunk.refused and not shrunk.ok
    assert store.read_build_info(link)["served"] == 5
    assert (shrunk.build_dir / "report.txt").is_file(), "the refused build's report is kept to read"
    assert build_store(link, files[:3]).ok, "3 of 5 is within the threshold"
    assert store.read_build_info(link)["served"] == 3
    assert build_store(link, files[:1], allow_shrink=True).ok
    assert store.read_build_info(link)["served"] == 1


def test_pruning_keeps_complete_builds_only(tmp_path: Path, corpus_dir: Path) -> None:
    link = tmp_path / "store"
    one = corpus_dir / "000_2115fb3839d4d7c3.txt"
    builds = [build_store(link, [one]).build_dir for _ in range(store.KEEP_BUILDS)]
    shutil.rmtree(builds[-1] / "oxigraph")  # damaged after the fact: no longer complete
    result = build_store(link, [one])
    assert result.kept == [result.build_dir, builds[1], builds[0]]
    assert not builds[-1].exists()


def _copy_good(corpus_dir: Path, target: Path, salt: str = "") -> None:
    """A seed article under another name; ``salt`` changes its text (so its hash) without its claims."""
    text = (corpus_dir / "000_2115fb3839d4d7c3.txt").read_text(encoding="utf-8")
    target.write_text(text + salt, encoding="utf-8")


def test_non_utf8_file_names_are_reported_escaped_and_the_build_goes_on(
    tmp_path: Path, corpus_dir: Path
) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    _copy_good(corpus_dir, articles / os.fsdecode(b"caf\xe9.txt"))
    (articles / os.fsdecode(b"bad\xff.txt")).write_bytes(b"")
    run = dti("build", "--articles", articles, "--store", "store", cwd=tmp_path)
    assert run.returncode == 1, run.stderr  # one input rejected, the rest served
    assert "Traceback" not in run.stderr
    assert "rejected: bad\\xff.txt: " in run.stderr and "empty file" in run.stderr
    report = (store.current_build_dir(tmp_path / "store") / "report.txt").read_text(encoding="utf-8")
    assert "SERVED       caf\\xe9.txt  (6 claims)" in report
    assert "REJECTED     bad\\xff.txt" in report
    names = {
        str(row[0].value)
        for row in store.open_read_only(tmp_path / "store").query(
            "SELECT ?n { GRAPH ?g { ?s <https://w3id.org/dti-kg/def#fileName> ?n } }"
        )
    }
    assert names == {"caf\\xe9.txt"}
    extract = dti("extract", articles / os.fsdecode(b"bad\xff.txt"), cwd=tmp_path)
    assert extract.returncode == 1 and "bad\\xff.txt: empty file" in extract.stderr
    assert "Traceback" not in extract.stderr


def test_fifos_folders_and_looping_links_named_like_articles_are_reported(
    tmp_path: Path, corpus_dir: Path
) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    _copy_good(corpus_dir, articles / "good.txt")
    os.mkfifo(articles / "pipe.txt")
    (articles / "folder.txt").mkdir()
    (articles / "loop.txt").symlink_to("loop.txt")
    (articles / "dangling.html").symlink_to("nowhere.html")
    # A newline in a name must not forge a line of the report.
    (articles / "evil\nSERVED       forged.txt").write_text("", encoding="utf-8")
    run = dti("build", "--articles", articles, "--store", "store", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    report = (store.current_build_dir(tmp_path / "store") / "report.txt").read_text(encoding="utf-8")
    heads = [line for line in report.splitlines() if not line.startswith(" ")]
    assert [h.split()[0] for h in heads].count("SERVED") == 1, report
    assert "REJECTED     evil\\nSERVED       forged.txt" in heads
    reasons = {h.split()[1]: report.split(h + "\n", 1)[1].splitlines()[0] for h in heads}
    assert "a FIFO (named pipe), not a regular file" in reasons["pipe.txt"]
    assert "a directory, not a regular file" in reasons["folder.txt"]
    assert "a symbolic link loop, not a regular file" in reasons["loop.txt"]
    assert "a broken symbolic link, not a regular file" in reasons["dangling.html"]
    assert store.read_build_info(tmp_path / "store")["rejected"] == 5


def test_a_javascript_url_in_a_sidecar_rejects_the_article(tmp_path: Path, corpus_dir: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    _copy_good(corpus_dir, articles / "good.txt")
    _copy_good(corpus_dir, articles / "bad.txt", salt="\n")
    (articles / "bad.txt.meta.json").write_text('{"url": "javascript:alert(1)"}', encoding="utf-8")
    run = dti("build", "--articles", articles, "--store", "store", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "'url' must be an http:// or https:// URL" in run.stderr
    urls = {
        str(row[0].value)
        for row in store.open_read_only(tmp_path / "store").query(
            "SELECT ?u { GRAPH ?g { ?s <https://schema.org/url> ?u } }"
        )
    }
    assert urls and all(u.startswith(("http://", "https://")) for u in urls), urls


def test_a_full_disk_is_one_line_exit_3_and_the_previous_build_stays(tmp_path: Path) -> None:
    """A real full disk: a 12 MB tmpfs in a private mount namespace (unshare, no root needed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=12m tmpfs {disk}
cd {disk}
{DTI} build --store store > first.out 2> first.err
before=$(readlink store)
# Fill what is left, leaving a few KB so the next build gets as far as writing its store.
head -c 100000000 /dev/zero > filler 2>/dev/null || true
rm filler; head -c $(( $(stat -f -c '%a*%S' . ) - 200000 )) /dev/zero > filler
set +e
{DTI} build --store store > second.out 2> second.err
echo "exit=$?"
echo "before=$before after=$(readlink store)"
echo "builds=$(ls store.builds | grep -v -e cache -e lock | wc -l)"
cat second.err
"""
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert "exit=3" in run.stdout, run.stdout + run.stderr
    before, after = run.stdout.split("before=")[1].split()[0], run.stdout.split("after=")[1].split()[0]
    assert before == after, "the store switched to a build that could not be written"
    assert "builds=1" in run.stdout, "the unfinished build was left behind, filling the disk"
    errors = [line for line in run.stdout.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], run.stdout
    assert "still serves its previous build" in errors[0]
    assert "Traceback" not in run.stdout


def test_a_damaged_store_is_one_line_exit_3(tmp_path: Path, seed_store: Path) -> None:
    damaged = tmp_path / "store"
    shutil.copytree(seed_store.resolve(), tmp_path / "store.builds" / "b1")
    damaged.symlink_to("store.builds/b1")
    for table in (tmp_path / "store.builds" / "b1" / "oxigraph").glob("*.sst"):
        data = bytearray(table.read_bytes())
        for i in range(100, len(data), 97):
            data[i] ^= 0xFF
        table.write_bytes(data)
    for args in (["stats"], ["query", "ASK { ?s ?p ?o }"], ["export", "--format", "nq"]):
        run = dti(*args, "--store", damaged, cwd=tmp_path)
        assert run.returncode == 3, (args, run.stderr)
        assert "Traceback" not in run.stderr
        (line,) = run.stderr.strip().splitlines()
        assert line.startswith("error: the store at ") and "is damaged" in line and "dti build" in line


def test_the_cli_reads_a_store_under_the_worker_memory_cap(tmp_path: Path, seed_store: Path) -> None:
    # A cross product sorted in memory: far past 300 MB, so capped it must fail, not grow.
    query = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
    run = subprocess.run(
        [DTI, "query", query, "--store", str(seed_store)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DTI_KG_WORKER_MEMORY_MB": "300"},
    )
    assert run.returncode != 0, "the query finished: it did not need more than the cap"
    assert "Traceback" not in run.stderr
    assert "memory" in run.stderr.lower(), run.stderr[-500:]
