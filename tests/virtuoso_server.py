"""A private OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``) for the publish tests.

Its own database in a temporary folder and a generated ``virtuoso.ini`` with free loopback ports for
both listeners (SQL and HTTP): never the system service on 1111/8890. A fresh database's ``dba``
password is ``dba``; that is fine for a server bound to 127.0.0.1 that lives for one test module.

Writes go through the *authenticated* endpoints (``/sparql-graph-crud-auth``, ``/sparql-auth``, HTTP
Digest) as a user made here with the ``SPARQL_UPDATE`` role, not by granting ``SPARQL_UPDATE`` to the
anonymous ``SPARQL`` user: that would let anyone who can reach ``/sparql`` rewrite the published graph,
which is not how a store serving the public should be set up (docs/publishing.md).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from server_helpers import free_port, http_process

USER = "dti_publisher"
PASSWORD = "publish-secret"  # a throwaway user of a throwaway loopback server
INSTALL = "apt-get install -y virtuoso-opensource (.ci/run does this when it is missing)"

# Memory: the dti commands cap their own data size (RLIMIT_DATA, WORKER_MEMORY_MB: 1 GB), and tests that
# run them in-process (click's CliRunner) leave that cap on the pytest process, hence on virtuoso-t.
# With its defaults (MaxQueryMem 2G, vectors up to 1,000,000 rows) Virtuoso maps some 840 MB of data
# serving the canned queries and dies under the cap ("GPF: Dkpool.c … could not allocate memory with
# mmap"); with the limits below it stays near 510 MB. A hard limit cannot be raised (not even by root
# in a container without CAP_SYS_RESOURCE), so Virtuoso is made to fit.
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
MaxMemPoolSize = 200000000
VectorSize = 1000
MaxVectorSize = 100000
AdjustVectorSize = 0
ThreadsPerQuery = 2
DirsAllowed = {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 8
MaxClientConnections = 8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


@dataclass(frozen=True)
class Virtuoso:
    url: str  # http://127.0.0.1:PORT

    @property
    def query(self) -> str:
        return self.url + "/sparql"

    @property
    def graph_store(self) -> str:
        return self.url + "/sparql-graph-crud-auth"

    @property
    def update(self) -> str:
        return self.url + "/sparql-auth"


def executables() -> tuple[str, str]:
    """virtuoso-t and isql-vt; a clear failure (never a skip) when the package is not installed."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not isql:
        pytest.fail(
            f"OpenLink Virtuoso 7 is not installed (no virtuoso-t/isql-vt on PATH): {INSTALL}", pytrace=False
        )
    return server, isql


@contextlib.contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start virtuoso-t on free loopback ports over a new database in ``folder``; stop it on exit."""
    server, isql = executables()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    command = [server, "-c", str(ini), "+foreground"]
    ready = "/sparql?query=ASK%7B%7D"
    with http_process(command, http_port, ready, folder / "stdout.log") as (url, process):
        grant = subprocess.run(
            [
                isql,
                f"127.0.0.1:{sql_port}",
                "dba",
                "dba",
                f"exec=DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_UPDATE TO \"{USER}\";",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert grant.returncode == 0 and "Error" not in grant.stdout, grant.stdout + grant.stderr
        yield Virtuoso(url)
        # A test that failed on "connection refused" gets the reason here: Virtuoso's own log.
        log = (folder / "virtuoso.log").read_text(encoding="utf-8", errors="replace").splitlines()
        tail = "\n".join(log[-30:])
        assert process.poll() is None, f"virtuoso-t died ({process.returncode}); its log ends:\n{tail}"
