"""The table of Django's database cache (HELPNET_CACHE_URL=db://), so a deployment needs no createcachetable.

Created whatever the cache setting says: an empty table costs nothing, and switching to db:// later needs no
extra step either.
"""

from django.db import migrations

TABLE = "helpnet_cache"


def create(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
