from django.db import migrations


def load(apps, schema_editor):
    # Imported when the migration runs: the loader of the installed release reads the file.
    from homeward.casework.assistance.catalogue import load_catalogue

    load_catalogue(type_model=apps.get_model("assistance", "AssistanceType"))


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
