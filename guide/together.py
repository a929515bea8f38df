"""The rows of several querysets, read in one query.

A page that shows rows of several kinds (the home page's sections, skills, salary bands
and stages; a filter form's choices; the rows a list of changes links to) reads them
together: one UNION ALL, each of whose rows says which queryset it belongs to, its place
in that queryset's order, and its fields as one JSON object, which becomes a model
instance again. What a queryset joins with `select_related` comes nested in its row's
object, and its annotations come with it; what it prefetches is prefetched after, as
iterating it would (a query per relation).
"""

from django.db.models import (
    F,
    IntegerField,
    Model,
    QuerySet,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import JSONObject, RowNumber


def read_together(*querysets: QuerySet) -> list[list[Model]]:
    """The rows of each queryset, in its order, as iterating it would give them.

    The rows' fields and annotations are numbers, text and booleans (as content rows'
    are), which JSON carries exactly. A queryset that is sliced or distinct is refused:
    its rows could not come back as it would give them.
    """
    parts = []
    for index, rows in enumerate(querysets):
        if rows.query.is_sliced or rows.query.distinct:
            raise ValueError(f"{rows.model.__name__} rows that are sliced or distinct")
        annotations = {name: F(name) for name in rows.query.annotation_select}
        parts.append(
            rows.order_by()
            .prefetch_related(None)
            .annotate(
                together_index=Value(index, IntegerField()),
                together_place=Window(RowNumber(), order_by=ordering(rows)),
                together_row=JSONObject(**fields_of(rows.model, related(rows)), **annotations),
            )
            .values_list("together_index", "together_place", "together_row")
        )
    if not parts:
        return []
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    found: list[list[Model]] = [[] for _ in querysets]
    for index, _, data in combined.order_by("together_index", "together_place"):
        rows = querysets[index]
        row = instance(rows.model, data, related(rows), db=rows.db)
        for name in rows.query.annotation_select:
            setattr(row, name, data[name])
        found[index].append(row)
    for rows, instances in zip(querysets, found, strict=True):
        prefetch_related_objects(instances, *rows._prefetch_related_lookups)
    return found


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


def fields_of(model: type[Model], tree: dict, prefix: str = "") -> dict:
    """The row's fields, and each joined row's as an object of its own."""
    fields = {
        field.attname: F(f"{prefix}{field.attname}") for field in model._meta.concrete_fields
    }
    for name, deeper in tree.items():
        target = model._meta.get_field(name).related_model
        fields[name] = JSONObject(**fields_of(target, deeper, f"{prefix}{name}__"))
    return fields


def instance(model: type[Model], data: dict, tree: dict, *, db: str) -> Model:
    """The row its object describes, with its joined rows kept as `select_related` keeps
    them (no query to reach them)."""
    fields = model._meta.concrete_fields
    row = model.from_db(
        db,
        [field.attname for field in fields],
        [field.to_python(data[field.attname]) for field in fields],
    )
    for name, deeper in tree.items():
        field = model._meta.get_field(name)
        joined = data[name]
        if joined[field.related_model._meta.pk.attname] is None:  # a null relation
            field.set_cached_value(row, None)
        else:
            field.set_cached_value(row, instance(field.related_model, joined, deeper, db=db))
    return row
