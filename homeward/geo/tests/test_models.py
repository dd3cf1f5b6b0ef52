"""How a place is named in each of Homeward's languages."""

import pytest
from django.utils import translation

from homeward.geo.models import Area

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "gjilan", "nis"),
    [
        ("sr", "Гњилане", "Ниш"),
        ("sr-latn", "Gnjilane", "Niš"),
        ("sq", "Gjilan", "Nish"),
        ("en", "Gjilan / Gnjilane", "Niš"),
    ],
)
def test_the_name_follows_the_language(language, gjilan, nis):
    with translation.override(language):
        assert Area.objects.get(code="XK-gjilan").name == gjilan
        assert str(Area.objects.get(code="RS-20-nis")) == nis


def test_english_names_a_kosovo_municipality_once_when_both_agree():
    with translation.override("en"):
        assert Area.objects.get(code="XK-prizren").name == "Prizren"
        assert Area.objects.get(code="XK-kline").name == "Klinë / Klina"
        assert Area.objects.get(code="XK").name == "Kosovo"


def test_the_full_name_adds_the_parent_to_namesakes_only():
    with translation.override("sr-latn"):
        assert Area.objects.get(code="RS-20-palilula").full_name == "Palilula (Niš)"
        assert Area.objects.get(code="RS-00-palilula").full_name == "Palilula (Beograd)"
        assert Area.objects.get(code="RS-06-novi-sad-cm").full_name == "Novi Sad (Novi Sad)"
        assert Area.objects.get(code="RS-00-zvezdara").full_name == "Zvezdara"
    with translation.override("sr"):
        assert Area.objects.get(code="RS-20-palilula").full_name == "Палилула (Ниш)"
