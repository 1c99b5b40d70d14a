"""A hello-world Flask app under the same gunicorn configuration as ``dti serve`` (the HTTP stack's ceiling).

python -m benchmarks.hello PORT
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from dti_kg.cli.serve import _gunicorn_options, serve_command
from dti_kg.server.settings import load_settings

# As many web processes as `dti serve` starts by default (one was used before, which halved the
# ceiling at 8 clients: README "A faster HTTP server").
WORKERS = next(int(p.default) for p in serve_command.params if p.name == "workers")  # type: ignore[arg-type]


def app() -> Flask:
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "hello")
    return hello


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return app()


if __name__ == "__main__":
    # BENCH_GUNICORN (JSON) overrides options, to compare worker models by measurement.
    overrides = json.loads(os.environ.get("BENCH_GUNICORN", "{}"))
    options = _gunicorn_options("127.0.0.1", int(sys.argv[1]), WORKERS, load_settings())
    _Application({**options, **overrides}).run()
