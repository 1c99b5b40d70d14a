"""Read one input file (.txt or a saved .html page) into a normalised ``SourceDocument``."""

from __future__ import annotations

import errno
import hashlib
import json
import stat
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from dti_kg.errors import InputError
from dti_kg.loaders import metadata
from dti_kg.model import SourceDocument
from dti_kg.names import shown
from dti_kg.reference import outlet_for_domain, outlets
from dti_kg.text import normalise_text, sha256_hex

MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = frozenset({"url", "outlet", "published", "title", "language"})
LANGUAGES = ("vi", "en")
_MIN_SENTENCE_WORDS = 8


@dataclass(frozen=True)
class _Page:
    """What trafilatura found in an HTML page."""

    text: str
    title: str | None
    published: date | None
    url: str | None
    site_name: str | None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to read: each file as given; each directory's .txt/.html entries (sorted, not recursive),
    leaving out sidecars and READMEs.

    Entries named like articles that are not regular files (a FIFO, a folder named ``x.txt``, a
    looping or broken symlink) are kept, so that reading them reports them instead of a silent skip.
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES
                and not p.name.endswith(SIDECAR_SUFFIX)
                and not p.name.upper().startswith("README")
            )
            if not found:
                raise InputError(f"{path}: no .txt or .html files in this directory")
            out.extend(found)
        else:
            out.append(path)
    return out


def _not_a_file(path: Path) -> str:
    """What ``path`` is when it is not a regular file ("" when it is one)."""
    try:
        mode = path.stat().st_mode  # follows symlinks: a link to an article is read
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return "a broken symbolic link" if path.is_symlink() else "no such file"
    kinds = (
        (stat.S_ISREG, ""),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


def _read_bytes(path: Path) -> bytes:
    kind = _not_a_file(path)
    if kind == "no such file":
        raise InputError(f"{path}: no such file")
    if kind:
        raise InputError(f"{path}: {kind}, not a regular file: skipped")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: file is {size} bytes, over the {MAX_BYTES // (1024 * 1024)} MB limit")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise InputError(f"{path}: binary file (contains NUL bytes), not an article")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from exc


def _parse_html(path: Path, html: str) -> _Page:
    # Imported here: trafilatura is slow to import and only HTML input needs it.
    import trafilatura
    import trafilatura.settings

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    # None when nothing was extracted (a dict comes back only with as_dict=True, which we never pass).
    text = (doc.text or "") if isinstance(doc, trafilatura.settings.Document) else ""
    # On a page without an article trafilatura falls back to whatever text there is (menus, a
    # footer); an article has at least one line that reads like a sentence.
    if not isinstance(doc, trafilatura.settings.Document) or not any(
        len(line.split()) >= _MIN_SENTENCE_WORDS for line in text.splitlines()
    ):
        raise InputError(f"{path}: HTML page without an article (no main text found)")
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    return _Page(text, doc.title or None, published, doc.url or None, doc.sitename or None)


def _read_sidecar(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{sidecar}: not a valid UTF-8 JSON file ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{sidecar}: expected a JSON object")
    unknown = sorted(set(data) - SIDECAR_KEYS)
    if unknown:
        raise InputError(f"{sidecar}: unknown keys {unknown} (allowed: {sorted(SIDECAR_KEYS)})")
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{sidecar}: {key!r} must be a string")
    if data.get("published"):
        try:
            date.fromisoformat(data["published"])
        except ValueError as exc:
            raise InputError(f"{sidecar}: 'published' must be an ISO date (YYYY-MM-DD)") from exc
    if data.get("url") and not web_url(data["url"]):
        raise InputError(f"{sidecar}: 'url' must be an http:// or https:// URL with a host")
    if data.get("language") and data["language"] not in LANGUAGES:
        raise InputError(f"{sidecar}: 'language' must be one of {list(LANGUAGES)}")
    return {k: v for k, v in data.items() if v}


def web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: the only kind of source URL the graph (and its pages,
    which make it a link) accepts. ``javascript:``, ``data:`` or relative URLs are not sources."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)


def _outlet_slug(name: str) -> str | None:
    """The registry slug for a sidecar's outlet (slug, name, abbreviation or domain)."""
    wanted = name.strip().lower()
    for o in outlets().values():
        if wanted in {o.slug, o.name.lower(), o.abbreviation.lower(), o.domain} - {""}:
            return o.slug
    return None


def document_key(path: Path) -> str:
    """SHA-256 of everything :func:`load_document` reads: the file's name and bytes, and its sidecar's.

    No decoding or normalisation (~0.1 ms against ~14 ms for loading), so that a build finds an
    unchanged file in its cache at once; a renamed file or an edited sidecar gets a new key.
    Raises ``InputError`` like ``load_document`` for what is no readable file."""
    digest = hashlib.sha256(shown(path.name).encode("utf-8") + b"\0")
    digest.update(_read_bytes(path))
    for sidecar in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if sidecar.exists():  # the first one that exists is the one read, as in _read_sidecar
            try:
                digest.update(b"\0" + sidecar.name.encode("utf-8") + b"\0" + sidecar.read_bytes())
            except OSError as exc:
                raise InputError(f"{sidecar}: cannot read ({exc.strerror})") from exc
            break
    return digest.hexdigest()


def load_document(path: Path) -> SourceDocument:
    """Read, check and normalise one article file; raise ``InputError`` naming the file if it is bad."""
    suffix = path.suffix.lower()
    # Before the suffix: a missing folder ("../shared/corpus") is no file type. A looping or broken
    # symlink "exists" as an entry: _read_bytes says what it is.
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: no such file or directory")
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'!r} (expected .txt or .html)")
    raw = _decode(path, _read_bytes(path))
    basis: dict[str, str] = {}
    page = _parse_html(path, raw) if suffix in HTML_SUFFIXES else None
    original = unicodedata.normalize("NFC", page.text if page else raw)
    text = normalise_text(original)
    if not text:
        raise InputError(f"{path}: empty file (no text)")
    title = url = outlet = outlet_name = None
    published = None
    if page:
        media_type = "text/html"
        if page.title:
            title = normalise_text(page.title).strip()
            # Offsets refer to the text, and the headline carries claims too: keep it in the text.
            if not text.startswith(title):
                original = unicodedata.normalize("NFC", page.title + "\n\n") + original
                text = normalise_text(title + "\n\n" + text)
            basis["title"] = "html"
        if page.published:
            published, basis["published"] = page.published, "html"
        if page.url and web_url(page.url):  # a page's own claim: ignored unless a web URL
            url, basis["url"] = page.url, "html"
        slug = _outlet_slug(page.site_name) if page.site_name else None
        if slug is None and url:
            found_outlet = outlet_for_domain(urlsplit(url).hostname or "")
            slug = found_outlet.slug if found_outlet else None
        if slug or page.site_name:
            outlet, outlet_name = (slug, None) if slug else (None, page.site_name)
            basis["outlet"] = "html"
    else:
        media_type = "text/plain"
    if title is None and (title := metadata.find_title(text)):
        basis["title"] = "text"
    if published is None and (published := metadata.find_published(text)):
        basis["published"] = "text"
    if url is None and (found_url := metadata.find_url(text)) and web_url(found_url):
        url, basis["url"] = found_url, "text"
    if outlet is None:
        found, _kind = metadata.find_outlet(text, url)
        if found:
            outlet, outlet_name, basis["outlet"] = found.slug, None, "text"
    language, basis["language"] = metadata.detect_language(text), "text"

    sidecar = _read_sidecar(path)
    if title is None and sidecar.get("title"):
        title, basis["title"] = normalise_text(sidecar["title"]).strip(), "sidecar"
    if published is None and sidecar.get("published"):
        published, basis["published"] = date.fromisoformat(sidecar["published"]), "sidecar"
    if url is None and sidecar.get("url"):
        url, basis["url"] = sidecar["url"], "sidecar"
    if outlet is None and sidecar.get("outlet"):
        slug = _outlet_slug(sidecar["outlet"])
        outlet, outlet_name = (slug, None) if slug else (None, sidecar["outlet"])
        basis["outlet"] = "sidecar"
    if sidecar.get("language"):  # a person's statement beats the diacritics heuristic
        language, basis["language"] = sidecar["language"], "sidecar"

    return SourceDocument(
        file_name=shown(path.name),  # any bytes a file system allows, as text RDF can hold
        text=text,
        sha256=sha256_hex(text),
        media_type=media_type,
        language=language,
        title=title,
        url=url,
        outlet=outlet,
        outlet_name=outlet_name,
        published=published,
        metadata_basis=dict(sorted(basis.items())),
        original=original,
    )
