from django.db import migrations


def load(apps, schema_editor):
    # Imported when the migration runs: the loader and the definition checks are those of the
    # installed release. A later release that ships a new version calls the same loader.
    from homeward.casework.assessments.loading import load_templates

    load_templates(template_model=apps.get_model("assessments", "AssessmentTemplate"))


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
