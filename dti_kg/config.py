"""Every setting of dti_kg, declared once: the build, the CLI and the server read them from here.

A setting has a name, the environment variable that sets it, a default, a type and a meaning
(docs/settings.md lists them; a test keeps the two in step). The build reads its settings from the
environment when it needs them (:func:`read`, :func:`base_iri`, :func:`cache_dir`); the server reads
all of its own at start, from the environment or from the TOML file named by ``DTI_KG_SETTINGS``
(:mod:`dti_kg.server.settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dti_kg.errors import InputError

DEFAULT_BASE_IRI = "https://w3id.org/dti-kg/"
ENV_PREFIX = "DTI_KG_"
SETTINGS_FILE_VAR = "DTI_KG_SETTINGS"  # the server's TOML file of settings (instead of DTI_KG_* variables)

Value = str | int | float | None
User = Literal["build", "server"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value  # None: unset (the meaning says what that means)
    type: type[str] | type[int] | type[float]
    meaning: str
    used_by: frozenset[User]
    can_be_zero: bool = False  # numbers must be positive unless this is set
    env_var: str = ""  # the environment variable; DTI_KG_<name> unless given

    @property
    def env(self) -> str:
        return self.env_var or ENV_PREFIX + self.name

    def coerce(self, value: str | float, origin: str) -> Value:
        """``value`` (a variable's text, a TOML value) as this setting's type, checked; the error
        names where the value came from."""
        if self.type is str:
            return str(value)
        try:
            converted = int(value) if self.type is int else float(value)
        except (TypeError, ValueError):
            article = "an" if self.type.__name__[0] in "aeiou" else "a"
            raise InputError(
                f"{_where(origin, self.name)} must be {article} {self.type.__name__}, got {value!r}"
            ) from None
        if converted < 0 or (converted == 0 and not self.can_be_zero):
            rule = "must not be negative" if self.can_be_zero else "must be positive"
            raise InputError(f"{_where(origin, self.name)} {rule}, got {value!r}")
        return converted


def _where(origin: str, name: str) -> str:
    return name if origin == name else f"{origin}: {name}"


_BOTH: frozenset[User] = frozenset({"build", "server"})
_BUILD: frozenset[User] = frozenset({"build"})
_SERVER: frozenset[User] = frozenset({"server"})

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "BASE_IRI",
        DEFAULT_BASE_IRI,
        str,
        "base of every instance IRI ({BASE}id/...), for the build and the pages; a / is added if missing",
        _BOTH,
    ),
    Setting(
        "CACHE",
        None,
        str,
        "folder of the build cache shared by every store of the machine "
        "(unset: $XDG_CACHE_HOME/dti-kg, else ~/.cache/dti-kg)",
        _BUILD,
    ),
    Setting(
        "SOURCE_DATE_EPOCH",
        None,
        int,
        "extraction time recorded in the graphs, in seconds since 1970 (unset: the release's fixed time)",
        _BUILD,
        can_be_zero=True,
        env_var="SOURCE_DATE_EPOCH",  # the reproducible-builds convention, not ours
    ),
    Setting(
        "KEEP_RELEASES",
        5,
        int,
        "builds (releases) a store keeps readable for ?release=, diffs and Memento; at least 2",
        _BUILD,
    ),
    Setting(
        "PUBLISH_PASSWORD",
        None,
        str,
        "password of the dti publish --user on the target store; only ever read from the environment "
        "(a command-line option would be visible to every user of the machine)",
        _BUILD,
    ),
    Setting(
        "STORE",
        "store",
        str,
        "path of the store link (see dti_kg.store); dti serve and the app read DTI_KG_STORE, "
        "the other commands take --store with the same default",
        _BOTH,
    ),
    Setting(
        "QUERY_TIMEOUT", 10.0, float, "seconds a query may run before its worker is killed (503)", _SERVER
    ),
    Setting("MAX_ROWS", 10_000, int, "result rows (or triples) returned; more sets X-DTI-Truncated", _SERVER),
    Setting("QUERY_WORKERS", 2, int, "worker processes that run queries (per web process)", _SERVER),
    Setting(
        "RESPONSE_CACHE_MB",
        64,
        int,
        "memory per web process for answers kept until the next build (0: no cache)",
        _SERVER,
        can_be_zero=True,
    ),
    Setting(
        "SHARED_ANSWERS_MB",
        256,
        int,
        "disk per build for answers every server process reads (<store>.builds/answers/; 0: none "
        "shared, each web process makes its own)",
        _SERVER,
        can_be_zero=True,
    ),
    Setting(
        "SHARE_AFTER",
        1.0,
        float,
        "seconds of a worker's time after which an answer is written for the other server processes",
        _SERVER,
        can_be_zero=True,
    ),
    Setting(
        "PREPARE_TIMEOUT",
        300.0,
        float,
        "seconds dti serve's preparer may spend on each canned query's default answer after a build "
        "switch, in a worker of its own at low priority (0: nothing prepared)",
        _SERVER,
        can_be_zero=True,
    ),
    Setting(
        "QUEUE_SIZE",
        64,  # waiting costs a thread, not a worker: a burst of clients is queued, not refused
        int,
        "queries that may wait for a worker; beyond that 503 (0: busy workers mean 503 at once)",
        _SERVER,
        can_be_zero=True,
    ),
    Setting(
        "QUEUE_WAIT",
        10.0,
        float,
        "seconds a query may wait for a worker; 503 at once if it would wait longer",
        _SERVER,
    ),
    Setting("MAX_QUERY_BYTES", 32_768, int, "query text size (413 in a POST body, 414 in a URL)", _SERVER),
    Setting("MAX_REQUEST_BYTES", 65_536, int, "whole request body size (413)", _SERVER),
    Setting("MAX_DEPTH", 40, int, "nesting of {} and () together, and of prefix operators", _SERVER),
    Setting("MAX_TRIPLE_PATTERNS", 400, int, "triple patterns (counted by . ; , separators)", _SERVER),
    Setting("MAX_PATH_LENGTH", 16, int, "steps in one property path (IRIs chained by / |)", _SERVER),
    Setting("MAX_UNIONS", 128, int, "UNION and MINUS operators", _SERVER),
    # pyoxigraph 0.5.13 crashes (SIGSEGV) on ~10,000-long operator chains and few-thousand-item collections.
    Setting("MAX_OPERATORS", 256, int, "expression operators (|| && + < ...) in the whole query", _SERVER),
    Setting(
        "MAX_LIST_ITEMS",
        256,
        int,
        "items in one ( ) group without commas: an RDF collection, a VALUES row",
        _SERVER,
    ),
    Setting(
        "WORKER_MEMORY_MB",
        1024,
        int,
        "heap and private mappings of one query worker process (RLIMIT_DATA); "
        "dti query, export, stats, audit and review run under the same cap",
        _SERVER,
    ),
    Setting(
        "CLIENT_READ_TIMEOUT",
        10.0,
        float,
        "seconds a client has to send one whole request, head and body (else 408): slow clients "
        "cannot hold the web threads",
        _SERVER,
    ),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def read(name: str, environ: Mapping[str, str] | None = None) -> Value:
    """One setting from the environment (blank counts as unset), else its default."""
    setting = BY_NAME[name]
    raw = (os.environ if environ is None else environ).get(setting.env, "").strip()
    return setting.coerce(raw, setting.env) if raw else setting.default


def normalise_base(base: str) -> str:
    """A base IRI always ends with "/": IRIs are ``{base}id/...``."""
    return base if base.endswith("/") else base + "/"


def base_iri(environ: Mapping[str, str] | None = None) -> str:
    """The base of every instance IRI: ``DTI_KG_BASE_IRI``, else :data:`DEFAULT_BASE_IRI`."""
    return normalise_base(str(read("BASE_IRI", environ)))


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where verdicts that hold for every store of this machine are kept (``DTI_KG_CACHE`` overrides)."""
    env = os.environ if environ is None else environ
    explicit = read("CACHE", env)
    if explicit:
        return Path(str(explicit))
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dti-kg"
