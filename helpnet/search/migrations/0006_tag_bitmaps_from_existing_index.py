from django.db import migrations


def build_tag_bitmaps(apps, schema_editor):
    # An index written before the bitmaps existed: the tag bitmaps (and the one of all documents) come
    # from the tag rows, so counts and
    # filters are right at once. Term bitmaps and champion lists only make searches faster; the next
    # `helpnet reindex` writes them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT tag, document_id FROM search_documenttag")
        by_tag: dict[str, bytearray] = {}
        for tag, doc_id in cursor.fetchall():
            buffer = by_tag.setdefault(tag, bytearray())
            if len(buffer) <= doc_id >> 3:
                buffer.extend(bytes((doc_id >> 3) + 1 - len(buffer)))
            buffer[doc_id >> 3] |= 1 << (doc_id & 7)
        cursor.execute("SELECT id, demoted FROM search_document")
        everything = bytearray()
        for doc_id, demoted in cursor.fetchall():
            if demoted:
                buffer = by_tag.setdefault("_demoted", bytearray())
                if len(buffer) <= doc_id >> 3:
                    buffer.extend(bytes((doc_id >> 3) + 1 - len(buffer)))
                buffer[doc_id >> 3] |= 1 << (doc_id & 7)
            if len(everything) <= doc_id >> 3:
                everything.extend(bytes((doc_id >> 3) + 1 - len(everything)))
            everything[doc_id >> 3] |= 1 << (doc_id & 7)
        cursor.execute("DELETE FROM search_bitmap")
        cursor.execute("INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)", ["meta:all", bytes(everything)])
        for tag, buffer in by_tag.items():
            cursor.execute(
                "INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)", [f"tag:{tag}", bytes(buffer)]
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0005_hot_bitmaps_champions")]
    operations = [migrations.RunPython(build_tag_bitmaps, migrations.RunPython.noop)]
