from django.db import migrations


def load(apps, schema_editor):
    # Imported when the migration runs, not when it is read: the loader and ``fold`` are those
    # of the installed release, so the stored keys match what lookups compute. A later
    # migration that ships a changed data file calls the same loader again.
    from homeward.geo.loading import load_areas

    load_areas(
        area_model=apps.get_model("geo", "Area"),
        name_model=apps.get_model("geo", "AreaName"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
