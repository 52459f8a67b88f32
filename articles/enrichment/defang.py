"""Defanged indicators: the forms analysts write, and the two conversions.

Analysts "defang" indicators so nobody clicks them: ``hxxp://evil[.]com``,
``1.2.3[.]4``, ``user[at]evil(dot)com``. The extractor scans the original text
with patterns that accept these forms directly (so offsets stay native), then
calls :func:`refang` on each matched substring to get the real value.

The regex fragments below (``DOT``, ``DOT_IN_BRACKETS``, ``AT``, ``SCHEME``,
``SCHEME_SEP``, ``PORT_COLON``) are shared with :mod:`articles.enrichment.indicators`; compile
them with ``re.IGNORECASE``. A word such as ``dot`` or ``at`` only counts when it
sits inside brackets — ``example dot com`` in prose is not an indicator.
"""

from __future__ import annotations

import re

# One space is tolerated inside and around a bracketed token ("example [ dot ] com"),
# never a newline: a line break between labels is a different sentence. The
# extractor's anchor patterns (network_indicators._DOT_ANCHORS) mirror these forms.
DOT_IN_BRACKETS = r"(?:\[ ?(?:\.|dot) ?\]|\( ?(?:\.|dot) ?\)|\{ ?(?:\.|dot) ?\})"
_AT_IN_BRACKETS = r"(?:\[ ?(?:@|at) ?\]|\( ?(?:@|at) ?\)|\{ ?(?:@|at) ?\})"

# Full-width and other look-alike dots defangers use: "．" "。" "｡" "․" "﹒".
LOOKALIKE_DOTS = "\uff0e\u3002\uff61\u2024\ufe52"
DOT = rf"(?:\.|\\\.|[{LOOKALIKE_DOTS}]| ?{DOT_IN_BRACKETS} ?)"
# The full-width "＠" (U+FF20) is the look-alike at sign.
AT = rf"(?:@|\uff20| ?{_AT_IN_BRACKETS} ?)"
# http, https, ftp, ftps and their defanged forms (hxxp, hXXps, htxp, h**p, h__p, ht*p,
# fxp), and the non-web schemes analysts meet in reports: sftp, tcp, udp, ssh; WebSocket
# C2 channels (ws, wss); the JNDI lookups of Log4Shell (ldap, ldaps, rmi); smb, telnet, irc.
SCHEME = r"(?:h[tx*_][tx*_]ps?|f[tx]ps?|sftp|tcp|udp|ssh|wss?|ldaps?|rmi|smb|telnet|irc)"
# Every form contains "//", or the "\/\/" of a URL escaped in JSON ("http:\/\/evil.example\/x"):
# the extractor uses those literals to find URLs fast.
SCHEME_SEP = r"(?:://|\[:\]//|\(:\)//|\[://\]|:\[//\]|\[:\]\[//\]|:\\/\\/)"
PORT_COLON = r"(?::|\[:\])"

_REFANG = re.compile(
    # Every token starts with one of these: one test rejects most positions at once.
    rf"(?=[hfstuwlri:\[({{\\ \uff20{LOOKALIKE_DOTS}])"
    rf"(?:(?P<scheme>\b{SCHEME}(?={SCHEME_SEP}))"
    rf"|(?P<sep>{SCHEME_SEP})"
    rf"|(?P<dot>\\\.|[{LOOKALIKE_DOTS}]| ?{DOT_IN_BRACKETS} ?)"
    rf"|(?P<at>\uff20| ?{_AT_IN_BRACKETS} ?)"
    r"|(?P<colon>\[:\]|\(:\))"
    r"|(?P<slash>\[/\]|\\/))",
    re.IGNORECASE,
)

_PLAIN_SCHEMES = {"h": "http", "f": "ftp"}
PLAIN_SCHEME_NAMES = frozenset(
    {"http", "https", "ftp", "ftps", "sftp", "tcp", "udp", "ssh"}
    | {"ws", "wss", "ldap", "ldaps", "rmi", "smb", "telnet", "irc"}
)
_DEFANGED_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}


# Every token but a defanged scheme has one of these characters.
_DEFANG_CHAR = re.compile("[" + re.escape("[({\\\uff20" + LOOKALIKE_DOTS) + "]")
# A defanged scheme is always followed by a plain "://" when no bracket is in sight.
_SCHEME_BEFORE_SEP = re.compile(rf"(?P<scheme>\b{SCHEME})(?=://)", re.IGNORECASE)


def _refang_token(match: re.Match[str]) -> str:
    kind = match.lastgroup
    token = match.group()
    if kind == "scheme":
        if token.lower() in PLAIN_SCHEME_NAMES:
            return token  # a plain "HTTP" is not defanged; leave its case to the caller
        secure = "s" if token[-1] in "sS" else ""
        return _PLAIN_SCHEMES[token[0].lower()] + secure
    return {"sep": "://", "dot": ".", "at": "@", "colon": ":", "slash": "/"}[kind or ""]


def refang(text: str) -> str:
    """Undo every defang token in ``text``: ``"hxxp://a[.]b"`` -> ``"http://a.b"``.

    Only tokens are replaced; case and everything else are left alone, so
    ``refang(x) != x`` tells whether ``x`` was defanged.
    """
    # Fast paths (the extractor refangs every match): without a bracket, a backslash
    # or a look-alike dot, the only possible token is a scheme ("hxxp://").
    if _DEFANG_CHAR.search(text) is None:
        return _SCHEME_BEFORE_SEP.sub(_refang_token, text) if "://" in text else text
    return _REFANG.sub(_refang_token, text)


def is_defanged(text: str) -> bool:
    """True when ``text`` contains at least one defang token."""
    # The refang pattern also matches plain "://" and "http", so compare results.
    return refang(text) != text


def _defang_last_dot(host: str) -> str:
    # Breaking the last dot is enough to stop a click or a resolver, and keeps the
    # rest of the host readable (the convention of the `defang` tool and most feeds).
    head, dot, tail = host.rpartition(".")
    return f"{head}[.]{tail}" if dot else host


def _defang_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _defang_last_dot(url)
    scheme = _DEFANGED_SCHEMES.get(scheme.lower(), scheme.lower())
    # The authority ends at the first "/", "?" or "#"; only the host part is changed.
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if authority.startswith("["):  # IPv6 literal: the x-ed scheme already stops a click
        return f"{scheme}://{authority}{tail}"
    host, colon, port = authority.partition(":")
    return f"{scheme}://{_defang_last_dot(host)}{colon}{port}{tail}"


def defang(value: str, type_: str) -> str:
    """A safe-to-display form of a normalized indicator value.

    ``defang("1.2.3.4", "ipv4") == "1.2.3[.]4"``,
    ``defang("https://evil.com/x", "url") == "hxxps://evil[.]com/x"``,
    ``defang("a@b.com", "email") == "a[@]b[.]com"``. Hashes and CVEs are returned
    unchanged: they cannot be clicked or resolved.
    """
    if type_ in ("ipv4", "domain"):
        return _defang_last_dot(value)
    if type_ == "ipv6":
        return value.replace(":", "[:]")
    if type_ == "email":
        local, at, domain = value.rpartition("@")
        return f"{local}[@]{_defang_last_dot(domain)}" if at else value
    if type_ == "url":
        return _defang_url(value)
    return value
