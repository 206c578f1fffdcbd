from array import array

from django.db import migrations, models

# Ranking reads each term's postings with their impacts (search/hot.py) instead of champion lists and the
# documents' full-text rows; the terms' bitmaps come from the postings. For an index built before, the postings
# are computed from its full-text rows: exactly on SQLite (the FTS5 table keeps each field's tokens); on
# PostgreSQL from the vector's weights, where organisation and eligibility share weight D and count as
# organisation until the next `helpnet reindex`. The documents' languages become bitmaps too.
FIELDS = ("name", "terms", "description", "organization", "eligibility")
LETTERS = {"A": "name", "B": "terms", "C": "description", "D": "organization"}
BATCH = 5000


def _fields_of_batch(cursor, vendor, low, high):
    if vendor == "postgresql":
        cursor.execute(
            "SELECT d.id, u.lexeme, u.weights FROM search_document d, unnest(d.vector) u "
            "WHERE d.vector IS NOT NULL AND d.id >= %s AND d.id < %s",
            [low, high],
        )
        fields_of: dict[int, dict[str, list[str]]] = {}
        for doc_id, lexeme, weights in cursor.fetchall():
            fields = fields_of.setdefault(doc_id, {})
            for letter in weights or ():
                fields.setdefault(LETTERS[letter], []).append(lexeme)
        return sorted(fields_of.items())
    cursor.execute(
        f"SELECT rowid, {', '.join(FIELDS)} FROM search_fts WHERE rowid >= %s AND rowid < %s ORDER BY rowid",  # noqa: S608 - constants
        [low, high],
    )
    return [
        (rowid, {name: (text or "").split() for name, text in zip(FIELDS, texts, strict=True)})
        for rowid, *texts in cursor.fetchall()
    ]


def fill_postings(apps, schema_editor):
    from helpnet.search.hot import LANGUAGE_TAG, TAG_PREFIX, encode_postings, ids_to_int, impacts, to_bytes

    import numpy as np

    connection = schema_editor.connection
    postings: dict[str, tuple[array, array]] = {}
    languages: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_document")
        last = cursor.fetchone()[0]
        for low in range(0, last + 1, BATCH):
            for doc_id, fields in _fields_of_batch(cursor, connection.vendor, low, low + BATCH):
                for term, impact in impacts(fields).items():
                    found = postings.get(term)
                    if found is None:
                        postings[term] = found = (array("I"), array("f"))
                    found[0].append(doc_id)
                    found[1].append(impact)
        cursor.execute("SELECT id, language FROM search_document")
        for doc_id, language in cursor.fetchall():
            languages.setdefault(language or "", []).append(doc_id)
        cursor.executemany(
            "INSERT INTO search_posting (term, ids, impacts) VALUES (%s, %s, %s)",
            [
                (term, *encode_postings(np.frombuffer(ids, np.uint32), np.frombuffer(imp, np.float32)))
                for term, (ids, imp) in postings.items()
            ],
        )
        cursor.execute("DELETE FROM search_bitmap WHERE name >= 'term:' AND name < 'term;'")
        cursor.executemany(
            "INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)",
            [(TAG_PREFIX + LANGUAGE_TAG + lang, to_bytes(ids_to_int(ids))) for lang, ids in languages.items()],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS field_lengths")


class Migration(migrations.Migration):
    dependencies = [("search", "0009_index_state_no_cells")]
    operations = [
        migrations.CreateModel(
            name="Posting",
            fields=[
                ("term", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("ids", models.BinaryField()),
                ("impacts", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="PostingDelta",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("term", models.CharField(max_length=64)),
                ("document_id", models.IntegerField()),
                ("impact", models.FloatField()),
            ],
            options={"indexes": [models.Index(fields=["term"], name="search_posting_delta_term")]},
        ),
        migrations.DeleteModel(name="Champion"),
        migrations.RunPython(fill_postings, migrations.RunPython.noop),
    ]
