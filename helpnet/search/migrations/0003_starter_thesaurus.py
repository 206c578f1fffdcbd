from django.db import migrations

from helpnet.search.thesaurus_starter import starter_entries


def add_entries(apps, schema_editor):
    ThesaurusEntry = apps.get_model("search", "ThesaurusEntry")
    for language, word, need_areas, related in starter_entries():
        ThesaurusEntry.objects.update_or_create(
            language=language, word=word, defaults={"need_areas": need_areas, "related_words": related}
        )


def remove_entries(apps, schema_editor):
    ThesaurusEntry = apps.get_model("search", "ThesaurusEntry")
    for language, word, _needs, _related in starter_entries():
        ThesaurusEntry.objects.filter(language=language, word=word).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]
    operations = [migrations.RunPython(add_entries, remove_entries)]
