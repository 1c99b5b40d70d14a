"""WSGI for the HTTP front (front_connection.py): a parsed request's environ, a response head, and the
app run to its answer in a pool thread, written through a :class:`Sink` as it is made.

Pure apart from ``run_app`` (which runs the app): the head and environ are table-tested in
tests/test_front.py.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol
from urllib.parse import unquote_to_bytes

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]

# A body is joined and sent with a Content-Length up to this size; past it, it is written as the app
# makes it (chunked when the app gave no length): a dump of hundreds of MB never sits in memory.
STREAM_AFTER = 256 * 1024
FILE_BLOCK = 256 * 1024  # send_file's reads (werkzeug's own wrapper reads 8 KB at a time)
KEEP_ALIVE = "_front.keep_alive"  # environ key: the client asked to keep the connection open


class Sink(Protocol):
    """Where a pool thread writes an answer: ``send`` returns once the loop has taken the bytes (and the
    client has read enough of what came before), False when the connection is gone."""

    def send(self, data: bytes) -> bool: ...


class FileWrapper:
    """``wsgi.file_wrapper``: a file (a dump, a release's download) read in FILE_BLOCK pieces."""

    def __init__(self, file: IO[bytes], block_size: int = FILE_BLOCK) -> None:
        self.file = file
        self.block_size = max(block_size, FILE_BLOCK)

    def __iter__(self) -> Iterator[bytes]:
        while data := self.file.read(self.block_size):
            yield data

    def close(self) -> None:
        self.file.close()


class _Date:
    """The Date header line, formatted once a second."""

    def __init__(self) -> None:
        self.second = 0
        self.value = b""

    def line(self) -> bytes:
        second = int(time.time())
        if second != self.second:
            self.second = second
            self.value = b"Date: " + time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(second)).encode()
        return self.value


DATE = _Date()


def environ_for(
    method: str,
    url: bytes,
    version: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    peer: str,
    server: tuple[str, str],
    keep_alive: bool,
) -> dict[str, Any]:
    """The WSGI environ of one complete request (PEP 3333: strings are latin-1 decoded bytes)."""
    path, _, query = url.partition(b"?")
    path = path.split(b"#", 1)[0]
    if path.startswith(b"http://") or path.startswith(b"https://"):  # absolute-form: keep the path only
        path = b"/" + path.split(b"/", 3)[3] if path.count(b"/") >= 3 else b"/"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": (unquote_to_bytes(path) if b"%" in path else path).decode("latin-1") or "/",
        "QUERY_STRING": query.split(b"#", 1)[0].decode("latin-1"),
        "RAW_URI": url.decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": server[1],
        "SERVER_PROTOCOL": "HTTP/" + version,
        "REMOTE_ADDR": peer,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        KEEP_ALIVE: keep_alive,
    }
    for name, value in headers:
        key = name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = text
            continue
        key = "HTTP_" + key
        environ[key] = environ[key] + "," + text if key in environ else text
    if body and "CONTENT_LENGTH" not in environ:  # a chunked body, decoded by the parser
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def response_head(
    status: str, headers: list[tuple[str, str]], length: int | None, keep_alive: bool, version: str
) -> tuple[bytes, bool, bool]:
    """The head of a response, whether its body is sent chunked, and whether the connection stays open.

    ``length``: the body's size when it is known here (a whole body), else None (streamed): the app's
    own Content-Length is kept; without one, an HTTP/1.1 client gets chunked encoding and an HTTP/1.0
    client a body that ends when the connection closes."""
    lines = [b"HTTP/1.1 " + status.encode("latin-1")]
    has_length = has_date = False
    for name, value in headers:
        lower = name.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "date":  # send_file's own
            has_date = True
        elif lower == "connection":
            if value.lower() == "close":
                keep_alive = False
            continue  # the server decides, below
        elif lower == "transfer-encoding":
            continue
        lines.append(name.encode("latin-1") + b": " + value.encode("latin-1"))
    if not has_date:
        lines.insert(1, DATE.line())
    chunked = False
    bodiless = status[:1] == "1" or status[:3] in ("204", "304")
    if not has_length and not bodiless:
        if length is not None:
            lines.append(b"Content-Length: " + str(length).encode())
        elif version == "1.1":
            lines.append(b"Transfer-Encoding: chunked")
            chunked = True
        else:
            keep_alive = False
    if not keep_alive:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n", chunked, keep_alive


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a pool thread did with one request (for the access log and the connection's next step)."""

    status: str
    sent: int
    keep_alive: bool


def _framed(data: bytes, chunked: bool) -> bytes:
    """A piece of a streamed body as it goes on the wire."""
    return b"%x\r\n%s\r\n" % (len(data), data) if chunked else data


def run_app(app: WsgiApp, environ: dict[str, Any], sink: Sink, keep_alive: bool) -> Outcome:
    """Run the app on one request and write its answer to ``sink``: whole (with a Content-Length) when
    it is at most STREAM_AFTER bytes, else as it is made. A client that went away stops the app's
    iteration; the app's iterable is closed in every case (PEP 3333)."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and streaming:  # the head is out: nothing left to do but fail
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return _no_write

    streaming = False
    head_only = environ["REQUEST_METHOD"] == "HEAD"
    version = environ["SERVER_PROTOCOL"][5:]
    result = app(environ, start_response)
    try:
        pending: list[bytes] = []
        size = 0
        chunked = False
        for chunk in result:
            if not chunk:
                continue
            if streaming:
                if not head_only and not sink.send(_framed(chunk, chunked)):
                    return Outcome(started[0], size, False)
                size += len(chunk)
                continue
            pending.append(chunk)
            size += len(chunk)
            if size > STREAM_AFTER:
                streaming = True
                head, chunked, keep_alive = response_head(started[0], started[1], None, keep_alive, version)
                if not sink.send(head if head_only else head + _framed(b"".join(pending), chunked)):
                    return Outcome(started[0], size, False)
        if streaming:
            if chunked and not head_only and not sink.send(b"0\r\n\r\n"):
                return Outcome(started[0], size, False)
            return Outcome(started[0], size, keep_alive)
        body = b"".join(pending)
        head, _, keep_alive = response_head(started[0], started[1], len(body), keep_alive, version)
        sent = sink.send(head if head_only else head + body)
        return Outcome(started[0], len(body), keep_alive and sent)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def _no_write(data: bytes) -> None:
    raise NotImplementedError("the WSGI write() callable is not supported: return the body instead")
