"""The places shipped with Homeward, as the migration loaded them."""

import re
from collections import Counter

import pytest

from homeward.core.names import fold
from homeward.geo.loading import DATA_FILE, load_areas, name_keys, read_areas
from homeward.geo.models import Area, AreaKind, AreaName

pytestmark = pytest.mark.django_db

K = AreaKind

# Serbia outside Kosovo has 145 units of local self-government: 28 cities (Beograd among
# them) and 117 municipalities (Law on Territorial Organisation, as amended; the Statistical
# Office counts them the same way). 30 city municipalities belong to six of the cities.
EXPECTED = {
    K.DISTRICT: 25,  # ISO 3166-2:RS RS-00 (City of Belgrade) and RS-01 … RS-24
    K.CITY: 28,
    K.MUNICIPALITY: 117,
    K.CITY_MUNICIPALITY: 30,
    K.TERRITORY: 1,
    K.KOSOVO_MUNICIPALITY: 38,
}


def test_every_kind_has_its_count():
    counts = Counter(Area.objects.values_list("kind", flat=True))
    assert counts == EXPECTED
    assert counts[K.CITY] + counts[K.MUNICIPALITY] == 145


def test_the_districts_are_the_iso_ones():
    codes = list(Area.objects.filter(kind=K.DISTRICT).values_list("code", flat=True))
    assert codes == [f"RS-{number:02}" for number in range(25)]
    assert not Area.objects.filter(kind=K.DISTRICT, parent__isnull=False).exists()


@pytest.mark.parametrize(
    ("city", "count"),
    [
        ("RS-00-beograd", 17),
        ("RS-20-nis", 5),
        ("RS-06-novi-sad", 2),
        ("RS-11-pozarevac", 2),
        ("RS-24-vranje", 2),
        ("RS-16-uzice", 2),
    ],
)
def test_city_municipalities_belong_to_their_city(city, count):
    members = Area.objects.filter(parent__code=city)
    assert members.count() == count
    assert set(members.values_list("kind", flat=True)) == {K.CITY_MUNICIPALITY}


def test_belgrade_has_its_seventeen():
    names = set(
        Area.objects.filter(parent__code="RS-00-beograd").values_list("name_sr_latn", flat=True)
    )
    assert names == {
        "Barajevo", "Voždovac", "Vračar", "Grocka", "Zvezdara", "Zemun", "Lazarevac",
        "Mladenovac", "Novi Beograd", "Obrenovac", "Palilula", "Rakovica", "Savski Venac",
        "Sopot", "Stari Grad", "Surčin", "Čukarica",
    }  # fmt: skip


def test_every_place_hangs_where_its_kind_says():
    for area in Area.objects.select_related("parent"):
        parent_kind = area.parent.kind if area.parent else None
        expected = {
            K.DISTRICT: None,
            K.TERRITORY: None,
            K.CITY: K.DISTRICT,
            K.MUNICIPALITY: K.DISTRICT,
            K.CITY_MUNICIPALITY: K.CITY,
            K.KOSOVO_MUNICIPALITY: K.TERRITORY,
        }[area.kind]
        assert parent_kind == expected, area.code
        if area.kind in (K.CITY, K.MUNICIPALITY, K.CITY_MUNICIPALITY):
            assert area.code.startswith(area.parent.code[:5] + "-"), area.code
        if area.kind == K.KOSOVO_MUNICIPALITY:
            assert area.parent.code == "XK"


def test_every_place_has_three_names_and_a_clean_code():
    for area in Area.objects.all():
        assert all((area.name_sr, area.name_sr_latn, area.name_sq)), area.code
        assert re.fullmatch(r"(RS|XK)(-[0-9]{2})?(-[a-z0-9]+)*", area.code), area.code
        # The Cyrillic name is written in Cyrillic, the others are not.
        assert not re.search("[A-Za-z]", area.name_sr), area.code
        assert not re.search("[\u0400-\u04ff]", area.name_sr_latn + area.name_sq), area.code
        # Both Serbian scripts spell the same name.
        assert fold(area.name_sr) == fold(area.name_sr_latn), area.code
        assert area.is_active


def test_codes_are_unique_in_the_file():
    rows = read_areas()
    assert len({row.code for row in rows}) == len(rows) == sum(EXPECTED.values())


def test_kinds_in_the_file_are_known():
    assert {row.kind for row in read_areas()} <= set(AreaKind.values)


def test_the_file_is_utf8_with_the_documented_header():
    header = DATA_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert header == "code,kind,parent_code,name_sr,name_sr_latn,name_sq,aliases"


def test_only_true_namesakes_share_a_key():
    """A spelling that finds two places is a real namesake, never an accident of folding or
    of a generated Albanian definite form."""
    owners: dict[str, set[str]] = {}
    for row in read_areas():
        for key in name_keys(row, fold):
            owners.setdefault(key, set()).add(row.code)
    shared = {key: codes for key, codes in owners.items() if len(codes) > 1}
    assert shared == {
        "palilula": {"RS-00-palilula", "RS-20-palilula"},
        "novi sad": {"RS-06-novi-sad", "RS-06-novi-sad-cm"},
        "pozarevac": {"RS-11-pozarevac", "RS-11-pozarevac-cm"},
        "uzice": {"RS-16-uzice", "RS-16-uzice-cm"},
        "vranje": {"RS-24-vranje", "RS-24-vranje-cm"},
        "vranja": {"RS-24-vranje", "RS-24-vranje-cm"},
    }
    namesakes = set(Area.objects.filter(has_namesake=True).values_list("code", flat=True))
    assert namesakes == set().union(*shared.values())


def test_the_stored_keys_are_what_fold_makes_now():
    """If the folding rules change, this fails: ship a migration that runs the loader again."""
    assert not load_areas().changed


def test_kosovo_municipalities_carry_both_official_names():
    gjilan = Area.objects.get(code="XK-gjilan")
    assert (gjilan.name_sq, gjilan.name_sr_latn, gjilan.name_sr) == (
        "Gjilan",
        "Gnjilane",
        "Гњилане",
    )
    north = Area.objects.get(code="XK-mitrovica-e-veriut")
    assert north.name_sr_latn == "Severna Mitrovica"
    assert AreaName.objects.filter(area=north, key=fold("Severna Kosovska Mitrovica")).exists()
