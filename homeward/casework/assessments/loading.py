"""Loading the templates shipped in ``data/``: by the data migration, with the historical
model, so the same loader serves a later migration that ships a new version."""

from __future__ import annotations

import json
from pathlib import Path

from homeward.casework.assessments.definition import validate_definition, validate_for_kind

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = ["needs-vulnerability.json", "durable-solutions.json"]


def read_template(path: Path) -> dict:
    """A shipped template file, checked as a published one would be."""
    body = json.loads(path.read_text(encoding="utf-8"))
    validate_definition(body["definition"])
    validate_for_kind(body["definition"], body["kind"])
    return body


def load_templates(*, template_model, files=SHIPPED) -> int:
    """Add each shipped template version that is not there yet, as the code's active version.
    Returns how many were added."""
    added = 0
    for name in files:
        body = read_template(DATA / name)
        code, version = body["code"], body["version"]
        if template_model.objects.filter(code=code, version=version).exists():
            continue
        template_model.objects.filter(code=code, is_active=True).update(is_active=False)
        titles = body["title"]
        template_model.objects.create(
            code=code,
            version=version,
            kind=body["kind"],
            title=titles["en"],
            title_sr=titles["sr"],
            title_sr_latn=titles["sr_latn"],
            title_sq=titles["sq"],
            definition=body["definition"],
            is_active=True,
        )
        added += 1
    return added
