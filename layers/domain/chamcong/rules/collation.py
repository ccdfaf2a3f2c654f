"""Vietnamese alphabetical order, for people's and units' names in lists and reports.

The letters come in the Vietnamese order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y;
f, j, w and z, in foreign names, where the Latin alphabet has them), so Đặng sorts after every D and
before E, and long before Phạm. Letters decide first; the tones of the words break ties, in the order
none, huyền, hỏi, ngã, sắc, nặng. Case and Unicode form (composed or not) do not matter.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make another letter (ă â ê ô ơ ư), and the five tone marks in their order (none is 0).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng

_SEPARATOR, _DIGIT, _LETTER, _OTHER = range(4)


def vietnamese_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """A sort key: (letters in Vietnamese order, the tone of each word, the text itself to break full ties)."""
    letters: list[str] = []
    tones: list[int] = []  # one per word
    tone = 0
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _TONES:
            tone = tone or _TONES[char]
        elif char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif unicodedata.combining(char):
            continue  # a mark Vietnamese does not use (ä, ç…): the base letter counts
        else:
            if not char.isalnum() and (letters and letters[-1].isalnum()):
                tones.append(tone)
                tone = 0
            letters.append(char)
    if letters and letters[-1].isalnum():
        tones.append(tone)
    return tuple(_primary(letter) for letter in letters), tuple(tones), unicodedata.normalize("NFC", text)


def _primary(char: str) -> tuple[int, int]:
    if char in _RANK:
        return _LETTER, _RANK[char]
    if char.isdigit():
        return _DIGIT, ord(char)
    if char.isalnum():
        return _OTHER, ord(char)
    return _SEPARATOR, ord(char)
