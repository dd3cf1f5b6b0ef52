"""The shipped catalogue of assistance types: ``data/assistance_types.csv``, loaded by a data
migration. A later release that changes the file ships a migration calling ``load_catalogue``
again; types are matched by code, so deliveries keep pointing at theirs."""

from __future__ import annotations

import csv
from pathlib import Path

CATALOGUE = Path(__file__).parent / "data" / "assistance_types.csv"


def read_catalogue(path: Path = CATALOGUE) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            months = [int(part) for part in row["monitoring_months"].split(";") if part.strip()]
            rows.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "name_sr": row["name_sr"],
                    "name_sr_latn": row["name_sr_latn"],
                    "name_sq": row["name_sq"],
                    "category": row["category"],
                    "is_grant": row["is_grant"] == "1",
                    "monitoring_months": sorted(months),
                    "unit": row["unit"],
                    "is_active": row["is_active"] == "1",
                }
            )
    return rows


def load_catalogue(*, type_model, path: Path = CATALOGUE) -> int:
    """Create or update every type of the file; returns how many it holds."""
    rows = read_catalogue(path)
    for row in rows:
        code = row.pop("code")
        type_model.objects.update_or_create(code=code, defaults=row)
    return len(rows)
