"""The search index and its vocabulary. Documents are keyed by a UUID; this app does not know what they are.

The full-text part lives beside ``Document`` in a backend-specific structure created by migration 0002:
an FTS5 table ``search_fts`` (rowid = Document.id) on SQLite, a ``vector tsvector`` column with a GIN index on
PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    key = models.UUIDField(unique=True)
    sort_name = models.CharField(max_length=255, blank=True)
    # The language the document was written in: results in the page's language rank a little higher.
    language = models.CharField(max_length=8, blank=True)
    # Temporarily closed services stay findable but sort after open ones.
    demoted = models.BooleanField(default=False)
    # The same tags as DocumentTag, space-separated: geo searches count facets in Python from this.
    tags = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["demoted", "sort_name"], name="search_doc_order")]

    def __str__(self) -> str:
        return str(self.key)


class DocumentTag(models.Model):
    """A filterable, countable attribute of a document, e.g. ``need:addiction`` or ``muni:sevnica``."""

    # Rows of the index, written and deleted with their document (search/actions.py) a hundred thousand at a
    # time: no constraint for the database to check for every row at commit, and no index of their own
    # beside the unique (document, tag) one, which serves lookups by document.
    document = models.ForeignKey(
        Document, related_name="tag_rows", on_delete=models.CASCADE, db_constraint=False, db_index=False
    )
    tag = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "tag"], name="search_tag_unique")]
        indexes = [models.Index(fields=["tag", "document"], name="search_tag_lookup")]

    def __str__(self) -> str:
        return self.tag


class DocumentPoint(models.Model):
    """A public position of a document (confidential addresses are never given to the index)."""

    # As DocumentTag: no constraint checked for every row (the foreign key's own index serves lookups).
    document = models.ForeignKey(
        Document, related_name="points", on_delete=models.CASCADE, db_constraint=False
    )
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="search_point_bbox")]

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude}"


class Bitmap(models.Model):
    """One bit per document id: every document ("meta:all") or those with a tag ("tag:need:addiction"). See
    search/hot.py."""

    name = models.CharField(max_length=200, primary_key=True)
    bits = models.BinaryField()

    def __str__(self) -> str:
        return self.name


class IndexState(models.Model):
    """The one row saying which state of the index the web processes may keep in memory (search/resident.py):
    tokens replaced by every write to the index (generation) and by every rebuild (epoch)."""

    epoch = models.BigIntegerField()
    generation = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.epoch}/{self.generation}"


class Posting(models.Model):
    """The documents containing an index term, ascending, each with the term's impact (search/hot.py)."""

    term = models.CharField(max_length=64, primary_key=True)
    ids = models.BinaryField()  # uint32, little-endian
    impacts = models.BinaryField()  # float32, little-endian, one per id

    def __str__(self) -> str:
        return self.term


class PostingDelta(models.Model):
    """A posting written since the term's row was last stored (an edit, an import); see hot.compact_postings."""

    term = models.CharField(max_length=64)
    document_id = models.IntegerField()
    impact = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term"], name="search_posting_delta_term")]

    def __str__(self) -> str:
        return f"{self.term}: {self.document_id}"


class Term(models.Model):
    """Every folded word the index has seen: typo correction and suggestions look words up here."""

    term = models.CharField(max_length=64, primary_key=True)
    display = models.CharField(max_length=64)
    language = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return self.display


class ThesaurusEntry(models.Model):
    """A word people use for a need (``pije``, ``ryger``), attached to services by need area or by related words.

    A service whose need areas include one of ``need_areas``, or whose text contains one of ``related_words``,
    is indexed with ``word``. Changes take effect at the next ``helpnet reindex`` (or edit of the service).
    """

    language = models.CharField(
        _("language"), max_length=8, choices=[("sl", "slovenščina"), ("da", "dansk"), ("en", "English")]
    )
    word = models.CharField(_("word or phrase"), max_length=100)
    need_areas = models.CharField(
        _("need areas"), max_length=255, blank=True, help_text=_("Need-area codes, comma-separated.")
    )
    related_words = models.CharField(
        _("related words"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated words; a service mentioning one of them is also found by this word."),
    )

    class Meta:
        ordering = ["language", "word"]
        verbose_name = _("thesaurus entry")
        verbose_name_plural = _("thesaurus entries")
        constraints = [models.UniqueConstraint(fields=["language", "word"], name="search_thesaurus_unique")]

    def __str__(self) -> str:
        return f"{self.language}: {self.word}"

    @property
    def need_area_codes(self) -> list[str]:
        return [c.strip() for c in self.need_areas.split(",") if c.strip()]

    @property
    def related_word_list(self) -> list[str]:
        return [w.strip() for w in self.related_words.split(",") if w.strip()]


class SearchStat(models.Model):
    """Anonymous daily aggregate of searches: never an IP address, a user or a cookie."""

    day = models.DateField()
    query = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8)
    filters = models.CharField(max_length=500, blank=True)
    municipality = models.CharField(max_length=80, blank=True)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    results_total = models.PositiveBigIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search statistic")
        verbose_name_plural = _("search statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query", "language", "filters", "municipality"], name="search_stat_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "zero_results"], name="search_stat_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.language} {self.query!r}"
