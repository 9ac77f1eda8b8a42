"""Finding people by name as officers type it: fuzzy (Muhamad/Muhammad, Rizki/Rizky) and fast.

The match uses pg_trgm's word-similarity operator (``%>``) on ``upper(full_name)``, which the GIN
trigram index ``person_name_trgm`` serves; comparing ``word_similarity(...) >= x`` instead would
read every row (seconds at a million people). The threshold is the connection's
``pg_trgm.word_similarity_threshold``, set to 0.5 in settings.DATABASES.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import QuerySet
from django.db.models.functions import Upper

def people_named(queryset: QuerySet, typed: str, field: str = "full_name") -> QuerySet:
    """Rows whose ``field`` holds a word-similar match of ``typed``, best matches first."""
    value = typed.strip().upper()
    return (
        queryset.alias(name_upper=Upper(field))
        .filter(name_upper__trigram_word_similar=value)
        .annotate(name_match=TrigramWordSimilarity(value, Upper(field)))
        .order_by("-name_match", field, "pk")
    )
