"""Names folded so that Cyrillic, Latin with or without diacritics and Albanian spelling meet."""

import random
from itertools import combinations

import pytest

from homeward.core.names import (
    deletion_variants,
    fold,
    name_tokens,
    to_cyrillic,
    to_latin,
    within_one_edit,
)

SAME_NAME = [
    ["Ђорђевић", "Đorđević", "Djordjevic", "Dordevic", "ĐORĐEVIĆ", "DJORDJEVIC"],
    ["Krasniqi", "Krasnići", "Красничи", "KRASNIQI"],
    ["Gashi", "Gaši", "Гаши"],
    ["ЉУБИША", "LJUBIŠA", "Ljubisa", "Љубиша"],
    ["Xhafer", "Džafer", "Џафер"],
    ["Gjergj", "Đerđ"],
    ["Shaqiri", "Šaćiri", "Шаћири"],
    ["Jovanović", "Јовановић", "JOVANOVIC"],
    ["Berisha", "Beriša", "Бериша"],
    ["Hoxha", "Hodža", "Хоџа"],
    ["Ymeri", "Imeri"],
    ["Thaçi", "Tači", "Тачи"],
    ["Dhurata", "Durata"],
    ["Kolla", "Kola"],
    ["Gërxhaliu", "Gerdžaliu"],
    ["Aleksandar", "Alexandar"],
    ["Petrovich", "Petrović"],
    ["Zhivko", "Živko"],
    ["Dzhafer", "Džafer"],
    ["Wuk", "Vuk"],
]
NAMES = [name for names in SAME_NAME for name in names] + [
    "  Marko   Petrović-Jovanović ",
    "O'Neill",
    "Qëndrim Xhaxhiu",
    "Sshhh",
    "Xxhh",
    "Ǆamonja",
    "Dragiša",
    "",
    "---",
]


@pytest.mark.parametrize("names", SAME_NAME, ids=lambda names: names[0])
def test_spellings_of_one_name_fold_alike(names):
    keys = {fold(name) for name in names}
    assert len(keys) == 1, {name: fold(name) for name in names}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ђорђевић", "dordevic"),
        ("Krasniqi", "krasnici"),
        ("Xhafer", "dzafer"),
        ("Gjergj", "derd"),
        ("Ymeri", "imeri"),
        ("Alexander", "aleksander"),
        ("  Marko   Petrović-Jovanović ", "marko petrovic jovanovic"),
        ("O'Neill", "o neil"),
        ("Jovan (2)", "jovan 2"),
        ("", ""),
        (" - ", ""),
    ],
)
def test_fold_gives_the_plain_key(name, key):
    assert fold(name) == key


def test_different_names_stay_apart():
    assert fold("Dragiša") != fold("Dragan")
    assert fold("Jovan") != fold("Jovana")


@pytest.mark.parametrize("name", NAMES)
def test_fold_is_idempotent_and_plain(name):
    key = fold(name)
    assert fold(key) == key
    assert key == " ".join(key.split())
    assert all(c == " " or (c.isascii() and (c.islower() or c.isdigit())) for c in key)


def test_fold_is_idempotent_on_random_letter_soup():
    letters = "abcdghjklqrstxyzwšđčćžë -'"
    chance = random.Random(2026)
    for _ in range(2000):
        text = "".join(chance.choice(letters) for _ in range(chance.randint(0, 12)))
        assert fold(fold(text)) == fold(text), text


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Љубиша", "Ljubiša"),
        ("ЉУБИША", "LJUBIŠA"),
        ("Џ", "Dž"),
        ("ЊЕГОШ Петровић", "NJEGOŠ Petrović"),
        ("Његош", "Njegoš"),
        ("Џајић", "Džajić"),
        ("КОЊ", "KONJ"),
        ("Коњ", "Konj"),
        ("ЏАЈИЋ-Љубић", "DŽAJIĆ-Ljubić"),
        ("Ђорђевић, Ћирић, Шешељ, Жижић", "Đorđević, Ćirić, Šešelj, Žižić"),
        ("абвгдђежзијклљмнњопрстћуфхцчџш", "abvgdđežzijklljmnnjoprstćufhcčdžš"),
        ("Marko 12 ☺", "Marko 12 ☺"),
    ],
)
def test_to_latin(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("LJUBIŠA", "ЉУБИША"),
        ("Ljubiša", "Љубиша"),
        ("Njegoš", "Његош"),
        ("NJEGOŠ", "ЊЕГОШ"),
        ("Džajić", "Џајић"),
        ("DŽAJIĆ", "ЏАЈИЋ"),
        ("Đorđević", "Ђорђевић"),
        ("Djordje", "Дјордје"),
        ("Ǆamonja ǈubica", "Џамоња Љубица"),
        ("Dz\u030cajic\u0301", "Џајић"),
        # Letters Serbian lacks stay Latin: a mixed result beats a wrong one.
        ("Qëndrim Wayne Xhafer Çeku", "Qëндрим Wаyне Xхафер Çеку"),
        ("abvgdđežzijklljmnnjoprstćufhcčdžš", "абвгдђежзијклљмнњопрстћуфхцчџш"),
    ],
)
def test_to_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize("name", ["Љубиша", "ЉУБИША", "ЊЕГОШ Петровић", "Џајић", "Ђорђевић"])
def test_transliteration_round_trips(name):
    assert to_cyrillic(to_latin(name)) == name


def test_name_tokens_keep_order_and_drop_repeats():
    assert name_tokens("  Marko   Petrović-Jovanović ") == ["marko", "petrovic", "jovanovic"]
    assert name_tokens("Ana Marija Ana") == ["ana", "marija"]
    assert name_tokens("Đorđe Djordje") == ["dorde"]
    assert name_tokens(" - ") == []


def test_deletion_variants():
    assert deletion_variants("ana") == {"ana", "na", "aa", "an"}
    assert deletion_variants("a") == {"a", ""}
    assert deletion_variants("") == {""}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("petrovic", "petrovic"),  # the same
        ("petrovic", "petrovik"),  # substitution
        ("petrovic", "petrvic"),  # deletion
        ("petrovic", "peterovic"),  # insertion
        ("petrovic", "petorvic"),  # transposition
    ],
)
def test_tokens_one_edit_apart_share_a_variant(a, b):
    assert deletion_variants(a) & deletion_variants(b)
    assert deletion_variants(b) & deletion_variants(a)
    assert within_one_edit(a, b)
    assert within_one_edit(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("petrovic", "petrovicka"),
        ("petrovic", "jovanovic"),
        ("petrovic", "petrvoci"),
    ],
)
def test_tokens_further_apart_share_no_variant(a, b):
    assert not deletion_variants(a) & deletion_variants(b)
    assert not within_one_edit(a, b)


def test_a_shared_variant_is_only_a_candidate():
    # Deleting at different places can meet: "abc" and "bca" both give "bc", two edits apart.
    assert deletion_variants("abc") & deletion_variants("bca")
    assert not within_one_edit("abc", "bca")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", True),
        ("", "a", True),
        ("", "ab", False),
        ("ab", "ba", True),
        ("abc", "acb", True),
        ("abcd", "badc", False),
        ("ca", "abc", False),  # two edits under optimal string alignment
        ("marko", "marco", True),
        ("marko", "mark", True),
        ("marko", "amrko", True),
        ("marko", "markoo", True),
        ("marko", "mraok", False),
        ("marko", "arkom", False),
    ],
)
def test_within_one_edit(a, b, expected):
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


def _osa_distance(a: str, b: str) -> int:
    """The textbook dynamic programme, to check the shortcut against."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_within_one_edit_agrees_with_the_distance_and_the_variants():
    chance = random.Random(7)
    words = {"".join(chance.choice("abc") for _ in range(chance.randint(0, 5))) for _ in range(300)}
    for a, b in combinations(sorted(words), 2):
        close = _osa_distance(a, b) <= 1
        assert within_one_edit(a, b) is close, (a, b)
        if close:
            assert deletion_variants(a) & deletion_variants(b), (a, b)
