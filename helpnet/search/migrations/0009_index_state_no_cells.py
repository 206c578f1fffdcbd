import secrets

from django.db import migrations, models


def create_state(apps, schema_editor):
    apps.get_model("search", "IndexState").objects.create(
        id=1, epoch=secrets.randbits(62), generation=secrets.randbits(62)
    )


def drop_cell_bitmaps(apps, schema_editor):
    # Searches near a position measure the points kept in memory (search/resident.py): the spatial cells'
    # bitmaps are no longer read or written.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_bitmap WHERE name >= 'cell:' AND name < 'cell;'")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_field_lengths")]
    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("epoch", models.BigIntegerField()),
                ("generation", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
        migrations.RunPython(drop_cell_bitmaps, migrations.RunPython.noop),
    ]
