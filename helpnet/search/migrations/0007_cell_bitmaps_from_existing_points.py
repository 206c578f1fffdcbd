from array import array

from django.db import migrations


def build_cell_bitmaps(apps, schema_editor):
    # An index written before the spatial cells existed: their bitmaps come from the points already
    # indexed, so searches near a position can use them at once (search/hot.py, cover()).
    from helpnet.search.hot import CELL_PREFIX, cell_names, encode, ids_to_int

    connection = schema_editor.connection
    cells: dict[str, array] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_id, latitude, longitude FROM search_documentpoint")
        for doc_id, lat, lng in cursor.fetchall():
            for name in cell_names([(lat, lng)]):
                cells.setdefault(name, array("I")).append(doc_id)
        cursor.execute(
            "DELETE FROM search_bitmap WHERE name >= %s AND name < %s", [CELL_PREFIX, CELL_PREFIX[:-1] + ";"]
        )
        cursor.executemany(
            "INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)",
            [(name, encode(name, ids_to_int(ids))) for name, ids in cells.items()],
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0006_tag_bitmaps_from_existing_index")]
    operations = [migrations.RunPython(build_cell_bitmaps, migrations.RunPython.noop)]
