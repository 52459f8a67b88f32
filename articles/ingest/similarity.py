"""Near-duplicate detection: the same story from several sources, lightly rewritten.

Two sketches of the normalized text's overlapping three-word shingles:

* a 64-bit **SimHash** (Charikar 2002), :func:`fingerprint`: texts sharing most
  shingles get fingerprints a few bits apart, so "same story?" is a Hamming distance
  between two integers kept in one ``bigint`` column;
* **MinHash LSH keys**, :func:`lsh_keys`: 20 band hashes of a 60-value one-permutation
  MinHash signature. Two texts with shingle-set Jaccard similarity J share at least one
  key with probability 1 - (1 - J**3)**20: 99 % at J = 0.6, 0.02 % at J = 0.02.

Why both: SimHash distance grows with the angle between the texts, and a real rewrite
(new intro, trimmed ending, wire-service footer) moves 6-13 of the 64 bits. The classic
4 x 16-bit band index (:func:`bands`) only *guarantees* finding pairs within 3 bits —
verbatim copies and reformatting — and usually misses rewrites. So at scale: look up
candidates that share an LSH key (an indexed ``(key, article)`` table) or a band, then
confirm each with :func:`is_near_duplicate`. Thresholds come from measuring
``tests/ingest/fixtures/stories`` (asserted in ``tests/ingest/test_similarity.py``).
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

FINGERPRINT_BITS = 64
SHINGLE_WORDS = 3
BAND_COUNT = 4
BAND_BITS = FINGERPRINT_BITS // BAND_COUNT
# Measured on the fixture stories: rewrites of one story 6-13 bits apart, different
# stories on the same topic 29 or more; unrelated texts average 32 (sd 4).
NEAR_DUPLICATE_DISTANCE = 18
MINHASH_SIZE = 60
LSH_BANDS = 20
LSH_ROWS = MINHASH_SIZE // LSH_BANDS

_MASK = (1 << FINGERPRINT_BITS) - 1
_SIGN_BIT = 1 << (FINGERPRINT_BITS - 1)
_WORD = re.compile(r"\w+", re.UNICODE)


def normalized_words(text: str) -> list[str]:
    """Lower-case word tokens; punctuation, case and spacing differences disappear."""
    return _WORD.findall(text.lower())


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> list[str]:
    """Overlapping word n-grams; a text shorter than ``size`` words is one shingle."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


@dataclass(frozen=True, slots=True)
class TextSketch:
    """Everything an article stores for near-duplicate search, computed in one pass."""

    fingerprint: int
    bands: tuple[int, int, int, int]
    lsh_keys: tuple[int, ...]


def sketch(text: str) -> TextSketch:
    """Fingerprint, bands and LSH keys of ``text``, hashing its shingles only once."""
    digests = _shingle_digests(text)
    simhash = _simhash(digests)
    return TextSketch(simhash, bands(simhash), _lsh_keys(digests))


def fingerprint(text: str) -> int:
    """64-bit SimHash of ``text`` as a *signed* integer, ready for a PostgreSQL bigint.

    An empty or wordless text gives 0; :func:`is_near_duplicate` never matches it.
    """
    return _simhash(_shingle_digests(text))


def lsh_keys(text: str) -> tuple[int, ...]:
    """:data:`LSH_BANDS` signed 64-bit keys; texts sharing one are candidates. Empty: ()."""
    return _lsh_keys(_shingle_digests(text))


def _lsh_keys(digests: bytes) -> tuple[int, ...]:
    if not digests:
        return ()
    signature = _minhash(digests)
    keys = []
    for band in range(LSH_BANDS):
        rows = signature[band * LSH_ROWS : (band + 1) * LSH_ROWS]
        # The band number is hashed in so equal values in different bands never collide.
        material = struct.pack(f"<B{LSH_ROWS}Q", band, *rows)
        keys.append(_signed(int.from_bytes(hashlib.blake2b(material, digest_size=8).digest())))
    return tuple(keys)


def _shingle_digests(text: str) -> bytes:
    """8-byte blake2b digest of every shingle, concatenated (stable across processes,
    unlike the built-in ``hash``)."""
    words = normalized_words(text)
    if SHINGLE_WORDS == 3 and len(words) > SHINGLE_WORDS:  # the common case, without a join per shingle
        features = [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    else:
        features = shingles(words)
    blake2b = hashlib.blake2b
    return b"".join([blake2b(feature.encode("utf-8"), digest_size=8).digest() for feature in features])


def _simhash(digests: bytes) -> int:
    count = len(digests) // 8
    if not count:
        return 0
    half = count / 2
    # Bit b of every byte of a column, as one integer mask: counting that bit across all
    # the digests is then one AND and one popcount, in C, instead of a loop per digest.
    masks = [int.from_bytes(bytes((1 << bit,)) * count) for bit in range(8)]
    output = 0
    for byte_index in range(8):
        column = int.from_bytes(digests[byte_index::8])
        for bit in range(8):
            if (column & masks[bit]).bit_count() > half:
                output |= 1 << (8 * (7 - byte_index) + bit)
    return _signed(output)


def _minhash(digests: bytes) -> list[int]:
    """One-permutation MinHash: the hash space is cut into bins and each bin keeps its
    minimum, so one hash per shingle serves all :data:`MINHASH_SIZE` values."""
    values = struct.unpack(f"<{len(digests) // 8}Q", digests)
    empty = _MASK + 1
    signature = [empty] * MINHASH_SIZE
    for value in values:
        slot = value % MINHASH_SIZE
        if value < signature[slot]:
            signature[slot] = value
    if empty in signature:
        _densify(signature, empty)
    return signature


def _densify(signature: list[int], empty: int) -> None:
    """Fill empty bins (short texts) from the next filled bin, offset by the distance,
    so two similar short texts still agree on the filled-in values (rotation
    densification, Shrivastava & Li 2014)."""
    size = len(signature)
    filled = {i for i, value in enumerate(signature) if value != empty}
    for index in range(size):
        if signature[index] != empty:
            continue
        distance = next((d for d in range(1, size) if (index + d) % size in filled), 0)
        source = signature[(index + distance) % size]
        signature[index] = (source + distance * _DENSIFY_OFFSET) & _MASK


_DENSIFY_OFFSET = 0x9E3779B97F4A7C15  # any odd constant spreads the shifted values


def _signed(unsigned: int) -> int:
    return unsigned - (1 << FINGERPRINT_BITS) if unsigned & _SIGN_BIT else unsigned


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints (signed or unsigned)."""
    return ((a ^ b) & _MASK).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    """True when the fingerprints are close enough to be the same story."""
    if a == 0 or b == 0:
        return False
    return hamming(a, b) <= max_distance


def bands(fp: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands (0..65535, high bits first) to index for candidate lookup."""
    unsigned = fp & _MASK
    mask = (1 << BAND_BITS) - 1
    return (
        (unsigned >> 48) & mask,
        (unsigned >> 32) & mask,
        (unsigned >> 16) & mask,
        unsigned & mask,
    )
