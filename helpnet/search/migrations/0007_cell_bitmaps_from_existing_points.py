from django.db import migrations

# This migration built spatial-cell bitmaps from the indexed points. Searches near a position now measure
# the points kept in memory (search/resident.py) and 0009 drops the cells, so it has nothing left to do.


class Migration(migrations.Migration):
    dependencies = [("search", "0006_tag_bitmaps_from_existing_index")]
    operations = []
