"""Passwords for protected PDFs: how strong one must be, and a generated one to offer.

A protected PDF travels by email or on a stick, away from the vault and its back-off:
anyone holding the file can try passwords as fast as their computer allows. So a
password must be at least 4 different words, or 12 or more characters whose rough
estimate (length times the bits of the kinds of character used, with repeats and runs
on the keyboard counted down) reaches 56 bits. The generated ones are 5 made-up words of
two syllables (about 63 bits), easy to read out on the phone.

The password must travel separately from the file: SEPARATELY says so in the words the
app and the command line use.
"""

from __future__ import annotations

import math
import re
import secrets

from cerecorder.domain.errors import InvalidInput

MIN_LENGTH = 12
MIN_WORDS = 4
MIN_BITS = 56.0
SEPARATELY = ("Send the password separately from the file (by phone or another message), "
              "never in the same email or on the same stick.")

_RUNS = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiopasdfghjklzxcvbnm")
_CONSONANTS = "bdfghjklmnprstvz"
_VOWELS = "aeiou"


def _words(password: str) -> list[str]:
    return [w for w in re.split(r"[\s\-_.,]+", password.casefold()) if w]


def estimate_bits(password: str) -> float:
    """A rough strength estimate: characters, less repeats and keyboard or alphabet runs,
    times the bits of the pool of kinds of character used."""
    pool = 0
    for test, size in ((str.islower, 26), (str.isupper, 26), (str.isdigit, 10)):
        if any(test(c) for c in password):
            pool += size
    if any(not c.isalnum() for c in password):
        pool += 33
    if any(ord(c) > 127 for c in password):
        pool += 100
    if pool == 0:
        return 0.0
    folded = password.casefold()
    counted = 0
    for i, c in enumerate(folded):
        previous = folded[i - 1] if i else ""
        if c == previous:
            continue  # "aaaa" is one character's worth
        if previous and any(previous + c in run or c + previous in run for run in _RUNS):
            continue  # "abcd", "4321", "qwer"
        counted += 1
    counted = min(counted, 2 * len(set(folded)))  # "the the the the" repeats itself
    return counted * math.log2(pool)


def problem(password: str) -> str:
    """Why password is too weak to protect a PDF, or "" when it will do."""
    words = _words(password)
    if len(words) >= MIN_WORDS and len(set(words)) >= MIN_WORDS and all(
            len(w) >= 3 for w in words):
        return ""
    if len(password) < MIN_LENGTH:
        return (f"The PDF password is too short: use at least {MIN_WORDS} words or "
                f"{MIN_LENGTH} characters, or take the one suggested.")
    if estimate_bits(password) < MIN_BITS:
        return ("The PDF password is too easy to guess (repeats or runs like 'abcd' or "
                "'1234'): use at least 4 different words, or take the one suggested.")
    return ""


def check(password: str) -> None:
    """Refuse a password too weak to protect a PDF, saying why in one sentence."""
    reason = problem(password)
    if reason:
        raise InvalidInput(reason)


def generate(words: int = 5) -> str:
    """Made-up words of two syllables joined by hyphens, e.g. "mavo-tepi-kuzo-rabe-nifu"."""
    chosen: list[str] = []
    while len(chosen) < words:
        word = "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS)
                       for _ in range(2))
        if word not in chosen:
            chosen.append(word)
    return "-".join(chosen)
