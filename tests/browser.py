"""A real headless Chromium driven over the DevTools protocol (CDP), for the page-layout tests.

Debian's ``chromium`` package is the browser (``.ci/run`` installs it when missing); ``websocket-client``
speaks the protocol. No browser download, no WebDriver: one page target, a viewport set by
``Emulation.setDeviceMetricsOverride`` (``mobile`` so ``<meta name=viewport>`` counts, as on a phone),
``Page.navigate`` and ``Runtime.evaluate``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import requests
import websocket

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",  # a scrollbar would take width from the viewport and differ between hosts
    "--remote-debugging-port=0",
)


def chromium_executable() -> str | None:
    """The chromium binary on PATH (``DTI_KG_CHROMIUM`` overrides), or None."""
    return os.environ.get("DTI_KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One browser tab; every call waits for its answer."""

    def __init__(self, ws_url: str) -> None:
        self._ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self._ids = count(1)
        self._events: list[dict[str, Any]] = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def close(self) -> None:
        self._ws.close()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _wait_event(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if any(e["method"] == method for e in self._events):
                self._events.clear()
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            message = json.loads(self._ws.recv())
            if "method" in message:
                self._events.append(message)

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load ``url`` in a viewport ``width`` CSS px wide (a phone below 600 px) and wait for ``load``."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self._events.clear()
        self.call("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """The whole page (not only the viewport) as PNG."""
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))


@contextlib.contextmanager
def chromium(executable: str) -> Iterator[Page]:
    """Start headless Chromium with a throw-away profile; yields one page; the process is ended on exit."""
    # Its helper processes may still be writing the profile while they exit: ignore leftovers.
    with tempfile.TemporaryDirectory(prefix="dti-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so its helpers are ended with it
        )
        page = None
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 60
            while not (port_file.exists() and port_file.read_text().strip()):
                if process.poll() is not None:
                    raise RuntimeError(f"{executable} exited with {process.returncode} before opening CDP")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{executable} did not open its DevTools port within 60 s")
                time.sleep(0.1)
            port = port_file.read_text().split()[0]
            target = requests.put(f"http://127.0.0.1:{port}/json/new?about:blank", timeout=30).json()
            page = Page(target["webSocketDebuggerUrl"])
            yield page
        finally:
            if page is not None:
                page.close()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # helpers (zygote, renderers) still alive
                os.killpg(process.pid, signal.SIGKILL)
