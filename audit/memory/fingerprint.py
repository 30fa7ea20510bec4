"""MinHash fingerprints of paragraphs and bodies, and their LSH band keys.

Pure and deterministic (fixed seed, fixed ``num_perm``): the same text gives the
same signature in every process, which lets pool workers fingerprint pages while
the main process alone reads and writes the memory. Band keys come from the
``(b, r)`` split :class:`datasketch.MinHashLSH` picks for :data:`LSH_THRESHOLD`;
they are stored in an indexed table rather than in an in-memory LSH, so the
index survives the process and a lookup costs ``b`` index probes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from audit.text import words

if TYPE_CHECKING:
    from datasketch import MinHash

#: Permutations per signature. Changing it (or the seed, shingle size or
#: threshold) makes old memories unreadable: the store records them and refuses
#: a mismatch (``newsaudit memory rebuild`` cannot help; start a new file).
NUM_PERM = 64
SEED = 1
#: datasketch's permutation scheme (2.0 made it explicit; signatures of two schemes never compare).
SCHEME = "affine32"
#: Words per shingle.
SHINGLE = 3
#: Jaccard similarity around which LSH starts to find candidates. Low on purpose:
#: a paste cut mid-sentence covers only part of its source paragraph, so its
#: Jaccard similarity is low while its containment is high; candidates are then
#: checked on their estimated similarity and containment.
LSH_THRESHOLD = 0.4


def params() -> dict[str, str]:
    """What a stored signature depends on (kept in the store's meta table)."""
    b, r = bands()
    return {
        "num_perm": str(NUM_PERM),
        "seed": str(SEED),
        "scheme": SCHEME,
        "shingle": str(SHINGLE),
        "bands": f"{b}x{r}",
    }


@lru_cache(maxsize=1)
def bands() -> tuple[int, int]:
    """``(b, r)``: bands per signature and rows per band, as MinHashLSH optimises them."""
    # Lazy: datasketch pulls in scipy (~0.4 s of start-up), which an audit
    # without site memory never uses.
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


@lru_cache(maxsize=1)
def _template() -> MinHash:
    from datasketch import MinHash  # lazy, as in bands()

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)  # permutations are drawn once


def shingles(text: str) -> set[bytes]:
    """Word ``SHINGLE``-grams of the normalised words (Thai cut by newmm)."""
    ws = words(text)
    if len(ws) <= SHINGLE:
        return {" ".join(ws).encode("utf-8", "surrogatepass")} if ws else set()
    return {
        " ".join(ws[i : i + SHINGLE]).encode("utf-8", "surrogatepass") for i in range(len(ws) - SHINGLE + 1)
    }


@dataclass(frozen=True)
class Signature:
    """A MinHash signature (``NUM_PERM`` unsigned 32-bit values) and the number of
    shingles it summarises (needed to turn similarity into containment)."""

    values: bytes
    size: int

    def array(self) -> np.ndarray:
        return np.frombuffer(self.values, dtype="<u4")


def signature(items: Iterable[bytes]) -> Signature:
    from datasketch import MinHash  # lazy, as in bands()

    items = list(items)
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_template().permutations)
    if items:
        mh.update_batch(items)
    return Signature(mh.hashvalues.astype("<u4").tobytes(), len(items))


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per band (band number mixed in, so bands never collide)."""
    b, r = bands()
    raw = sig.values
    width = 4 * r
    keys = []
    for i in range(b):
        digest = hashlib.blake2b(bytes([i]) + raw[i * width : (i + 1) * width], digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a.array() == b.array())) / NUM_PERM


def containment(a: Signature, b: Signature, jaccard: float | None = None) -> float:
    """Estimated share of ``a``'s shingles found in ``b`` (from the Jaccard
    estimate and the two set sizes), capped at 1."""
    j = similarity(a, b) if jaccard is None else jaccard
    if a.size == 0:
        return 0.0
    return min(1.0, j * (a.size + b.size) / ((1.0 + j) * a.size))
