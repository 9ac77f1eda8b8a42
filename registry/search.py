"""Finding people by name as officers type it: the start of the name, whole words, or one letter off.

A name matches what was typed when it starts with it ("siti ami" → Siti Aminah; a space left out
of a long word is put back: "NurulAnggraini"), or when every typed word is one of the name's words
or one letter away from one (a letter missing, extra, wrong or two letters swapped: Fatmah →
Fatimah, Muhamad Rizki → Muhammad Rizky Pratama). A word of two or three letters may only have lost
one ("Agu" → Agus).

The best come first, in tiers, each in name order:

0. the name starts with the typed text;
1. the name starts with the typed text corrected by a letter (a misspelt first name);
2. every typed word is one of the name's words (a family name typed alone);
3. the rest: words one letter off, anywhere in the name.

Why not pg_trgm's word similarity (``%>``), which this replaced: at five million people its GIN
index reads the posting lists of very common trigrams ("  S", "AH ") for any query (100-500 ms
before a row is read), a common first name matches tens of thousands of people, and ranking them by
similarity then name meant reading and sorting every one of them (1.5 s). Here each tier is read in
index order and stops after the page: tiers 0 and 1 are ranges of ``person_name_key`` (the upper-case
name, in C collation), tiers 2 and 3 walk it checking the words or, when the words are rare, take
them from the GIN index ``person_name_words``.

Only words one letter off that names actually have are looked for (hundreds of made-up ones would
make PostgreSQL's estimates useless): first the registry's common words, which ANALYZE keeps in its
statistics of ``person_name_words`` (read once per process every 10 minutes); when they find less
than a page, every word some name has, in one query remembered for 5 minutes. A list decides that
when it counts (before reading a page, so that the count and the pages agree); a search read whole
(an export) or used as a subquery looks for them all at once.
"""

import functools
import itertools
import operator
import re

from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BooleanField, Case, Expression, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Collate, Upper

from onegate import reference_cache
from onegate.pagination import TWO_STEP_MAX_ROWS, TwoStepQuerySet, two_step

WORD_SEPARATORS = "[^[:alpha:]]+"  # what splits a name into words (PostgreSQL regex)
MIN_FUZZY_LETTERS = 4  # shorter words must be typed exactly
MAX_WORDS = 4
MAX_CORRECTED_PREFIXES = 16
VARIANTS_SECONDS = 300
WIDEN_BELOW = 25  # fewer results than a page with the common words: look for the rare ones too
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def name_key(field: str = "full_name"):
    """The upper-case name in C collation: what ``person_name_key`` indexes, in its order."""
    return Collate(Upper(field), "C")


def name_words(field: str = "full_name"):
    """The upper-case words of the name: what ``person_name_words`` indexes."""
    return Func(
        Upper(field), Value(WORD_SEPARATORS), function="regexp_split_to_array", output_field=ArrayField(TextField())
    )


def typed_words(text: str) -> list[str]:
    """The words of ``text`` as name_words() splits a name (runs of letters), upper-case."""
    return re.findall(r"[^\W\d_]+", text.upper())[:MAX_WORDS]


def one_letter_off(word: str) -> set[str]:
    """Every string one edit from ``word``: a letter deleted, inserted, replaced, or two swapped."""
    letters = set(_LETTERS) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deleted = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaced = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserted = {a + c + b for a, b in splits for c in letters}
    return (deleted | swapped | replaced | inserted) - {word}


def common_name_words(using: str = "default") -> frozenset[str]:
    """The words most names are made of: the most common elements PostgreSQL's ANALYZE keeps for
    person_name_words (up to 10,000 with the statistics target of migration 0009), kept in process
    memory for 10 minutes."""

    def load() -> frozenset[str]:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[] FROM pg_stats WHERE tablename = 'person_name_words' AND schemaname = current_schema()"
            )
            row = cursor.fetchone()
        return frozenset(row[0] or ()) if row else frozenset()

    return reference_cache.cached(("common name words", connections[using].settings_dict["NAME"]), load, ttl=600)


def letters_inserted(word: str) -> set[str]:
    """``word`` with one more letter somewhere (a short word typed with a letter missing)."""
    letters = set(_LETTERS) | set(word)
    return {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}


class NameSearch:
    """What was typed, and the conditions of the tiers (see the module)."""

    def __init__(self, typed: str, using: str = "default"):
        self.text = " ".join(typed.upper().split())
        self.words = typed_words(self.text)
        self.using = using
        # Per typed word: the words a name may have in its place (all of them; few exist). A word
        # of two or three letters may only have lost one.
        self.variants = [
            {w} | (one_letter_off(w) if len(w) >= MIN_FUZZY_LETTERS else letters_inserted(w) if len(w) > 1 else set())
            for w in self.words
        ]

    @property
    def plain(self) -> bool:
        """Only letters and single spaces typed: the words can be put back together as typed."""
        return bool(self.words) and " ".join(self.words) == self.text

    def _splits(self, j: int) -> list[tuple[str, str]]:
        w = self.words[j]
        return [(w[:i], w[i:]) for i in range(2, len(w) - 1)] if len(w) >= 6 else []

    def split_prefixes(self) -> list[str]:
        """The typed text with a missing space put back into a long word ("NURULANGGRAINI"), where
        both halves are words some name has."""
        if not self.plain:
            return []
        found = []
        for j in range(len(self.words)):
            for a, b in self._splits(j):
                if a in self.known_words and b in self.known_words:
                    found.append(" ".join([*self.words[:j], a, b, *self.words[j + 1 :]]))
        return found[:MAX_CORRECTED_PREFIXES]

    def starts(self) -> Q:
        """Tier 0: the name starts with the typed text (or with it and a missing space put back)."""
        return functools.reduce(operator.or_, (Q(name_key__startswith=p) for p in [self.text, *self.split_prefixes()]))

    def near(self) -> Q:
        """Every typed word is one of the name's words or one letter away from one. Only the words
        that exist are named: hundreds of made-up ones would cost nothing in the index but make
        PostgreSQL believe half the registry matches."""
        if not self.words or not all(self.existing):
            return Q(pk__in=[])
        return functools.reduce(operator.and_, (Q(name_words__overlap=sorted(e)) for e in self.existing))

    def matches(self) -> Q:
        """The names found at all (what the list counts); needs the name_key/name_words aliases."""
        return self.starts() | self.near()

    def tier(self) -> Case:
        """The tier as one expression, for reading all the results at once (an export): tier 1
        counts as 3 there."""
        whens = [When(self.starts(), then=Value(0))]
        if self.words:
            whens.append(When(name_words__contains=self.words, then=Value(2)))
        return Case(*whens, default=Value(3), output_field=IntegerField())

    @property
    def existing(self) -> list[set[str]]:
        """Per typed word, the known words in its place (the typed word itself always: looking for a
        word nobody has costs nothing)."""
        known = self.known_words
        return [{w} | (v & known) for w, v in zip(self.words, self.variants, strict=True)]

    def _wanted(self) -> set[str]:
        wanted = set().union(*self.variants) if self.variants else set()
        for j in range(len(self.words)):
            wanted.update(part for split in self._splits(j) for part in split)
        return wanted

    @property
    def known_words(self) -> set[str]:
        """The words looked for (letters off, halves of long words) that are known to be in names:
        the registry's common words (PostgreSQL's statistics of person_name_words), and after
        :meth:`widen` every one some name has."""
        if self._known is None:
            self._known = self._wanted() & common_name_words(self.using)
        return self._known

    _known: set[str] | None = None
    _unknown = False
    widened = False

    def _widen_key(self) -> str:
        return f"name-words:{connections[self.using].settings_dict['NAME']}:" + ",".join(self.words)

    def widen(self, *, if_known: bool = False) -> None:
        """Know every word some name has, not only the common ones (a rare name typed with a letter
        off): one query for all the words looked for, remembered for a few minutes. ``if_known``:
        only when they are remembered (then it costs nothing)."""
        if self.widened or (if_known and self._unknown):
            return
        wanted = sorted(self._wanted())
        found = cache.get(self._widen_key()) if wanted else []
        if if_known and found is None:
            self._unknown = True  # not remembered: not asked again for this search
            return
        self.widened = True
        if not wanted:
            return
        if found is None:
            with connections[self.using].cursor() as cursor:
                cursor.execute(
                    "SELECT v FROM unnest(%s::text[]) v WHERE EXISTS (SELECT 1 FROM registry_person p WHERE "
                    f"regexp_split_to_array(upper(p.full_name), '{WORD_SEPARATORS}') @> ARRAY[v] AND p.merged_into_id IS NULL)",
                    [wanted],
                )
                found = sorted(row[0] for row in cursor.fetchall())
            cache.set(self._widen_key(), found, VARIANTS_SECONDS)
        self._known = self.known_words | set(found)

    def corrected_prefixes(self) -> list[str]:
        """Tier 1: the typed text with words replaced by existing words one letter off. The last
        word may be still being typed: it is kept as typed too."""
        if not self.plain:
            return []
        choices = [sorted(e) or [w] for w, e in zip(self.words, self.existing, strict=True)]
        choices[-1] = sorted(set(choices[-1]) | {self.words[-1]})
        combos = (" ".join(c) for c in itertools.product(*choices))
        return [c for c in itertools.islice(combos, MAX_CORRECTED_PREFIXES + 1) if c != self.text][
            :MAX_CORRECTED_PREFIXES
        ]

    def page_keys(self, base: QuerySet, need: int) -> list:
        """The primary keys of the first ``need`` results of ``base`` (the list's filtered and scoped
        people, before the name), tier by tier, each tier in name order."""
        found: dict = {}

        def take(queryset: QuerySet, limit: int):
            keys = queryset.order_by("name_key", "pk").values_list("pk", flat=True)
            for pk in QuerySet.__getitem__(keys, slice(None, limit)):
                found.setdefault(pk, None)

        def take_ranges(prefixes: list[str], limit: int, also: Q | None = None):
            # One range of the index per prefix, each stopping after `limit`: not one scan of all of them.
            parts = [
                QuerySet.__getitem__(
                    base.filter(Q(name_key__startswith=p) & (also or Q()))
                    .annotate(k=name_key())
                    .order_by("name_key", "pk")
                    .values_list("k", "pk"),
                    slice(None, limit),
                )
                for p in prefixes
            ]
            rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            for _key, pk in sorted(rows)[:limit]:
                found.setdefault(pk, None)

        take_ranges([self.text, *self.split_prefixes()], need)
        if len(found) < need and (prefixes := self.corrected_prefixes()) and all(self.existing):
            take_ranges(prefixes, need + len(found), also=self.near())
        if len(found) < need and self.words and all(w in e for w, e in zip(self.words, self.existing, strict=True)):
            take(base.filter(name_words__contains=self.words), need + len(found))
        if len(found) < need and self.words and all(self.existing):
            take(base.filter(self.near()), need + len(found))
        return list(found)[:need]


class NameMatch(Expression):
    """The search's condition (NameSearch.matches), worked out when the SQL is written: after
    NameSearch.widen() every query of the search (count, pages, an export) looks for the same words."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, search: NameSearch):
        super().__init__()
        self.search = search

    def as_sql(self, compiler, connection):
        where = self.search.matches().resolve_expression(compiler.query, allow_joins=False)
        return compiler.compile(where)


RELEVANCE = ("name_tier", "name_key", "pk")


class NameSearchQuerySet(TwoStepQuerySet):
    """People found by name, best first: a page (a slice) is read tier by tier (NameSearch.page_keys),
    or in a sorted column's order; read whole (an export), it is an ordinary queryset."""

    # Nobody pages through more than 1,000 namesakes: they type more of the name or filter. Counting
    # a common name's matches up to 10,001 read them from the GIN index for 20-30 ms at 1M people.
    count_cap = 1_000
    _name_search: NameSearch | None = None
    _name_base: QuerySet | None = None
    _name_where: int = 0

    def _clone(self):
        clone = super()._clone()
        clone._name_search, clone._name_base, clone._name_where = self._name_search, self._name_base, self._name_where
        return clone

    def _fetch_all(self):
        if self._result_cache is None and self._name_search is not None:
            self._name_search.widen()  # read whole: every word some name has, as a page would
        super()._fetch_all()

    def _searching(self) -> bool:
        """The search as people_named() made it: nothing filtered since (the pages are read from the
        base and the search's words, which widen() may add to)."""
        return self._name_search is not None and len(self.query.where.children) == self._name_where

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and self._searching()
            and self._result_cache is None
            and k.stop is not None
            and k.step is None
            and 0 < k.stop - (k.start or 0) <= TWO_STEP_MAX_ROWS
        ):
            search, base = self._name_search, self._name_base
            if tuple(self.query.order_by) != RELEVANCE:  # a sorted column
                return two_step(base.filter(search.matches()).order_by(*self.query.order_by))[k]
            keys = search.page_keys(base, k.stop)[k.start or 0 :]
            rows = {p.pk: p for p in QuerySet.filter(base, pk__in=keys).order_by()}
            return [rows[pk] for pk in keys if pk in rows]
        return super().__getitem__(k)

    def capped_count(self, cap: int) -> int:
        """min(count, cap + 1), for onegate.pagination.CappedCountPaginator. A common first name
        fills the cap from tier 0's range of the index alone. When the common words find less than a
        page, every word some name has is looked for (NameSearch.widen), here, before any page is
        read, so that the count and the pages agree."""
        if not self._searching():
            return self._count_found(self, cap)
        search, base = self._name_search, self._name_base
        search.widen(if_known=True)  # the rare words found for this text a moment ago
        # In the list's own order a common first name fills the cap from tier 0's range of the index
        # alone: the rest is counted only when it does not.
        starting = base.filter(search.starts()) if tuple(self.query.order_by) == RELEVANCE else None
        count = self._count_found(base.filter(search.matches()), cap, starting=starting)
        if count < WIDEN_BELOW and count <= cap and not search.widened:
            known = set(search.known_words)
            search.widen()
            if search.known_words != known:
                count = self._count_found(base.filter(search.matches()), cap)
        return count

    @staticmethod
    def _count_found(queryset: QuerySet, cap: int, starting: QuerySet | None = None) -> int:
        """min(count, cap + 1) of ``queryset``; cap + 1 at once when ``starting`` (a part of it, read
        in index order) has more than ``cap``."""

        def counted(rows: QuerySet) -> int:
            return QuerySet.__getitem__(rows.order_by().values("pk"), slice(None, cap + 1)).count()

        # Never a scan of the registry, or of an index in name order, working out every name's words
        # (PostgreSQL cannot estimate that cost, and a LIMIT tempts it: 4-10 s at five million people):
        # the start of the names from their index's ranges, the matches as a bitmap of those ranges
        # and of the GIN index of words.
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            if starting is not None and (count := counted(starting)) > cap:
                return count
            cursor.execute(
                "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true)"
            )
            return counted(queryset)


def people_named(queryset: QuerySet, typed: str, *, widen: bool = False) -> QuerySet:
    """The people of ``queryset`` whose name matches ``typed``, best first (see the module). Filter
    ``queryset`` before, not after: the pages are read from it. The rare words one letter off are
    looked for when a list's count finds less than a page, or before the people are read whole (an
    export); ``widen``: at once (a subquery)."""
    search = NameSearch(typed, using=queryset.db)
    search.widen(if_known=not widen)
    base = queryset.alias(name_key=name_key(), name_words=name_words())
    found = base.filter(NameMatch(search)).annotate(name_tier=search.tier()).order_by(*RELEVANCE)
    found = found._chain()
    found.__class__ = _name_search_class(type(queryset))
    found._name_search, found._name_base, found._name_where = search, base, len(found.query.where.children)
    return found


@functools.cache
def _name_search_class(queryset_class: type) -> type:
    if issubclass(queryset_class, NameSearchQuerySet):
        return queryset_class
    return type(f"NameSearch{queryset_class.__name__}", (NameSearchQuerySet, queryset_class), {})
