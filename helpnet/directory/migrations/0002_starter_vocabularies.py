from django.db import migrations

from helpnet.directory.vocabulary import TAXONOMIES, taxonomy_id, term_id


def add_vocabularies(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    for tax_code, ((en, sl, da), description, terms) in TAXONOMIES.items():
        taxonomy, _ = Taxonomy.objects.update_or_create(
            id=taxonomy_id(tax_code),
            defaults={
                "name": en,
                "description": description,
                "version": "1",
                "original_language": "en",
                "translations": {"sl": {"name": sl}, "da": {"name": da}},
            },
        )
        for code, (t_en, t_sl, t_da, t_description) in terms.items():
            TaxonomyTerm.objects.update_or_create(
                id=term_id(tax_code, code),
                defaults={
                    "taxonomy": taxonomy,
                    "code": code,
                    "name": t_en,
                    "description": t_description,
                    "language": "en",
                    "original_language": "en",
                    "translations": {"sl": {"name": t_sl}, "da": {"name": t_da}},
                },
            )


def remove_vocabularies(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    Taxonomy.objects.filter(id__in=[taxonomy_id(code) for code in TAXONOMIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_vocabularies, remove_vocabularies)]
