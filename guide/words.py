"""The words of a free-text query, and the filter that finds rows holding all of them."""

import operator
import re
from functools import reduce

from django.db.models import Q


def words_of(text: str) -> list[str]:
    """The distinct words of a query, lower-cased, in order."""
    return list(dict.fromkeys(re.findall(r"\w+", text.lower())))


def words_q(text: str, fields: list[str]) -> Q:
    """Rows where every word of `text` appears, case-insensitively, in one of `fields`."""
    return reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))
            for word in words_of(text)
        ),
        Q(),
    )
