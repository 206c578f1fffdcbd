from django.db import migrations

from helpnet.organizations.geography import MUNICIPALITIES


def add_municipalities(apps, schema_editor):
    Municipality = apps.get_model("organizations", "Municipality")
    for slug, (name, code, country, region, lat, lng) in MUNICIPALITIES.items():
        Municipality.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "code": code, "country": country, "region": region, "latitude": lat, "longitude": lng},
        )


def remove_municipalities(apps, schema_editor):
    apps.get_model("organizations", "Municipality").objects.filter(slug__in=list(MUNICIPALITIES)).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_municipalities, remove_municipalities)]
