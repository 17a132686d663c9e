"""Text normalization for matching bank lines with documents: invoice numbers quoted in free
text, accent- and case-insensitive name tokens, IBANs without spaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBER = re.compile(r"\b(F|D|AV)[\s_./-]?(\d{4})[\s_./-]?(\d{3,6})\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    {
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "et", "de", "du", "des",
        "la", "le", "les", "l", "d", "m", "mme", "mr", "mlle", "ste", "societe", "cie",
        "vir", "virement", "sepa", "recu", "inst", "facture", "fact", "paiement", "ref",
    }
)  # fmt: skip


def normalize_number(prefix: str, year: str, sequence: str) -> str:
    return f"{prefix.upper()}-{year}-{int(sequence):03d}"


def numbers_in(*texts: str | None) -> list[str]:
    """Invoice-like numbers quoted in free text (``F-2026-001``, ``F2026001``, ``f 2026/001``)."""
    found: list[str] = []
    for text in texts:
        if text:
            for match in _NUMBER.finditer(text):
                number = normalize_number(*match.groups())
                if number not in found:
                    found.append(number)
    return found


def fold(text: str) -> str:
    """Lower case without accents: ``"Élodie Müller"`` → ``"elodie muller"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)
def name_tokens(name: str | None) -> frozenset[str]:
    """Significant words of a name, accent- and case-insensitive, legal forms dropped."""
    if not name:
        return frozenset()
    return frozenset(w for w in _WORD.findall(fold(name)) if w not in _STOPWORDS and len(w) > 1)


def normalize_iban(iban: str | None) -> str | None:
    return iban.replace(" ", "").upper() if iban else None
