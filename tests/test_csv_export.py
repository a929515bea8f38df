"""The CSV export is safe to open in a spreadsheet: no cell runs as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import make_item, make_stage, tick

DANGEROUS = ['=HYPERLINK("http://evil.example")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("title", DANGEROUS)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, db, title):
    stage = make_stage(title=title)
    item = make_item(stage, title=title)
    tick(client, item.slug)
    body = client.get(reverse("guide:export-csv")).content.decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["stage_title"] == f"'{title}"
    assert row["item_title"] == f"'{title}"
    assert row["item"] == item.slug


def test_ordinary_cells_are_left_alone(client, db):
    stage = make_stage(title="Learn 3-D vision")
    item = make_item(stage, title="Use a+b = c")
    tick(client, item.slug)
    body = client.get(reverse("guide:export-csv")).content.decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["stage_title"] == "Learn 3-D vision"
    assert row["item_title"] == "Use a+b = c"
    assert row["stage"] == str(stage.number)
