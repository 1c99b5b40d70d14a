"""Server settings: defaults, then ``DTI_KG_*`` environment variables or a settings file, then overrides.

The settings themselves (names, variables, defaults, types, meanings) are declared once, in
:mod:`dti_kg.config`; docs/settings.md lists them. Every limit protects the one shared machine from
one client; each is configurable.

The settings file named by ``DTI_KG_SETTINGS`` is TOML with the same upper-case keys; when it is set,
it is used instead of the individual ``DTI_KG_<KEY>`` variables (never both, so nothing is silently
shadowed). ``DTI_KG_BASE_IRI`` is the exception: the build reads it too, so it always applies (a
settings file may still set BASE_IRI).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

from dti_kg import config
from dti_kg.config import SETTINGS_FILE_VAR
from dti_kg.errors import InputError

SERVER_SETTINGS = {s.name: s for s in config.SETTINGS if "server" in s.used_by}
DEFAULTS: dict[str, Any] = {name: s.default for name, s in SERVER_SETTINGS.items()}


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
    return {key: SERVER_SETTINGS[key].coerce(value, path) for key, value in data.items()}


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for key, setting in SERVER_SETTINGS.items():
        if setting.env in environ and key != "BASE_IRI":  # BASE_IRI: read by config.base_iri() below
            found[key] = setting.coerce(environ[setting.env], setting.env)
    return found


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The effective settings: defaults < environment (or settings file) < ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    settings["BASE_IRI"] = config.base_iri(environ)
    if environ.get(SETTINGS_FILE_VAR):
        settings.update(_from_file(environ[SETTINGS_FILE_VAR]))
    else:
        settings.update(_from_environment(environ))
    for key, value in (overrides or {}).items():
        # Unknown keys are passed through: Flask's own settings (TESTING, ...) and the pages' settings.
        settings[key] = SERVER_SETTINGS[key].coerce(value, "config") if key in DEFAULTS else value
    settings["BASE_IRI"] = config.normalise_base(settings["BASE_IRI"])
    return settings
