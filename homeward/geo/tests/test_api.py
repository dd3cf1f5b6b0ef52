"""The places on the API: reference data that every signed-in user reads."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_any_signed_in_user_lists_places(api_client_for, case_worker_a):
    api = api_client_for(case_worker_a)
    response = api.get(reverse("area-list"), {"kind": "kosovo_municipality", "page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 38
    gjilan = next(area for area in body["results"] if area["code"] == "XK-gjilan")
    assert gjilan == {
        "code": "XK-gjilan",
        "kind": "kosovo_municipality",
        "parent": "XK",
        "name_sr": "Гњилане",
        "name_sr_latn": "Gnjilane",
        "name_sq": "Gjilan",
        "name": "Gjilan / Gnjilane",
    }


def test_search_and_several_kinds(api_client_for, case_worker_a):
    api = api_client_for(case_worker_a)
    response = api.get(reverse("area-list"), {"search": "Палилула"})
    assert {area["code"] for area in response.json()["results"]} == {
        "RS-00-palilula",
        "RS-20-palilula",
    }
    response = api.get(reverse("area-list"), {"kind": "city,city_municipality"})
    assert response.json()["count"] == 28 + 30


def test_one_place_by_code_in_the_language_asked_for(api_client_for, case_worker_a):
    api = api_client_for(case_worker_a)
    response = api.get(
        reverse("area-detail", kwargs={"code": "RS-20-palilula"}), HTTP_ACCEPT_LANGUAGE="sr"
    )
    assert response.status_code == 200
    assert response.json()["parent"] == "RS-20-nis"
    assert response.json()["name"] == "Палилула"
    missing = api.get(reverse("area-detail", kwargs={"code": "RS-99-nowhere"}))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_an_unknown_kind_is_refused(api_client_for, case_worker_a):
    response = api_client_for(case_worker_a).get(reverse("area-list"), {"kind": "planet"})
    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]


def test_nobody_signed_in_reads_nothing(client):
    response = client.get(reverse("area-list"))
    assert response.status_code in (401, 403)
