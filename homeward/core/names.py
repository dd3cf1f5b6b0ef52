"""Personal names across Serbian Cyrillic, Serbian Latin and Albanian spelling.

The same person is registered as "Ђорђевић" by one office, "Đorđević" by another and
"Djordjevic" by a third whose keyboard has no diacritics; an Albanian "Krasniqi" is "Красничи"
in a Serbian document. Searching and duplicate detection must treat these as one name, so
everything here reduces a name to a plain ASCII key (``fold``) and offers the pieces needed to
find near misses among keys cheaply (``deletion_variants``) and to confirm them exactly
(``within_one_edit``).

Nothing here touches the database: the functions are pure so that forms, imports, the API and
migrations that back-fill search keys all fold names in exactly the same way.
"""

import re
import unicodedata

__all__ = [
    "deletion_variants",
    "fold",
    "name_tokens",
    "to_cyrillic",
    "to_latin",
    "within_one_edit",
]

_CYRILLIC_TO_LATIN = dict(
    zip(
        "абвгдђежзијклмнопрстћуфхцчш",
        "abvgdđežzijklmnoprstćufhcčš",
        strict=True,
    )
)
# Three Cyrillic letters are written with two Latin letters; their capital form depends on the
# word around them (see ``to_latin``).
_CYRILLIC_DIGRAPHS = {"љ": "lj", "њ": "nj", "џ": "dž"}

_LATIN_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in _CYRILLIC_TO_LATIN.items()}
_LATIN_DIGRAPHS = {latin: cyrillic for cyrillic, latin in _CYRILLIC_DIGRAPHS.items()}
# Unicode also has the digraphs as single characters (old Yugoslav code pages produced them).
_LATIN_LIGATURES = {
    "Ǆ": "Џ",
    "ǅ": "Џ",
    "ǆ": "џ",
    "Ǉ": "Љ",
    "ǈ": "Љ",
    "ǉ": "љ",
    "Ǌ": "Њ",
    "ǋ": "Њ",
    "ǌ": "њ",
}

# Letters that NFKD leaves whole, so stripping combining marks would not reach them.
_UNDECOMPOSABLE = str.maketrans(
    {"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th"}
)

# Spellings of one sound, rewritten to a single form, in this order:
#   1. "dzh" and "xh" (both џ) to "dz", the form dž takes once its caron is stripped. They come
#      first because "x" alone becomes "ks": "xh" would otherwise turn into "ksh" and then "ks",
#      and Xhafer would no longer meet Džafer.
#   2. "gj" and "dj" (both ђ) to "d", as đ itself became "d".
#   3. The two-letter spellings of č, š, ž (ch, sh, zh), Albanian dh and th, and kj (ć).
#   4. Single letters: q (ć) to "c", then x to "ks" (Alexander, Aleksandar), w to "v", y to "i".
# Albanian ë and ç need no rule: stripping diacritics already made them "e" and "c". Doubled
# letters (Albanian ll and rr, but also typing slips) are then collapsed to one.
# The whole sequence repeats until nothing changes, because a rewrite or a collapse can bring
# together two letters that spell a sound ("ssh"); repeating makes ``fold`` idempotent.
_REWRITES = (
    ("dzh", "dz"),
    ("xh", "dz"),
    ("gj", "d"),
    ("dj", "d"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "z"),
    ("dh", "d"),
    ("th", "t"),
    ("kj", "c"),
    ("q", "c"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
)
_RUNS = re.compile(r"([a-z])\1+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def _in_capitals(text: str, index: int) -> bool:
    """Whether the capital at ``index`` sits in a word written in capitals.

    The next letter decides ("ЉУБИША" → "LJUBIŠA", "Љубиша" → "Ljubiša"); a capital with no
    letter after it looks back ("КОЊ" → "KONJ"), and one standing alone is a title ("Џ" → "Dž").
    """
    following = text[index + 1 : index + 2]
    if following.isalpha():
        return following.isupper()
    preceding = text[index - 1 : index] if index else ""
    return preceding.isalpha() and preceding.isupper()


def to_latin(text: str) -> str:
    """Serbian Cyrillic to Serbian Latin (gajica); anything else is left as it is."""
    letters = []
    for index, char in enumerate(text):
        lower = char.lower()
        latin = _CYRILLIC_DIGRAPHS.get(lower)
        if latin is not None:
            if char.isupper():
                latin = latin.upper() if _in_capitals(text, index) else latin.capitalize()
        else:
            latin = _CYRILLIC_TO_LATIN.get(lower)
            if latin is None:
                letters.append(char)
                continue
            if char.isupper():
                latin = latin.upper()
        letters.append(latin)
    return "".join(letters)


def to_cyrillic(text: str) -> str:
    """Serbian Latin to Serbian Cyrillic.

    "lj", "nj" and "dž" are read as one letter in any case. "dj" stays "дј": it is how đ is
    typed without diacritics but also a real d followed by j, and only a person can tell.
    Letters Serbian does not have (q, w, x, y, ë, ç …) are kept, so that foreign and Albanian
    names survive the round trip. The text is composed (NFC) first, so that a caron typed as
    a separate combining mark is still recognised.
    """
    text = unicodedata.normalize("NFC", text)
    letters = []
    index = 0
    while index < len(text):
        char = text[index]
        pair = text[index : index + 2]
        cyrillic = _LATIN_DIGRAPHS.get(pair.lower())
        if cyrillic is not None:
            letters.append(cyrillic.upper() if char.isupper() else cyrillic)
            index += 2
            continue
        cyrillic = _LATIN_LIGATURES.get(char)
        if cyrillic is None:
            cyrillic = _LATIN_TO_CYRILLIC.get(char.lower())
            if cyrillic is None:
                cyrillic = char
            elif char.isupper():
                cyrillic = cyrillic.upper()
        letters.append(cyrillic)
        index += 1
    return "".join(letters)


def _phonetic(word: str) -> str:
    while True:
        folded = word
        for spelling, sound in _REWRITES:
            folded = folded.replace(spelling, sound)
        folded = _RUNS.sub(r"\1", folded)
        if folded == word:
            return folded
        word = folded


def fold(text: str) -> str:
    """The key two spellings of a name share: lower-case ASCII words separated by single spaces.

    Cyrillic is transliterated, case and diacritics are dropped (đ becomes d, as "Dordevic" is
    the usual spelling without diacritics besides "Djordjevic"), anything that is neither letter
    nor digit separates words (hyphens in double surnames, apostrophes, stray punctuation), and
    the Serbian, Albanian and English spellings of one sound are made one (see ``_REWRITES``).
    The key is deliberately lossy: "Đ" and "D" meet, so a match on keys is a candidate that a
    person confirms, never a decision.
    """
    text = to_latin(text).casefold().translate(_UNDECOMPOSABLE)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = (_phonetic(word) for word in _NOT_KEY.split(text))
    return " ".join(word for word in words if word)


def name_tokens(text: str) -> list[str]:
    """The folded words of a name, each once, in their order (a repeated word adds no evidence)."""
    return list(dict.fromkeys(fold(text).split()))


def deletion_variants(token: str) -> set[str]:
    """The token and every string one deletion away from it (a SymSpell neighbourhood).

    Two tokens within one edit of each other (an insertion, a deletion, a substitution or the
    transposition of two neighbours) always share a variant: the shorter token itself for an
    insertion or deletion, the token without the changed letter for a substitution, and the
    token without either of the two swapped letters for a transposition. So storing the
    variants of every indexed token lets one lookup per variant find all candidates without
    comparing against every name.

    The converse does not hold: "abc" and "bca" share "bc" yet are two edits apart, because
    the deletions may be at different places. A shared variant only makes a candidate, which
    ``within_one_edit`` then confirms.
    """
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether the optimal string alignment distance of ``a`` and ``b`` is at most one."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    # Up to the first difference both agree; what follows decides which single edit it was.
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        a[i + 1 : i + 2] == b[i : i + 1]
        and a[i : i + 1] == b[i + 1 : i + 2]
        and a[i + 2 :] == b[i + 2 :]
    )
