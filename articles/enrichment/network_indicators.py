"""Where the network indicators are in a text: URLs, domains, IPv4 and IPv6 addresses,
e-mail addresses.

Each scanner finds its type from a rare anchor ("//", a dot token before a label, a
colon between hex digits) and yields candidates for
:class:`~articles.enrichment.indicators.IndicatorExtractor`, which settles overlaps
between them (see that module's docstring for the rules). Kept apart from the
extractor because host names and their defanged forms are the bulk of the scanning
code; the candidate type and the small text helpers shared with the hash and CVE
scanners live here too.
"""

from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from collections.abc import Iterator

from articles.enrichment.defang import (
    AT,
    DOT,
    LOOKALIKE_DOTS,
    PORT_COLON,
    SCHEME,
    SCHEME_SEP,
    refang,
)
from articles.enrichment.domains import (
    compress_ipv6,
    is_hostname,
    is_icann_suffix,
    is_ipv4,
    is_tld,
    looks_like_filename,
    normalize_host,
    normalize_url,
)

_I = re.IGNORECASE

# Labels and chains are possessive (they match to their end or not at all) and
# are validated in Python. Letting the engine retry shorter labels or chains
# makes the scan slow, and quadratic on hostile input such as "a[.]" * 30000.
_LABEL = r"[a-z0-9][a-z0-9-]{0,62}+"
_CHAIN = rf"{_LABEL}(?:{DOT}{_LABEL})++"
_LOCAL_PART = r"[a-z0-9_%+\-]{1,64}+(?:(?:\.|\[\.\])[a-z0-9_%+\-]{1,64}+){0,16}+"
# Path characters of a URL in prose; quotes, angle brackets, spaces, a table's or wiki
# link's "|" and a CSV row's "," end it (a comma inside a URL is rare; a URL followed by
# ",True,2024-01-02" in an export is common).
# A "](" is where a Markdown link's text ends and its target starts:
# "[https://a/p](https://a/p)" is two URLs. Guillemets and corner brackets quote a URL in
# French, Spanish or Japanese prose («…/pago»); a URL holds them only percent-encoded.
_URL_STOPS = "\\s<>\"'`|,\\]\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f"
_URL_TAIL = f"(?:[^{_URL_STOPS}]++|\\](?!\\())"

# Each pattern below is matched only at anchors (see the module docstring).
URL_RE = re.compile(
    rf"(?P<scheme>{SCHEME}){SCHEME_SEP}"
    # "user:password@" before the host: possessive, so a URL without one costs one try.
    r"(?:[\w.%+~!$&*=-]{1,64}+(?::[^\s/?#@<>\"'|]{0,64}+)?@)?"
    rf"(?P<host>{_LABEL}(?:{DOT}{_LABEL})*+|\[[0-9a-f:.]{{2,45}}\])"
    rf"(?:{PORT_COLON}\d{{1,5}})?"
    # "[/]" is a defanged slash: "hxxp://evil[.]example[/]gate.php"; "\/" a JSON-escaped one.
    rf"(?P<rest>(?:[/?#]|\[/\]|\\/){_URL_TAIL}*+)?",
    _I,
)
# Every dot token, and an IPv6 literal, has one of these: a host without any has no TLD.
_HOST_DOT_HINT = re.compile(f"[.\\[({{{LOOKALIKE_DOTS}]")
_USERINFO_BEFORE = re.compile(r"[a-z][a-z0-9+.-]{1,15}://[^\s/@]{0,64}:$", _I)
_BARE_PORT = re.compile(rf"{PORT_COLON}\d{{1,5}}(?=/|\[/\])")
_BARE_PATH = re.compile(rf"(?:/|\[/\])(?=[\w%~.-]){_URL_TAIL}*+")
_SCHEME_NEAR = re.compile(rf"{SCHEME}{SCHEME_SEP}", _I)
_NESTED_SCHEME = re.compile(rf"[=?&](?P<scheme>{SCHEME}){SCHEME_SEP}", _I)
CHAIN_RE = re.compile(_CHAIN, _I)
# One pattern per opening character: a literal first character lets the regex
# engine skip ahead in C (a 5 KB article in ~5 us, 5 MB of "[" in 0.2 s).
_DOT_ANCHORS = tuple(
    re.compile(pattern, _I)
    for pattern in (
        r"\.(?=[a-z0-9])",
        r"\\\.(?=[a-z0-9])",
        rf"[{LOOKALIKE_DOTS}](?=[a-z0-9])",
        r"\[ ?(?:\.|dot) ?\] ?(?=[a-z0-9])",
        r"\( ?(?:\.|dot) ?\) ?(?=[a-z0-9])",
        r"\{ ?(?:\.|dot) ?\} ?(?=[a-z0-9])",
    )
)
_EMAIL_HEAD = re.compile(rf"(?:(?<=--)|(?<![\w.%+\-\]])){_LOCAL_PART}{AT}\Z", _I)
_AT_BEFORE = re.compile(rf"{AT}\Z", _I)
IPV6_RE = re.compile(
    # Not glued to a word, colon or dot, except in a mail header's "[IPv6:2001:db8::1]".
    r"(?:(?<=\bipv6:)|(?<![\w:.\]]))[0-9a-f]{0,4}(?:(?::|\[:\])[0-9a-f]{0,4}){2,7}"
    r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)",
    _I,
)

# A host name has at most 253 characters; defanged (" [ dot ] " for each of up
# to 126 dots) it can take about 1,250.
_MAX_CHAIN = 1300
_IP_RANGE = re.compile(r"[\d.]+-[\d.]+")
# "version 1.2.3.4", "versions 12.1.2.172 and earlier", "build: 10.0.19041.1",
# "v1.2.3.4": a dotted number right after a version word is a version number.
_VERSION_BEFORE = re.compile(r"\b(?:versions?|ver\.?|builds?|releases?|firmware|v)(?:\s?:)?\s?$", _I)
# "versions 1.2.3.4 through 1.2.3.9": the second number of a version range.
_VERSION_RANGE_BEFORE = re.compile(
    r"\b(?:versions?|ver\.?|builds?|releases?|firmware|v)(?:\s?:)?\s?\d+(?:\.\d+){1,3}"
    r"\s?(?:through|to|and|or|-|\u2013)\s?$",
    _I,
)
_DOTTED_QUAD = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_IPV6_RUN_CHARS = "0123456789abcdefABCDEF:[]."
_IPV6_RUN = re.compile(r"[0-9a-fA-F:\[\].]*+")
_IPV6_BEFORE_COLON = HEXDIGITS | {":", "[", "]"}
_IPV6_AFTER_COLON = HEXDIGITS | {":", "[", "]"}
_LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
_LABEL_CHAR_SET = frozenset(_LABEL_CHARS)
_LOCAL_CHARS = _LABEL_CHARS + "._%+"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# A written URL never ends in a backslash: one there escapes the quote after it, in JSON
# ("…/a.html\\"" inside a string).
_TRAILING_PUNCTUATION = ".,;:!?'\"*\\"
_CLOSING_BRACKETS = frozenset("])}")

Span = tuple[int, int]
Candidate = tuple[int, int, str, str, Span]  # start, end, type, value, host span
# A candidate left out, for ``extract --explain``: start, end, type it would have had,
# value, reason ("placeholder", "version number"...).
Dropped = tuple[int, int, str, str, str]
# "x.x.x.x", "xxx.xxx.xxx.xxx", "192.168.x.x": an address with its digits redacted.
_REDACTED_ADDRESS = re.compile(r"(?:(?:\d{1,3}|x{1,3})\.){3}(?:\d{1,3}|x{1,3})", _I)


def find_all(text: str, needle: str) -> Iterator[int]:
    """Every position of ``needle`` in ``text``: a literal search runs in C."""
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def is_word_char(char: str) -> bool:
    """A letter, digit or underscore: what an indicator must not be glued to."""
    return char.isalnum() or char == "_"


def _ends_cleanly(text: str, end: int) -> bool:
    """A host must not run on into a word ("evil.com_x", "evil.com-")."""
    following = text[end : end + 1]
    if following == "-":
        return text[end + 1 : end + 2] == "-"  # "evil.example--the C2": a dash in plain text
    return not following or not is_word_char(following)


# --- URLs -------------------------------------------------------------------


def url_candidates(text: str) -> Iterator[Candidate]:
    """Every URL, found from its "//" and ending before trailing punctuation."""
    covered = 0
    quoted_printable = _QP_EQUALS in text
    for slashes in heapq.merge(find_all(text, "//"), find_all(text, "\\/\\/")):
        if slashes < covered:
            continue
        # The scheme starts at most 9 characters before the "//" ("hxxps[:]//", "telnet://").
        near = _SCHEME_NEAR.search(text, max(0, slashes - 9), slashes + 5)
        if near is None or near.end() <= slashes:
            continue
        if is_word_char(text[near.start() - 1 : near.start()] or " "):
            continue  # "xhttp://" is not a scheme
        match = URL_RE.match(text, near.start())
        if match is None:
            continue
        start, end = match.span()
        if quoted_printable and match.group("rest"):
            end = _past_soft_breaks(text, end)
        if match.group("rest"):
            escaped = _ESCAPED_CONTROL.search(text, match.start("rest"), end)
            if escaped is not None:
                end = escaped.start()
            end = _trim_url_end(text, start, match.start("rest"), end)
        covered = end
        host = match.group("host")
        if _HOST_DOT_HINT.search(host) is None:
            continue  # no dot token, no IPv6 literal: "http://localhost", "http://http://..."
        if normalize_host(refang(host)) is None:
            continue
        written = text[start:end]
        if quoted_printable:
            written = _QP_SOFT_BREAK.sub("", written).replace(_QP_EQUALS, "=")
        value = normalize_url(refang(written), match.group("scheme"))
        yield start, end, "url", value, match.span("host")
        if match.group("rest") and "//" in text[match.start("rest") : end]:
            yield from _nested_url(text, match.start("rest"), end)


# Quoted-printable mail source (RFC 2045): a line ending in "=" goes on on the next line
# (a soft break), and "=3D" is an encoded "=". Such a source has "=3D" somewhere (every
# href=3D"…" of its HTML); only there is a URL followed past a soft break and decoded.
_QP_EQUALS = "=3D"
_QP_SOFT_BREAK = re.compile(r"=\r?\n")
_URL_TAIL_RUN = re.compile(f"{_URL_TAIL}*+")
# An escaped line break or tab (a backslash and "n", "r" or "t", as iCalendar text, JSON
# strings and log lines write them) ends a URL: "…/letter.html\n\nJoin by phone". A URL
# holds no raw backslash (RFC 3986).
_ESCAPED_CONTROL = re.compile(r"\\[nrt]")


def _past_soft_breaks(text: str, end: int) -> int:
    """The end of a URL that a quoted-printable soft break (``=`` + line break) cut."""
    while text[end - 1 : end] == "=":
        soft_break = _QP_SOFT_BREAK.match(text, end - 1)
        if soft_break is None:
            break
        tail_end = _URL_TAIL_RUN.match(text, soft_break.end()).end()
        if tail_end == soft_break.end():
            break
        end = tail_end
    return end


def _nested_url(text: str, rest_start: int, end: int) -> Iterator[Candidate]:
    """A URL written as a parameter of another ("t.co/x?r=https://evil.example/claim"): an
    open redirect's target is the indicator that matters. Only a plain, unencoded one."""
    near = _NESTED_SCHEME.search(text, rest_start, end)
    if near is None:
        return
    inner = URL_RE.match(text, near.start("scheme"), end)
    if inner is None or _HOST_DOT_HINT.search(inner.group("host")) is None:
        return
    if normalize_host(refang(inner.group("host"))) is None:
        return
    value = normalize_url(refang(inner.group()), inner.group("scheme"))
    yield inner.start(), inner.end(), "url", value, inner.span("host")


def _trim_url_end(text: str, start: int, rest_start: int, end: int) -> int:
    """Drop sentence punctuation and unbalanced closing brackets after a URL."""
    balance: dict[str, int] | None = None
    while end > rest_start:
        last = text[end - 1]
        if last in _TRAILING_PUNCTUATION or (last > "\x7f" and _is_emoji_part(last)):
            end -= 1  # "…/verify📲": an emoji glued to a URL in a post is not part of it
            continue
        if last not in _CLOSERS:
            break
        if balance is None:
            # Counted once and updated as we trim: recounting per character is quadratic.
            url = text[start:end]
            balance = {c: url.count(c) - url.count(o) for c, o in _CLOSERS.items()}
        if balance[last] <= 0:
            break
        balance[last] -= 1
        end -= 1
    return end


def _is_emoji_part(char: str) -> bool:
    """A pictograph or symbol, a variation selector or a zero-width joiner: never how a
    URL path ends, while letters of any script may ("/новости")."""
    return unicodedata.category(char) in ("So", "Sk", "Sm", "Mn", "Cf")


# --- Host names: domains, IPv4 addresses, e-mail addresses -----------------


def _dot_anchors(text: str) -> Iterator[int]:
    """Positions of every dot token ("." or "[.]", "(dot)", "\\."...) before a label,
    in order. Lazy, so anchors inside an already matched chain cost one
    comparison each."""
    return heapq.merge(*((m.start() for m in rx.finditer(text)) for rx in _DOT_ANCHORS))


def host_chain_candidates(
    text: str, urls: list[Span], dropped: list[Dropped] | None = None
) -> Iterator[Candidate]:
    """Every dotted chain ("evil[.]com", "1.2.3.4") outside ``urls``, classified.

    Chains that look like an indicator but are left out are added to ``dropped`` with
    the reason, when it is given.
    """
    covered = 0
    next_url = 0
    for anchor in _dot_anchors(text):
        if anchor < covered:
            continue
        while next_url < len(urls) and urls[next_url][1] <= anchor:
            next_url += 1
        if next_url < len(urls) and urls[next_url][0] <= anchor:
            covered = urls[next_url][1]  # the URL already owns this host
            continue
        label_end = anchor - 1 if text[anchor - 1 : anchor] == " " else anchor
        if text[label_end - 1 : label_end] not in _LABEL_CHAR_SET:
            continue  # no label before the dot ("...", "(.)" in prose)
        # The label before the dot: rstrip in C is ~10x faster than a Python loop.
        window = text[max(0, label_end - 64) : label_end]
        start = label_end - (len(window) - len(window.rstrip(_LABEL_CHARS)))
        while start < label_end and text[start] == "-":
            start += 1  # a label never starts with "-": "-evil.example" is a bullet or a flag
        match = CHAIN_RE.match(text, start) if start < label_end else None
        if match is None or match.end() <= anchor:
            continue
        covered = match.end()
        if covered - start > _MAX_CHAIN:
            continue  # longer than any host name, even fully defanged: junk, skip the work
        chain_end = _before_a_double_dash(text, start, covered)
        matched = text[start:chain_end]
        before = text[start - 1 : start]
        glued = is_word_char(before or " ") or not _ends_cleanly(text, chain_end)
        kind, value = _classify_chain(matched)
        if glued or kind is None:
            # "host10.2.3.4port", "conn_to45.1.2.3:443ok": an address glued to a word.
            address = _glued_ipv4(text, start, chain_end)
            if address is not None:
                yield address
                continue
        if glued:
            continue
        if kind == "placeholder":
            if dropped is not None:
                dropped.append((start, chain_end, "ipv4", value, "placeholder"))
            continue
        # An e-mail: "@", or a bracketed "[at]" / "(at)" (maybe plus a space), before a domain.
        # (The filename and Title-case rules are for bare names: "Bob@Corp.Com" is an address.)
        if (kind == "domain" or (kind is None and is_hostname(value.lower()))) and (
            before in ("@", "\uff20")
            or before in _CLOSING_BRACKETS
            or (before == " " and text[start - 2 : start - 1] in _CLOSING_BRACKETS)
        ):
            head = _email_head(text, start)
            # "smtp://user:password@host": the userinfo of a URL whose scheme we do not
            # extract is no e-mail address; its host is still a domain.
            if head is not None and not _USERINFO_BEFORE.search(text, max(0, head - 80), head):
                yield from _email(text, head, start, chain_end)
                continue
        if kind == "ipv4" and before == "[" and text[chain_end : chain_end + 1] == "]":
            # An address literal: "user@[192.0.2.1]".
            head = _email_head(text, start - 1)
            if head is not None:
                yield from _email(text, head, start, chain_end + 1)
                continue
        opening = None if kind == "ipv4" else _host_opening(text, start, value, matched)
        if kind == "ipv4" or (kind == "domain" and opening is not None):
            hosts = list(_ipv4(text, start, chain_end, value, dropped)) if kind == "ipv4" else None
            if hosts == []:
                continue
            path_end = None if opening == _AFTER_A_SCHEME else _path_end(text, start, chain_end, kind)
            if path_end is not None:
                # "evil.example/dl/payload.bin": a URL without its scheme. Its path owns
                # the dotted names inside it ("payload.bin").
                covered = path_end
                url = value + refang(text[chain_end:path_end])
                yield start, path_end, "url", url, (start, chain_end)
            else:
                yield from hosts or [(start, chain_end, "domain", value, (start, chain_end))]
        elif kind == "range":  # "10.0.0.1-10.0.0.255": both ends are indicators
            dash = start + matched.index("-")
            for left, right in ((start, dash), (dash + 1, chain_end)):
                part_kind, part = _classify_chain(text[left:right])
                if part_kind == "ipv4":
                    yield from _ipv4(text, left, right, part, dropped)
        elif kind is None and dropped is not None:
            reason = _not_a_domain(matched, value)
            if reason:
                dropped.append((start, chain_end, "domain", value.lower(), reason))


def _before_a_double_dash(text: str, start: int, end: int) -> int:
    """Where a dotted chain really ends: "--" in its last label is a dash in plain text
    ("ransom@onionmail.org--for the key"), never part of a top-level domain ("xn--p1ai")."""
    last_dot = text.rfind(".", start, end)
    dashes = text.find("--", last_dot + 1, end) if last_dot >= 0 else -1
    if dashes > last_dot + 1 and text[dashes - 2 : dashes].lower() != "xn":
        return dashes
    return end


def _not_a_domain(matched: str, value: str) -> str | None:
    """Why a dotted name with a real TLD is not a domain, for ``--explain``."""
    labels = value.split(".")
    if len(labels) < 2 or not is_tld(labels[-1]):
        return None
    if looks_like_filename(labels, value != matched):
        return "file name"
    if labels[-1][0].isupper() and not labels[-1].isupper():
        return "missing space after a full stop"
    return None


def host_value(host: str) -> tuple[str, str] | None:
    """(type, value) of a refanged host taken from a URL or an e-mail address:
    "ipv4", "ipv6" (a "[...]" literal, brackets dropped) or "domain"; None if it is none."""
    if host.startswith("["):
        address = compress_ipv6(host[1:-1])
        return ("ipv6", address) if address else None
    kind, value = _classify_chain(host)
    if kind == "ipv4" or (kind == "domain" and is_hostname(value)):
        return kind, value
    host = host.lower()
    return ("domain", host) if is_hostname(host) else None


# What a host written on its own may follow: nothing, space, quotes, brackets, list and
# field punctuation ("'.duckdns.org'", "= //cdn.example/x.js", "(*.evil.example)").
_OPENERS = frozenset(["", " ", "\t", "\n", "\r", '"', "'", "`", "(", "[", "<", ">", "=", ",", "|", ":", "*"])
_ON_ITS_OWN, _AFTER_A_SCHEME = "on its own", "after a scheme"


def _host_opening(text: str, start: int, value: str, matched: str) -> str | None:
    """How a domain starting at ``start`` opens, or None when it is part of something
    else: a longer dotted name or number ("a.b" in "x.a.b"), a path ("/etc/x.conf"), a flag.

    A dot, a slash or two may still open a host:
    - a leading dot or a wildcard in suffix lists ("'.duckdns.org'", "*.evil.example"),
      unless what follows is itself a public suffix (".co.uk");
    - "//" opens a protocol-relative URL ("src='//cdn.example/x.js'"), and after an
      unknown scheme the host alone ("news://evil.example/x");
    - a slash before a defanged name opens a regular expression ("/gate\\.evil\\.net/").
    """
    before = text[start - 1 : start]
    if before not in (".", "-", "/", "\\"):
        return _ON_ITS_OWN
    if before == "-":
        # A "-" right before a host at the start of a line is a list bullet ("-evil.example").
        return _ON_ITS_OWN if text[start - 2 : start - 1] in ("", "\n") else None
    if before == ".":
        if text[start - 2 : start - 1] in _OPENERS and not is_icann_suffix(value):
            return _ON_ITS_OWN
        return None
    if before == "/":
        if text[start - 2 : start - 1] == "/":
            opener = text[start - 3 : start - 2]
            if opener == ":":
                return _AFTER_A_SCHEME if text[start - 4 : start - 3].isalpha() else None
            return _ON_ITS_OWN if opener in _OPENERS else None
        if value != matched.lower() and text[start - 2 : start - 1] in _OPENERS:
            return _ON_ITS_OWN
    return None


def _path_end(text: str, start: int, host_end: int, kind: str) -> int | None:
    """End of the path after a bare host ("evil.example/dl/x.bin"), None without one.

    A port may come first ("evil.example:8080/gate.php"). A path needs a character
    after its "/"; "10.0.0.0/8" is a network, not a URL.
    """
    port = _BARE_PORT.match(text, host_end)
    path_start = port.end() if port else host_end
    if text[path_start : path_start + 1] != "/" and text[path_start : path_start + 3] != "[/]":
        return None
    tail = _BARE_PATH.match(text, path_start)
    if tail is None:
        return None
    end = _trim_url_end(text, start, path_start, tail.end())
    if end - path_start < 2 or (kind == "ipv4" and not port and text[path_start + 1 : end].isdigit()):
        return None
    return end


@functools.lru_cache(maxsize=65536)
def _classify_chain(matched: str) -> tuple[str | None, str]:
    """("ipv4" | "range" | "domain" | "placeholder" | None, refanged value) for a dotted chain.

    Cached: prose repeats the same chains ("U.S", "3.5", "v2.1") across articles.
    """
    value = refang(matched)
    if "x" in value.lower() and _REDACTED_ADDRESS.fullmatch(value):
        return "placeholder", value
    if value.replace(".", "").isdigit():
        if is_ipv4(value):
            return "ipv4", value
        # "010.001.002.003": leading zeros are dropped and the octets read as decimal
        # (the finding's note says so; some tools would read them as octal).
        octets = value.split(".")
        if len(octets) == 4 and all(len(o) <= 3 and int(o) <= 255 for o in octets):
            return "ipv4", ".".join(str(int(o)) for o in octets)
        return None, value
    if _IP_RANGE.fullmatch(value):
        return "range", value
    defanged = value != matched
    labels = value.split(".")
    tld = labels[-1]
    if not is_tld(tld) or looks_like_filename(labels, defanged):
        return None, value
    if not defanged and tld[0].isupper() and not tld.isupper():
        return None, value  # "ended.It was": a missing space, not a domain
    value = value.lower()
    return ("domain" if is_hostname(value) else None), value


def _email_head(text: str, domain_start: int) -> int | None:
    """Start of "local-part AT" right before ``domain_start``, if there is one."""
    at = _AT_BEFORE.search(text, max(0, domain_start - 8), domain_start)
    if at is None:
        return None
    # Walk back over the local part (plain or "[.]" dots) with C-speed rstrip.
    local_start = at.start()
    while True:
        window = text[max(0, local_start - 64) : local_start]
        local_start -= len(window) - len(window.rstrip(_LOCAL_CHARS))
        if text[local_start - 3 : local_start] != "[.]" or at.start() - local_start > 160:
            break
        local_start -= 3
    # "Contact--ransom@...": a "--" is a dash in plain text, not part of the address.
    dashes = text.rfind("--", local_start, at.start())
    if dashes >= 0:
        local_start = dashes + 2
    head = _EMAIL_HEAD.match(text, local_start, domain_start)
    return head.start() if head else None


def _email(text: str, start: int, domain_start: int, end: int) -> Iterator[Candidate]:
    """An e-mail address; its host span is the domain (or the IP inside "[...]")."""
    value = refang(text[start:end]).lower()
    local, _, domain = value.rpartition("@")
    if domain.startswith("[") and domain.endswith("]"):
        if local and is_ipv4(domain[1:-1]):
            yield start, end, "email", value, (domain_start, end - 1)
    elif local and is_hostname(domain):
        yield start, end, "email", value, (domain_start, end)


def _glued_ipv4(text: str, start: int, end: int) -> Candidate | None:
    """A plain dotted quad inside a chain glued to letters, unless a version word
    ("v1.2.3.4", "build10.0.19041.1") is what it is glued to."""
    match = _DOTTED_QUAD.search(text, start, end)
    if match is None or not is_ipv4(match.group()):
        return None
    if _VERSION_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return None
    return match.start(), match.end(), "ipv4", match.group(), match.span()


def _ipv4(
    text: str, start: int, end: int, value: str, dropped: list[Dropped] | None = None
) -> Iterator[Candidate]:
    if text[start - 1 : start] == "." or text[max(0, start - 3) : start] in ("[.]", "(.)", "{.}"):
        return  # the tail of a longer dotted number
    if value == text[start:end] and (
        _VERSION_BEFORE.search(text, max(0, start - 12), start)
        or _VERSION_RANGE_BEFORE.search(text, max(0, start - 48), start)
    ):
        # "version 1.2.3.4", "versions 1.2.3.4 through 1.2.3.9": version numbers
        if dropped is not None:
            dropped.append((start, end, "ipv4", value, "version number"))
        return
    yield start, end, "ipv4", value, (start, end)


# --- IPv6 addresses -------------------------------------------------------


def _ipv6_colons(text: str) -> Iterator[int]:
    """Colons with a hex digit (or another colon, or a "[:]" bracket) on both sides."""
    for colon in find_all(text, ":"):
        if text[colon - 1 : colon] in _IPV6_BEFORE_COLON and text[colon + 1 : colon + 2] in _IPV6_AFTER_COLON:
            yield colon


def ipv6_candidates(text: str) -> Iterator[Candidate]:
    """Every IPv6 address, validated and compressed, found from its colons."""
    covered = 0
    for colon in _ipv6_colons(text):
        if colon < covered:
            continue
        # Scan the run of address characters holding this colon, once. An address
        # starts at most 57 characters (defanged) before any of its colons; the
        # pattern's look-behind still sees the text before the scan window, and
        # two characters past the run let its look-ahead see what follows.
        run_end = _IPV6_RUN.match(text, colon).end()
        head = text[max(0, colon - 60, covered) : colon]  # never re-scan an earlier run
        window_start = colon - (len(head) - len(head.rstrip(_IPV6_RUN_CHARS)))
        covered = run_end
        for match in IPV6_RE.finditer(text, window_start, run_end + 2):
            raw = refang(match.group())
            groups = [g for g in raw.split(":") if g]
            if len(groups) < 2 or not any(c.isdigit() for c in raw):
                continue  # "::", "dead::beef": C++ scopes and emoticons, not addresses
            address = compress_ipv6(raw)
            if address:
                yield match.start(), match.end(), "ipv6", address, match.span()
