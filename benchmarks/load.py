"""A closed-loop load generator: ``clients`` threads, each on its own keep-alive connection, for a while.

Every contender is measured by the same code, so the ratios between them hold even though the client
(Python threads on the same two cores) costs its share.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200


ANSWERED = (200, 304)


@dataclass
class Cell:
    """What one (workload, contender, clients) run measured."""

    requests: int = 0  # every request sent, refused or failed ones too
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of answered requests only
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(n for s, n in self.statuses.items() if s in ANSWERED)

    @property
    def rate(self) -> float:
        """Answered requests per second: a fast 503 is not throughput (it would make a server that
        refuses everything look faster than one that does the work)."""
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]

    @property
    def refused(self) -> int:
        return self.statuses.get(503, 0)

    @property
    def unexpected(self) -> int:
        return sum(n for s, n in self.statuses.items() if s not in (200, 304, 503))


def _run(clients: int, seconds: float, one_call: Callable[[], Callable[[], int]]) -> Cell:
    cell = Cell()
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def loop() -> None:
        call = one_call()
        start_gate.wait()
        mine: list[float] = []
        statuses: dict[int, int] = {}
        while time.perf_counter() < stop_at[0]:
            t = time.perf_counter()
            status = call()
            if status in ANSWERED:  # a refusal's or an error's latency is not an answer's
                mine.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            cell.latencies.extend(mine)
            for s, n in statuses.items():
                cell.statuses[s] = cell.statuses.get(s, 0) + n

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    start_gate.wait()
    for t in threads:
        t.join()
    cell.seconds = time.perf_counter() - started
    cell.requests = sum(cell.statuses.values())
    return cell


def http_load(port: int, request: Request, clients: int, seconds: float, timeout: float = 60) -> Cell:
    """GET ``request`` over HTTP/1.1 keep-alive from ``clients`` threads for ``seconds``."""

    def one_call() -> Callable[[], int]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

        def call() -> int:
            nonlocal conn
            try:
                conn.request("GET", request.path, headers=request.headers)
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    conn.close()
                return response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                return 0  # a connection error: counted as unexpected

        return call

    return _run(clients, seconds, one_call)


def call_load(call: Callable[[], object], clients: int, seconds: float) -> Cell:
    """Call ``call`` in-process from ``clients`` threads for ``seconds`` (the in-process baseline)."""

    def one_call() -> Callable[[], int]:
        def wrapped() -> int:
            call()
            return 200

        return wrapped

    return _run(clients, seconds, one_call)
