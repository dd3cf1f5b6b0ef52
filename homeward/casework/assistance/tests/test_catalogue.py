"""The catalogue shipped in ``data/assistance_types.csv`` and loaded by a migration."""

import pytest
from django.utils import translation

from homeward.casework.assistance.catalogue import CATALOGUE, load_catalogue, read_catalogue
from homeward.casework.assistance.models import AssistanceType, Category, Unit
from homeward.core.names import to_latin

pytestmark = pytest.mark.django_db

REQUIRED = {
    "income-grant-in-kind",
    "aid-kit",
    "return-package",
    "transport-assistance",
    "housing-repair",
    "housing-reconstruction",
    "housing-adaptation",
    "furnishing",
    "food-items",
    "non-food-items",
    "psychosocial-counselling",
    "legal-aid",
    "learning-materials",
    "language-course",
    "job-placement",
    "employment-subsidy",
    "cooperative-support",
    "documentation-assistance",
}


def test_the_migration_loads_the_whole_catalogue():
    codes = set(AssistanceType.objects.values_list("code", flat=True))
    assert codes >= REQUIRED
    assert len(codes) == len(read_catalogue())


def test_every_type_is_named_in_four_languages_and_the_latin_is_the_cyrillic_transliterated():
    for assistance_type in AssistanceType.objects.all():
        assert assistance_type.name
        assert assistance_type.name_sq
        assert any("\u0400" <= char <= "\u04ff" for char in assistance_type.name_sr)
        assert assistance_type.name_sr_latn == to_latin(assistance_type.name_sr)
        assert assistance_type.category in Category.values
        assert assistance_type.unit in Unit.values


def test_grants_are_monitored_at_six_and_twelve_months_and_nothing_else_is():
    grant = AssistanceType.objects.get(code="income-grant-in-kind")
    assert grant.is_grant
    assert grant.monitoring_months == [6, 12]
    for assistance_type in AssistanceType.objects.filter(is_grant=False):
        assert assistance_type.monitoring_months == []


def test_the_name_follows_the_language_of_the_page():
    aid_kit = AssistanceType.objects.get(code="aid-kit")
    expected = {
        "en": "Aid kit",
        "sr": "Пакет помоћи",
        "sr-latn": "Paket pomoći",
        "sq": "Pako ndihme",
    }
    for language, name in expected.items():
        with translation.override(language):
            assert aid_kit.localised_name == name
            assert str(aid_kit) == name


def test_loading_again_updates_by_code_and_keeps_what_points_at_the_types(tmp_path):
    before = AssistanceType.objects.get(code="aid-kit").pk
    changed = tmp_path / "types.csv"
    text = CATALOGUE.read_text(encoding="utf-8").replace(
        "aid-kit,basic_needs,0,,kit,1", "aid-kit,basic_needs,0,,kit,0"
    )
    changed.write_text(text, encoding="utf-8")
    load_catalogue(type_model=AssistanceType, path=changed)
    aid_kit = AssistanceType.objects.get(code="aid-kit")
    assert aid_kit.pk == before
    assert not aid_kit.is_active
