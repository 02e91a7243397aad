from django.db import migrations


MODELS = [
        "Section",
        "Unit",
        "Lesson",
]


def fill_keys(apps, schema_editor):
    # AddField evaluated the random default once for all rows; give every existing row its own key.
    for name in MODELS:
        model = apps.get_model("courses", name)
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(key=f"{name.lower()}-{pk}")

class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0002_content_keys'),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
