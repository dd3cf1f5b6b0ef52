"""The OpenAPI document and its documentation page, which must work without the internet."""

import json
import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

OTHER_HOST = re.compile(r"""(?:https?:)?//(?!testserver[/:"'])[\w.-]+\.[a-z]{2,}""", re.I)


@pytest.fixture
def schema(api_client) -> dict:
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Homeward API"


def test_the_schema_is_served_for_the_openapi_json_media_type(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    validate(json.loads(response.content))


def test_the_schema_describes_every_endpoint_and_the_bearer_scheme(schema):
    paths = set(schema["paths"])
    assert {
        "/api/v1/projects/",
        "/api/v1/projects/{code}/",
        "/api/v1/organisations/",
        "/api/v1/audit-events/",
        "/api/v1/jobs/",
        "/api/v1/jobs/{id}/",
        "/api/v1/me/",
    } <= paths
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    patch = schema["paths"]["/api/v1/projects/{code}/"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "version" in schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]


def test_the_docs_page_uses_only_local_assets():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    assert not OTHER_HOST.findall(html), OTHER_HOST.findall(html)
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert sources
    for source in sources:
        assert source.startswith("/") or source.startswith("?"), source


def test_the_docs_script_and_assets_are_served_by_homeward():
    browser = Client()
    html = browser.get("/api/v1/docs/").content.decode()
    for source in re.findall(r"""(?:src|href)=["']([^"']+)["']""", html):
        url = source if source.startswith("/") else "/api/v1/docs/" + source
        response = browser.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        if url.endswith("script") or "script=" in url:
            assert not OTHER_HOST.findall(body.decode()), url


def test_the_docs_page_has_a_content_security_policy():
    response = Client().get("/api/v1/docs/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
