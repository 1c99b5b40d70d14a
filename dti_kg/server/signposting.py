"""FAIR Signposting (signposting.org) ``Link`` headers on every description of a thing.

``cite-as`` is the thing's permanent ``/id/`` IRI, ``describedby`` its RDF descriptions, ``license`` the
data licence and ``item`` the release download that holds the thing's rows. Headers are added after the
page is rendered, so every ``/doc/…`` response carries them whichever module answered.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, request

from dti_kg import releases as rel
from dti_kg.csvw import LICENSE
from dti_kg.release_zip import ZIP_NAME
from dti_kg.server.releases import thing_path

bp = Blueprint("signposting", __name__)

DESCRIBED_BY = ((".ttl", "text/turtle"), (".jsonld", "application/ld+json"), (".nt", "application/n-triples"))


def signposts(rest: str) -> list[str]:
    """The Signposting links of ``/doc/<rest>`` (``rest`` without a format extension)."""
    base = current_app.config["BASE_IRI"]
    doc = "/doc/" + quote(rest)
    links = [f'<{base}id/{rest}>; rel="cite-as"']
    links += [f'<{doc}{ext}>; rel="describedby"; type="{media}"' for ext, media in DESCRIBED_BY]
    links.append(f'<{LICENSE}>; rel="license"')
    release = g.get("release") or rel.current_release(current_app.config["STORE"])
    if release is not None and (release.build_dir / ZIP_NAME).is_file():
        links.append(f'</releases/{release.release_id}/dti.zip>; rel="item"; type="application/zip"')
    return links


@bp.after_app_request
def _signpost(response: Response) -> Response:
    if not request.path.startswith("/doc/") or response.status_code != 200:
        return response
    links = ", ".join(signposts(thing_path(request.path)))
    existing = response.headers.get("Link")
    response.headers["Link"] = f"{existing}, {links}" if existing else links
    return response
