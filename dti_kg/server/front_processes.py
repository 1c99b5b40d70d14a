"""The HTTP front's processes: one listening socket, ``workers`` web processes forked over it, one that
dies replaced, and a graceful stop on SIGTERM or SIGINT.

The supervisor (``serve``) binds, then forks; each web process builds its own app after the fork (the
query workers it starts are its own, as under gunicorn), runs one uvloop loop (front_connection.py)
and exits when told to, or when the supervisor is gone. On a stop a web process accepts nothing new,
closes idle connections, lets answers in flight finish for up to ``graceful`` seconds, then leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvloop

from dti_kg.server.front_connection import Connection, Front, Inline, Limits
from dti_kg.server.front_wsgi import WsgiApp

BOOT_FAILED = 3  # a web process could not make its app: another would fail the same way
QUICK_DEATH = 10.0  # seconds: a web process that dies sooner after its start counts as a failed start
MAX_QUICK_DEATHS = 5  # in a row: then the server stops rather than fork forever
PARENT_CHECK = 1.0  # seconds between a web process's checks that its supervisor is alive


@dataclass(frozen=True)
class WebApp:
    """What a web process serves: the WSGI app, what it answers on the loop, and how it is shut."""

    app: WsgiApp
    inline: Inline | None
    close: Callable[[], None]


def listening_socket(host: str, port: int) -> socket.socket:
    """A non-blocking socket listening on ``host``:``port`` (IPv4 or IPv6, as ``host`` is written)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def serve(make: Callable[[], WebApp], sock: socket.socket, workers: int, limits: Limits) -> int:
    """Fork ``workers`` web processes over ``sock`` and supervise them until a stop; the exit status."""
    children: dict[int, float] = {}  # pid -> when it started
    stopping = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = _server_name(sock)
    _say(f"listening at http://{host}:{port} ({workers} web processes)")
    supervisor = os.getpid()
    for _ in range(workers):
        children[_fork(make, sock, limits, supervisor)] = time.monotonic()
    quick_deaths = 0
    failed = False
    kill_at: float | None = None
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            if stopping and kill_at is None:
                kill_at = time.monotonic() + limits.graceful + 5
            if kill_at is not None and time.monotonic() > kill_at:  # past the graceful stop
                for child in children:
                    _signal(child, signal.SIGKILL)
            time.sleep(0.1)
            continue
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        code = os.waitstatus_to_exitcode(status)
        if code == BOOT_FAILED:
            _say("a web process could not make the app (its error is above); stopping")
            failed = True
            stop(signal.SIGTERM, None)
            continue
        quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_DEATH else 0
        if quick_deaths >= MAX_QUICK_DEATHS:
            _say(
                f"{quick_deaths} web processes in a row died within {QUICK_DEATH:.0f} s of starting; stopping"
            )
            failed = True
            stop(signal.SIGTERM, None)
            continue
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"
        _say(f"web process {pid} ended ({how}); starting another")
        children[_fork(make, sock, limits, supervisor)] = time.monotonic()
    sock.close()
    return 1 if failed else 0


def _fork(make: Callable[[], WebApp], sock: socket.socket, limits: Limits, supervisor: int) -> int:
    pid = os.fork()
    if pid != 0:
        return pid
    # The web process. Whatever happens it must end here, with os._exit: anything escaping would run
    # the supervisor's loop (and its exit handlers) in this copy of it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = BOOT_FAILED
    try:
        web = make()
        code = 1
        code = _web_process(web, sock, limits, supervisor)
    except BaseException:  # the process's last word, in the server's log
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _web_process(web: WebApp, sock: socket.socket, limits: Limits, supervisor: int) -> int:
    """Serve ``web`` until told to stop; the exit status."""
    front = Front(web.app, web.inline, limits, _server_name(sock))
    uvloop.run(_serve_connections(front, sock, limits.graceful, supervisor))
    front.pool.shutdown(wait=False, cancel_futures=True)
    web.close()
    return 0


async def _serve_connections(front: Front, sock: socket.socket, graceful: float, supervisor: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(front), sock=sock, backlog=2048)
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    while not stopped.is_set():
        if os.getppid() != supervisor:  # the supervisor is gone (killed): nobody would stop us
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopped.wait(), PARENT_CHECK)
    server.close()
    front.stop_idle()
    deadline = loop.time() + graceful
    while front.connections and loop.time() < deadline:
        await asyncio.sleep(0.05)
    for connection in list(front.connections):
        connection.abort()


def _server_name(sock: socket.socket) -> tuple[str, str]:
    host, port = sock.getsockname()[:2]
    return str(host), str(port)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has just ended; waitpid will say so
        os.kill(pid, signum)


def _say(message: str) -> None:
    print(f"dti serve: {message}", file=sys.stderr, flush=True)
