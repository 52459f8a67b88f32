"""One spelling per article URL, so the same story fetched twice is recognised as one.

The rules are deliberately conservative: only changes that cannot point the URL at a
different resource (case of scheme and host, default ports, fragments, dot segments,
percent-escape case) plus removal of parameters that exist only to track the click.
Parameters that merely *look* like tracking (``ref``, ``source``, ``id``) are kept,
because on some sites they select the content.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# Exact names of click-tracking parameters (compared case-insensitively).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "vero_id",
        "vero_conv",
        "wickedid",
        "s_kwcid",
        "ef_id",
        "at_medium",
        "at_campaign",
        "spm",
    }
)
# Families of tracking parameters that share a prefix (utm_source, utm_medium, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def canonicalize_url(url: str) -> str:
    """Return the canonical spelling of an http(s) URL; other strings come back stripped.

    >>> canonicalize_url("HTTPS://Example.COM:443/a/../b?utm_source=x&z=1&a=2#top")
    'https://example.com/b?a=2&z=1'
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    netloc = _netloc(parts.hostname, port, scheme, parts.username, parts.password)
    path = _normalize_escapes(_remove_dot_segments(parts.path)) or "/"
    query = _clean_query(parts.query)
    # "#!" fragments were how single-page sites addressed content; everything else is
    # an in-page anchor.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _netloc(hostname: str, port: int | None, scheme: str, username: str | None, password: str | None) -> str:
    host = hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if username is not None:
        credentials = username if password is None else f"{username}:{password}"
        host = f"{credentials}@{host}"
    return host


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` is ``/a/c``."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if segment == ".":
            if is_last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if is_last:
                output.append("")
            continue
        output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_escapes(text: str) -> str:
    """Upper-case percent-escapes (``%2f`` and ``%2F`` are the same octet)."""
    return _PERCENT_ESCAPE.sub(lambda match: match.group().upper(), text)


def _clean_query(query: str) -> str:
    """Drop tracking parameters and sort the rest by name, keeping each pair's spelling.

    Pairs are not decoded and re-encoded, so ``a+b`` and ``a%20b`` stay as the site
    wrote them; sorting is stable, so repeated names keep their relative order.
    """
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote(pair.split("=", 1)[0].replace("+", " "))
        if is_tracking_param(name):
            continue
        kept.append((name, _normalize_escapes(pair)))
    kept.sort(key=lambda item: item[0])
    return "&".join(pair for _, pair in kept)
