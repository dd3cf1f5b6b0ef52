"""Resolving what people write to one place; searching; form choices."""

import pytest
from django.utils import translation

from homeward.geo.models import AreaKind
from homeward.geo.selectors import (
    MUNICIPALITY_KINDS,
    AreaAmbiguous,
    AreaNotFound,
    area_choices,
    area_resolve,
    area_search,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "Gnjilane",
        "Gjilan",
        "Гњилане",
        "gnjilane",
        "GNJILANE",
        "Gjilani",
        "GJILANI",
        "  gjilan ",
        "Gjilan / Gnjilane",
        "Komuna Gjilan",
        "Opština Gnjilane",
    ],
)
def test_every_spelling_of_gjilan_resolves(text):
    assert area_resolve(text).code == "XK-gjilan"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Prishtina", "XK-prishtine"),
        ("Prishtinë", "XK-prishtine"),
        ("Pristina", "XK-prishtine"),
        ("Приштина", "XK-prishtine"),
        ("Peja", "XK-peje"),
        ("Peć", "XK-peje"),
        ("Pec", "XK-peje"),
        ("Prizreni", "XK-prizren"),
        ("Ferizaji", "XK-ferizaj"),
        ("Urosevac", "XK-ferizaj"),
        ("Djakovica", "XK-gjakove"),
        ("Gjakova", "XK-gjakove"),
        ("Obilić", "XK-obiliq"),
        ("Drenas", "XK-drenas"),
        ("Glogovac", "XK-drenas"),
        ("Gllogoci", "XK-drenas"),
        ("Đeneral Janković", "XK-hani-i-elezit"),
        ("Hani i Elezit", "XK-hani-i-elezit"),
        ("Severna Kosovska Mitrovica", "XK-mitrovica-e-veriut"),
        ("Mitrovica e Veriut", "XK-mitrovica-e-veriut"),
        ("Kosovska Mitrovica", "XK-mitrovice"),
        ("Mitrovica", "XK-mitrovice"),
        ("Shtimja", "XK-shtime"),
        ("Štimlje", "XK-shtime"),
        ("Vushtrria", "XK-vushtrri"),
        ("Kaçaniku", "XK-kacanik"),
        ("Beograd", "RS-00-beograd"),
        ("Belgrade", "RS-00-beograd"),
        ("Београд", "RS-00-beograd"),
        ("Nis", "RS-20-nis"),
        ("Nish", "RS-20-nis"),
        ("Nishi", "RS-20-nis"),
        ("Bujanoc", "RS-24-bujanovac"),
        ("Presheva", "RS-24-presevo"),
        ("Medvegja", "RS-23-medvedja"),
        ("Arandjelovac", "RS-12-arandjelovac"),
        ("Zvezdara", "RS-00-zvezdara"),
        ("Novi Beograd", "RS-00-novi-beograd"),
        ("Grad Beograd", "RS-00"),
        ("Kragujevac - grad", "RS-12-kragujevac"),
        ("Vranje, Srbija", "RS-24-vranje"),
        ("Gjilan, Kosovo", "XK-gjilan"),
        ("Gnjilane (Kosovo i Metohija)", "XK-gjilan"),
    ],
)
def test_names_resolve(text, code):
    assert area_resolve(text).code == code


def test_a_name_a_city_shares_with_its_city_municipality_means_the_city():
    assert area_resolve("Novi Sad").code == "RS-06-novi-sad"
    assert area_resolve("Vranje").code == "RS-24-vranje"
    assert area_resolve("Novi Sad", kinds=[AreaKind.CITY_MUNICIPALITY]).code == "RS-06-novi-sad-cm"
    assert area_resolve("Gradska opština Novi Sad").code == "RS-06-novi-sad-cm"
    assert area_resolve("Novi Sad (Novi Sad)").code == "RS-06-novi-sad-cm"


def test_kinds_narrow_the_reading():
    assert area_resolve("Grad Beograd", kinds=MUNICIPALITY_KINDS).code == "RS-00-beograd"
    with pytest.raises(AreaNotFound):
        area_resolve("Gjilan", kinds=[AreaKind.MUNICIPALITY])


def test_palilula_alone_is_ambiguous():
    with pytest.raises(AreaAmbiguous) as raised:
        area_resolve("Palilula")
    error = raised.value
    assert {area.code for area in error.candidates} == {"RS-00-palilula", "RS-20-palilula"}
    with translation.override("sr-latn"):
        message = str(AreaAmbiguous("Palilula", error.candidates).message)
    assert "Palilula (Beograd)" in message
    assert "Palilula (Niš)" in message
    assert error.details["candidates"] == ["RS-00-palilula", "RS-20-palilula"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Palilula, Niš", "RS-20-palilula"),
        ("Palilula (Niš)", "RS-20-palilula"),
        ("Niš - Palilula", "RS-20-palilula"),
        ("Niš-Palilula", "RS-20-palilula"),
        ("Palilula Niš", "RS-20-palilula"),
        ("palilula nis", "RS-20-palilula"),
        ("Палилула (Ниш)", "RS-20-palilula"),
        ("Palilula, Nišavski okrug", "RS-20-palilula"),
        ("Palilula Beograd", "RS-00-palilula"),
        ("Palilula (Beograd)", "RS-00-palilula"),
        ("Beograd, Palilula", "RS-00-palilula"),
        ("Palilula, Belgrade", "RS-00-palilula"),
        ("Opština Palilula, Grad Niš", "RS-20-palilula"),
        ("Palilula, Beograd, Srbija", "RS-00-palilula"),
    ],
)
def test_the_parent_settles_a_namesake(text, code):
    assert area_resolve(text).code == code


def test_an_unknown_name_is_not_found_and_named():
    with pytest.raises(AreaNotFound) as raised:
        area_resolve("Atlantis")
    assert "Atlantis" in str(raised.value)
    assert raised.value.details == {"text": "Atlantis"}
    with pytest.raises(AreaNotFound):
        area_resolve("")
    with pytest.raises(AreaNotFound):
        area_resolve("Palilula, Kragujevac")


def test_alternatives_naming_two_places_are_ambiguous():
    with pytest.raises(AreaAmbiguous):
        area_resolve("Gjilan / Prizren")


def test_a_retired_place_no_longer_resolves():
    from homeward.geo.models import Area

    Area.objects.filter(code="XK-gjilan").update(is_active=False)
    with pytest.raises(AreaNotFound):
        area_resolve("Gjilan")


def test_search_finds_any_spelling_best_first():
    assert [area.code for area in area_search("gjilan")][:1] == ["XK-gjilan"]
    assert [area.code for area in area_search("Гњил")] == ["XK-gjilan"]
    codes = [area.code for area in area_search("mitrovic")]
    assert {"XK-mitrovice", "XK-mitrovica-e-veriut", "RS-07-sremska-mitrovica"} <= set(codes)
    assert area_search("") == []
    assert len(area_search("a", limit=5)) == 5


def test_search_by_kind():
    codes = {area.code for area in area_search("palilula", kinds=[AreaKind.CITY_MUNICIPALITY])}
    assert codes == {"RS-00-palilula", "RS-20-palilula"}
    assert area_search("beograd", kinds=[AreaKind.DISTRICT])[0].code == "RS-00"


def test_choices_group_places_under_their_city_or_district():
    with translation.override("sr-latn"):
        choices = dict(area_choices(kinds=MUNICIPALITY_KINDS))
    assert [name for _pk, name in choices["Niš"]] == [
        "Crveni Krst", "Medijana", "Niška Banja", "Palilula", "Pantelej",
    ]  # fmt: skip
    assert "Niš" in [name for _pk, name in choices["Nišavski okrug"]]
    assert len(choices["Kosovo"]) == 38
    assert sum(len(members) for members in choices.values()) == 28 + 117 + 30 + 38


def test_choices_order_follows_the_codes():
    with translation.override("en"):
        labels = [label for label, _members in area_choices()]
    assert labels[:2] == ["Districts", "Territories"]
    assert (
        labels.index("Grad Beograd") < labels.index("Beograd") < labels.index("Severnobački okrug")
    )
    assert labels[-1] == "Kosovo"
