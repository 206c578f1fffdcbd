from django.db import migrations


def create_full_text(apps, schema_editor):
    # Vendor-specific structure beside search_document: FTS5 on SQLite, tsvector + GIN on PostgreSQL.
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document ADD COLUMN IF NOT EXISTS vector tsvector")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING gin (vector)"
        )
    else:
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
            "name, terms, description, organization, eligibility, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )


def drop_full_text(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector")
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS vector")
    else:
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create_full_text, drop_full_text)]
