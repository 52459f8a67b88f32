"""Just enough PDF reading to check the words of a page Chromium printed (``page.pdf()``).

No PDF library is in the project's dependencies, so this reads what Skia writes: objects
with Flate-compressed streams, fonts with a ToUnicode CMap, and text shown with ``Tj`` /
``TJ`` in hex glyph codes. Not a general PDF parser; a test helper for our own printouts.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT_REFS = re.compile(rb"/(F\d+) (\d+) 0 R")
_TOKENS = re.compile(
    rb"/(F\d+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|(-?(?:\d+\.?\d*|\.\d+))|(\bTJ\b|\bTj\b|\bET\b|\bTd\b|\bTD\b|\bT\*|\bTm\b)"
)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects = {}
    for match in _OBJECT.finditer(pdf):
        body = match.group(2)
        stream = _STREAM.match(body)
        if stream:
            head, data = stream.group(1), stream.group(2)
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            objects[int(match.group(1))] = (head, data)
        else:
            objects[int(match.group(1))] = (body, None)
    return objects


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The text of every page, runs joined by spaces and lines (whitespace not exact)."""
    objects = _objects(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, ref in _FONT_REFS.findall(head):
            font_head = objects.get(int(ref), (b"", None))[0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if to_unicode and int(to_unicode.group(1)) in objects:
                fonts[name] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
    out: list[str] = []
    for head, data in objects.values():
        if data is None or b"/Length" not in head or b"Tf" not in data:
            continue
        font: dict[int, str] = {}
        for match in _TOKENS.finditer(data):
            name, hexa, number, operator = match.groups()
            if name:
                font = fonts.get(name, {})
            elif hexa is not None:
                digits = re.sub(rb"\s", b"", hexa)
                width = 4 if len(digits) % 4 == 0 else 2
                codes = [int(digits[i : i + width], 16) for i in range(0, len(digits), width)]
                out.append("".join(font.get(code, "") for code in codes))
            elif number and float(number) < -200:
                out.append(" ")  # a wide gap inside a TJ array is a space
            elif operator in (b"ET", b"T*"):
                out.append(" ")
    return re.sub(r"\s+", " ", "".join(out))
