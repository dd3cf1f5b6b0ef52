"""The loader that migrations run: upsert by code, idempotent, nothing ever deleted."""

import pytest

from homeward.geo.loading import albanian_definite, load_areas, read_areas
from homeward.geo.models import Area, AreaName

pytestmark = pytest.mark.django_db

HEADER = "code,kind,parent_code,name_sr,name_sr_latn,name_sq,aliases\n"


def snapshot():
    areas = list(
        Area.objects.order_by("code").values_list(
            "pk", "code", "kind", "parent_id", "name_sr", "name_sr_latn", "name_sq",
            "is_active", "has_namesake",
        )
    )  # fmt: skip
    names = sorted(AreaName.objects.values_list("pk", "area_id", "key"))
    return areas, names


def test_running_the_loader_twice_changes_nothing():
    before = snapshot()
    first = load_areas()
    second = load_areas()
    assert not first.changed
    assert not second.changed
    assert snapshot() == before


def test_a_changed_file_updates_by_code_and_retires_what_left(tmp_path):
    data = tmp_path / "areas.csv"
    data.write_text(
        HEADER
        + "RS-20,district,,Нишавски округ,Nišavski okrug,Nišavski okrug,\n"
        + "RS-20-nis,city,RS-20,Ниш,Niš,Nishi i Ri,Naissus\n",
        encoding="utf-8",
    )
    nis = Area.objects.get(code="RS-20-nis")
    report = load_areas(path=data)
    assert report.created == 0
    assert report.updated == 1
    assert report.deactivated == Area.objects.count() - 2
    nis.refresh_from_db()
    assert nis.name_sq == "Nishi i Ri"
    assert nis.is_active
    assert set(nis.names.values_list("key", flat=True)) == {"nis", "nisi i ri", "naisus"}
    assert not Area.objects.get(code="RS-00-zvezdara").is_active

    # The shipped file brings everything back, under the same ids.
    report = load_areas()
    assert report.deactivated == 0
    assert Area.objects.filter(is_active=False).count() == 0
    assert Area.objects.get(code="RS-20-nis").pk == nis.pk


def test_a_new_row_may_name_a_parent_further_down(tmp_path):
    data = tmp_path / "areas.csv"
    data.write_text(
        HEADER + "ZZ-01-a,municipality,ZZ-01,А,A,A,\n" + "ZZ-01,district,,Б,B,B,\n",
        encoding="utf-8",
    )
    report = load_areas(path=data)
    assert report.created == 2
    assert report.updated == 0
    assert Area.objects.get(code="ZZ-01-a").parent.code == "ZZ-01"


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (HEADER + "RS-99,district,,А,A,A,\nRS-99,district,,А,A,A,\n", "used twice"),
        (HEADER + "RS-99-x,municipality,RS-98,А,A,A,\n", "unknown parent"),
        (HEADER + "rs 99,district,,А,A,A,\n", "malformed"),
        (HEADER + "RS-99,district,,А,A,,\n", "lacks"),
        ("code,kind,name_sr\n", "missing columns"),
    ],
)
def test_a_faulty_file_stops_the_load(tmp_path, content, complaint):
    data = tmp_path / "areas.csv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=complaint):
        read_areas(data)


@pytest.mark.parametrize(
    ("name", "definite"),
    [
        ("Gjilan", "Gjilani"),
        ("Prishtinë", "Prishtina"),
        ("Pejë", "Peja"),
        ("Shtime", "Shtimja"),
        ("Viti", "Vitia"),
        ("Vushtrri", "Vushtrria"),
        ("Kaçanik", "Kaçaniku"),
        ("Istog", "Istogu"),
        ("Prizren", "Prizreni"),
        ("Nish", "Nishi"),
        ("Fushë Kosovë", "Fushë Kosova"),
        ("Hani i Elezit", None),
        ("Mitrovica e Veriut", None),
        ("Klina", None),
    ],
)
def test_albanian_definite_forms(name, definite):
    assert albanian_definite(name) == definite
