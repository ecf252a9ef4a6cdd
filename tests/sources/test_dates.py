import datetime as dt

import pandas as pd
import pytest

from carequality.errors import InputError
from carequality.sources.dates import parse_date_column


def parse(values):
    return parse_date_column(pd.Series(values, dtype=object), file="f.csv", column="Publication Date", first_row=2)


def test_us_dates_are_recognised_per_file():
    out, fmt = parse(["05/29/2026", "01/02/2026", ""])
    assert fmt == "MM/DD/YYYY"
    assert list(out[:2]) == [pd.Timestamp(2026, 5, 29), pd.Timestamp(2026, 1, 2)]
    assert pd.isna(out[2])


def test_uk_dates_are_recognised_per_file():
    out, fmt = parse(["29/05/2026", "01/02/2026"])
    assert fmt == "DD/MM/YYYY"
    # decided for the whole column: 01/02 is 1 February, not 2 January
    assert out[1] == pd.Timestamp(2026, 2, 1)


def test_iso_and_spreadsheet_dates():
    out, fmt = parse(["2026-05-29", dt.date(2025, 1, 3), dt.datetime(2024, 2, 1, 0, 0)])
    assert fmt == "spreadsheet dates and ISO"
    assert list(out) == [pd.Timestamp(2026, 5, 29), pd.Timestamp(2025, 1, 3), pd.Timestamp(2024, 2, 1)]


def test_ambiguous_file_fails_clearly():
    with pytest.raises(InputError) as e:
        parse(["01/02/2026", "03/04/2026"])
    assert "ambiguous" in str(e.value)
    assert e.value.column == "Publication Date"


def test_mixed_formats_fail_naming_the_row():
    with pytest.raises(InputError) as e:
        parse(["29/05/2026", "01/02/2026", "05/30/2026"])
    assert "mixed date formats" in str(e.value)
    assert e.value.row == 2  # 29/05/2026 is the first value only one format reads; row 2 is the first data row


def test_not_a_date():
    with pytest.raises(InputError) as e:
        parse(["29/05/2026", "soon"])
    assert "'soon' is not a date" in str(e.value)
    assert e.value.row == 3
