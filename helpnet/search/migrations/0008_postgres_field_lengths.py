from django.db import migrations

# The number of positions of each weight (A-D) in a document's vector, kept beside it: ranking a page's
# candidates needs each field's length, and reading it from the vector decompresses and unnests it.
LENGTHS_FROM_VECTOR = (
    "UPDATE search_document SET field_lengths = ("
    "SELECT ARRAY[count(*) FILTER (WHERE w = 'A'), count(*) FILTER (WHERE w = 'B'), "
    "count(*) FILTER (WHERE w = 'C'), count(*) FILTER (WHERE w = 'D')]::integer[] "
    "FROM unnest(vector) u, unnest(u.weights) w) WHERE vector IS NOT NULL"
)


def add_field_lengths(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document ADD COLUMN IF NOT EXISTS field_lengths integer[]")
        schema_editor.execute(LENGTHS_FROM_VECTOR)


def drop_field_lengths(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS field_lengths")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_cell_bitmaps_from_existing_points")]
    operations = [migrations.RunPython(add_field_lengths, drop_field_lengths)]
