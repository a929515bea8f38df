"""The rows of several querysets, and figures about rows, read in one query.

A page that shows rows of several kinds (the home page's sections, skills, salary bands
and stages; a filter form's choices and the section that carries the page's text) reads
them together: one UNION ALL, each of whose rows says which part it belongs to, its place
in that part's order, and its fields as one JSON object, which becomes a model instance
again. What a queryset joins with `select_related` (a `FilteredRelation` too) comes nested
in its row's object, and its annotations come with it. What it prefetches through one
relation, one-to-many (a stage's items, and their resources) or many-to-many (a skill's
stages), is read in the same query, its rows limited to the parent rows by a subquery;
any other prefetch is made after, as iterating the queryset would (a query per
relation).

A part may also be a figure: how many rows a queryset has (`Count`), or the greatest value
of a field among the rows of some querysets (`Most`, e.g. when what a page shows last
changed). `Reads` collects the parts a request will need and reads them all when the
first is needed.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import OperationalError
from django.db.models import (
    F,
    ForeignKey,
    Func,
    IntegerField,
    ManyToManyField,
    ManyToOneRel,
    Model,
    Prefetch,
    QuerySet,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone

type Part = QuerySet | Count | Most


@dataclass(frozen=True)
class Count:
    """How many rows `rows` has."""

    rows: QuerySet

    def queries(self, index: int) -> list[QuerySet]:
        return [
            figure(self.rows, index, 0, Func(template="COUNT(*)", output_field=IntegerField()))
        ]

    def result(self, values: list) -> int:
        return values[0] if values else 0  # rows that are `none()` ask for nothing


@dataclass(frozen=True)
class Most:
    """The greatest value of `field` (of the same type in each) among the rows of
    `querysets` (None: no row)."""

    field: str
    querysets: tuple[QuerySet, ...]

    def queries(self, index: int) -> list[QuerySet]:
        return [
            figure(rows, index, place, Func(F(self.field), function="MAX"))
            for place, rows in enumerate(self.querysets)
        ]

    def result(self, values: list):
        if not self.querysets:
            return None
        kind = self.querysets[0].model._meta.get_field(self.field)
        return max((as_python(kind, value) for value in values if value is not None), default=None)


def figure(rows: QuerySet, index: int, place: int, expression) -> QuerySet:
    """A query that gives one row: `expression`, an aggregate over `rows` (no GROUP BY)."""
    return (
        rows.order_by()
        .prefetch_related(None)
        .annotate(
            together_index=Value(index, IntegerField()),
            together_place=Value(place, IntegerField()),
            together_row=JSONObject(value=expression),
        )
        .values_list("together_index", "together_place", "together_row")
    )


def as_python(field, value):
    """A value JSON carried: a date and time comes as text, in UTC where it has no offset."""
    value = field.to_python(value)
    if isinstance(value, datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


@dataclass
class Node:
    """A queryset to read; the prefetches read with it (each with the queryset it
    prefetches); those made after it."""

    rows: QuerySet
    index: int = 0
    children: list[tuple["Link", QuerySet | None, "Node"]] = field(default_factory=list)
    after: list = field(default_factory=list)


def read_together(*parts: Part) -> list:
    """What each part gives: a queryset's rows in its order, as iterating it would give
    them (with what it prefetches); a figure's value.

    The rows' fields are numbers, text, booleans and dates (as content rows' and
    learners' are), which JSON carries exactly; so are their annotations, which come as
    JSON gives them. A queryset that is sliced or distinct is refused:
    its rows could not come back as it would give them.
    """
    readers: list[Node | Count | Most] = []
    roots = [
        plan(part, readers) if isinstance(part, QuerySet) else add(part, readers) for part in parts
    ]
    queries = [
        query
        for index, reader in enumerate(readers)
        for query in (
            [rows_query(reader.rows, index)] if isinstance(reader, Node) else reader.queries(index)
        )
    ]
    found: list[list] = [[] for _ in readers]
    if queries:
        first, *rest = queries
        combined = first.union(*rest, all=True) if rest else first
        for index, _, data in combined.order_by("together_index", "together_place"):
            reader = readers[index]
            found[index].append(
                instance_of(reader.rows, data) if isinstance(reader, Node) else data["value"]
            )
    nodes = [reader for reader in readers if isinstance(reader, Node)]
    for node in nodes:
        attach(node, found)
    for node in nodes:
        prefetch_related_objects(found[node.index], *node.after)
    return [
        found[index] if isinstance(readers[index], Node) else readers[index].result(found[index])
        for index in roots
    ]


def add(reader, readers: list) -> int:
    readers.append(reader)
    return len(readers) - 1


def plan(rows: QuerySet, readers: list) -> int:
    """Add `rows` and the prefetches it makes through one relation to what is read; its
    index."""
    if not whole(rows):
        raise ValueError(f"{rows.model.__name__} rows that are sliced or distinct")
    node = Node(rows.prefetch_related(None))
    node.index = add(node, readers)
    for lookup in rows._prefetch_related_lookups:
        link = link_of(rows.model, lookup)
        prefetched = lookup.queryset if isinstance(lookup, Prefetch) else None
        if link is None or (prefetched is not None and not whole(prefetched)):
            node.after.append(lookup)
            continue
        children = prefetched if prefetched is not None else link.model._default_manager.all()
        child = plan(link.children(children, node.rows.order_by()), readers)
        node.children.append((link, prefetched, readers[child]))
    return node.index


def whole(rows: QuerySet) -> bool:
    """Whether the rows can come back as the queryset would give them: not sliced, not
    distinct."""
    return not (rows.query.is_sliced or rows.query.distinct)


@dataclass(frozen=True)
class Link:
    """How the rows a prefetch reads are matched to their parents: the child's attribute
    that names its parent (`child_key`), the parent's that it names (`parent_key`)."""

    model: type[Model]  # the child rows'
    accessor: str  # the parent's related manager
    child_key: str
    parent_key: str
    relation: str  # from the child rows to their parents (many-to-many: annotated)
    foreign_key: ForeignKey | None = None  # one-to-many: the child's, set to the parent

    def children(self, rows: QuerySet, parents: QuerySet) -> QuerySet:
        """`rows` limited to those of `parents` (a subquery)."""
        if self.foreign_key is not None:
            return rows.filter(**{f"{self.relation}__in": parents.values(self.parent_key)})
        # A row for each pair (a child with two parents comes twice, as Django's does).
        rows = rows.annotate(**{self.child_key: F(f"{self.relation}__pk")})
        return rows.filter(**{f"{self.child_key}__in": parents.values("pk")})


def link_of(model: type[Model], lookup) -> Link | None:
    """How a prefetch's rows come with their parents', where it follows one relation
    (one-to-many, or many-to-many declared on `model`) and keeps them under its name;
    None for any other prefetch."""
    name = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
    if "__" in name or (isinstance(lookup, Prefetch) and lookup.to_attr):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(field, ManyToOneRel) and field.one_to_many:
        return Link(
            model=field.related_model,
            accessor=field.get_accessor_name(),
            child_key=field.field.attname,
            parent_key=field.get_related_field().attname,
            relation=field.field.name,
            foreign_key=field.field,
        )
    if isinstance(field, ManyToManyField):
        return Link(
            model=field.related_model,
            accessor=field.name,
            child_key="together_parent",
            parent_key=model._meta.pk.attname,
            relation=field.related_query_name(),
        )
    return None


def attach(node: Node, found: list[list]) -> None:
    """Give each parent row its children as `prefetch_related` does: the related manager
    answers from them, and a one-to-many child knows its parent."""
    for link, prefetched, child in node.children:
        by_parent = defaultdict(list)
        for row in found[child.index]:
            by_parent[getattr(row, link.child_key)].append(row)
        for parent in found[node.index]:
            rows = by_parent.get(getattr(parent, link.parent_key), [])
            if link.foreign_key is not None:
                for row in rows:
                    link.foreign_key.set_cached_value(row, parent)
            manager = getattr(parent, link.accessor)
            if prefetched is not None:
                related = manager._apply_rel_filters(prefetched._chain())
            else:
                related = manager.get_queryset()
            related._result_cache = rows
            related._prefetch_done = True
            parent.__dict__.setdefault("_prefetched_objects_cache", {})[link.accessor] = related


def rows_query(rows: QuerySet, index: int) -> QuerySet:
    """`rows` as the UNION's part: its index, each row's place in its order, its object."""
    annotations = {name: F(name) for name in rows.query.annotation_select}
    fields = fields_of(rows.model, related(rows), filtered(rows))
    return (
        rows.order_by()
        .annotate(
            together_index=Value(index, IntegerField()),
            together_place=Window(RowNumber(), order_by=ordering(rows)),
            together_row=JSONObject(**fields, **annotations),
        )
        .values_list("together_index", "together_place", "together_row")
    )


def instance_of(rows: QuerySet, data: dict) -> Model:
    row = instance(rows.model, data, related(rows), filtered(rows), db=rows.db)
    for name in rows.query.annotation_select:
        setattr(row, name, data[name])
    return row


def ordering(rows: QuerySet) -> list:
    """The queryset's order: its own, else its model's, else by primary key."""
    if rows.query.order_by:
        return list(rows.query.order_by)
    if rows.query.default_ordering and rows.model._meta.ordering:
        return list(rows.model._meta.ordering)
    return ["pk"]


def related(rows: QuerySet) -> dict:
    """The relations the queryset joins with `select_related`, as a tree of names."""
    return rows.query.select_related or {}


def filtered(rows: QuerySet) -> dict[str, str]:
    """The queryset's `FilteredRelation`s: the relation each name follows."""
    return {name: rel.relation_name for name, rel in rows.query._filtered_relations.items()}


def target(model: type[Model], name: str, relations: dict[str, str]) -> type[Model]:
    return model._meta.get_field(relations.get(name, name)).related_model


def fields_of(model: type[Model], tree: dict, relations: dict, prefix: str = "") -> dict:
    """The row's fields, and each joined row's as an object of its own."""
    fields = {
        field.attname: F(f"{prefix}{field.attname}") for field in model._meta.concrete_fields
    }
    for name, deeper in tree.items():
        fields[name] = JSONObject(
            **fields_of(target(model, name, relations), deeper, {}, f"{prefix}{name}__")
        )
    return fields


def instance(model: type[Model], data: dict, tree: dict, relations: dict, *, db: str) -> Model:
    """The row its object describes, with its joined rows kept as `select_related` keeps
    them (no query to reach them; a `FilteredRelation`'s as an attribute)."""
    fields = model._meta.concrete_fields
    row = model.from_db(
        db,
        [field.attname for field in fields],
        [as_python(field, data[field.attname]) for field in fields],
    )
    for name, deeper in tree.items():
        joined_model = target(model, name, relations)
        joined = data[name]
        if joined[joined_model._meta.pk.attname] is None:  # a null relation
            joined = None
        else:
            joined = instance(joined_model, joined, deeper, {}, db=db)
        if name in relations:
            setattr(row, name, joined)
        else:
            model._meta.get_field(name).set_cached_value(row, joined)
    return row


def first(rows: list) -> Model | None:
    """The first of the rows a part gave (None: there is none)."""
    return rows[0] if rows else None


class Reads:
    """The parts a request will need, read together when the first is needed: `later`
    adds a part and gives what answers it."""

    def __init__(self):
        self.parts: list[Part] = []
        self.found: dict[int, object] = {}

    def later(self, part: Part) -> Callable[[], object]:
        self.parts.append(part)
        index = len(self.parts) - 1
        return lambda: self.get(index)

    def one(self, rows: QuerySet) -> Callable[[], Model | None]:
        """Like `later`, for the first row of `rows` (None: there is none)."""
        read = self.later(rows)
        return lambda: first(read())

    def get(self, index: int):
        if index not in self.found:
            waiting = [number for number in range(len(self.parts)) if number not in self.found]
            answers = read_together(*(self.parts[number] for number in waiting))
            self.found.update(zip(waiting, answers, strict=True))
        return self.found[index]


def know_json_functions(sender, connection, **kwargs) -> None:
    """On a new SQLite connection, find out whether it has JSON functions as soon as it
    opens, with a plain read. Django asks inside a transaction the first time they are
    needed, and a transaction here takes the write lock (`transaction_mode`), so a page
    would wait behind any writer only to ask."""
    if connection.vendor != "sqlite" or "supports_json_field" in connection.features.__dict__:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT JSON('{}')")
    except OperationalError:
        connection.features.supports_json_field = False
    else:
        connection.features.supports_json_field = True
