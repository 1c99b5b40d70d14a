"""Server settings: defaults, then ``DTI_KG_*`` environment variables or a settings file, then overrides.

Every limit protects the one shared machine from one client; each is configurable.

=====================  =========  ===========================================================
setting                default    meaning
=====================  =========  ===========================================================
STORE                  ``store``  path of the store link (see ``dti_kg.store``)
BASE_IRI               (config)   base of instance IRIs, ``dti_kg.config.base_iri()``
QUERY_TIMEOUT          10         seconds a query may run before its worker is killed (503)
MAX_ROWS               10000      result rows (or triples) returned; more sets ``X-DTI-Truncated``
QUERY_WORKERS          2          worker processes that run queries (per web process)
QUEUE_SIZE             64         queries that may wait for a worker; beyond that 503
QUEUE_WAIT             10         seconds a query may wait for a worker; 503 at once if it would wait longer
MAX_QUERY_BYTES        32768      query text size (413 in a POST body, 414 in a URL)
MAX_REQUEST_BYTES      65536      whole request body size (413)
MAX_DEPTH              40         nesting of ``{}`` and ``()`` together, and of prefix operators
MAX_TRIPLE_PATTERNS    400        triple patterns (counted by ``.`` ``;`` ``,`` separators)
MAX_PATH_LENGTH        16         steps in one property path (IRIs chained by ``/`` ``|``)
MAX_UNIONS             128        ``UNION`` and ``MINUS`` operators
WORKER_MEMORY_MB       1024       heap and private mappings of one worker process (RLIMIT_DATA)
=====================  =========  ===========================================================

The settings file named by ``DTI_KG_SETTINGS`` is TOML with the same upper-case keys; when it is set,
it is used instead of the individual ``DTI_KG_<KEY>`` variables (never both, so nothing is silently
shadowed).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

from dti_kg.config import base_iri
from dti_kg.errors import InputError

DEFAULTS: dict[str, Any] = {
    "STORE": "store",
    "BASE_IRI": None,  # resolved at load time so DTI_KG_BASE_IRI is honoured
    "QUERY_TIMEOUT": 10.0,
    "MAX_ROWS": 10_000,
    "QUERY_WORKERS": 2,
    "QUEUE_SIZE": 64,  # waiting costs a thread, not a worker: a burst of clients is queued, not refused
    "QUEUE_WAIT": 10.0,
    "MAX_QUERY_BYTES": 32_768,
    "MAX_REQUEST_BYTES": 65_536,
    "MAX_DEPTH": 40,
    "MAX_TRIPLE_PATTERNS": 400,
    "MAX_PATH_LENGTH": 16,
    "MAX_UNIONS": 128,
    "WORKER_MEMORY_MB": 1024,
}

CAN_BE_ZERO = frozenset({"QUEUE_SIZE"})  # 0: no query waits, busy workers mean 503 at once
ENV_PREFIX = "DTI_KG_"
SETTINGS_FILE_VAR = "DTI_KG_SETTINGS"


def _coerce(key: str, value: Any, origin: str) -> Any:
    """Convert ``value`` to the type of the default for ``key``; the error names where it came from."""
    default = DEFAULTS[key]
    if default is None or isinstance(default, str):
        return str(value)
    kind = type(default)
    try:
        converted = kind(value)
    except (TypeError, ValueError):
        raise InputError(f"{origin}: {key} must be a {kind.__name__}, got {value!r}") from None
    if converted < 0 or (converted == 0 and key not in CAN_BE_ZERO):
        raise InputError(f"{origin}: {key} must be positive, got {value!r}")
    return converted


def _from_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"{SETTINGS_FILE_VAR}={path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{SETTINGS_FILE_VAR}={path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise InputError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    return {key: _coerce(key, value, path) for key, value in data.items()}


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for key in DEFAULTS:
        name = ENV_PREFIX + key
        if name in environ and key != "BASE_IRI":  # BASE_IRI is read by dti_kg.config itself
            found[key] = _coerce(key, environ[name], name)
    return found


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The effective settings: defaults < environment (or settings file) < ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    settings["BASE_IRI"] = base_iri()
    if environ.get(SETTINGS_FILE_VAR):
        settings.update(_from_file(environ[SETTINGS_FILE_VAR]))
    else:
        settings.update(_from_environment(environ))
    for key, value in (overrides or {}).items():
        # Unknown keys are passed through: Flask's own settings (TESTING, ...) and the pages' settings.
        settings[key] = _coerce(key, value, "config") if key in DEFAULTS else value
    base = settings["BASE_IRI"]
    if not base.endswith("/"):
        settings["BASE_IRI"] = base + "/"
    return settings
