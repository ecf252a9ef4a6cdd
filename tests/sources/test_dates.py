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
    # 05/30/2026 (row 4) is the value out of step with the DD/MM/YYYY dates before it; row 2 is named as the example
    assert e.value.row == 4
    assert "'05/30/2026' is only valid as MM/DD/YYYY but '29/05/2026' on row 2 is only valid as DD/MM/YYYY" in str(e.value)


def test_the_mixed_date_named_is_the_late_one_not_the_first_row():
    with pytest.raises(InputError) as e:
        parse(["25/03/2025", "26/03/2025", "27/03/2025", "03/28/2025"])
    assert e.value.row == 5


def test_a_date_valid_in_no_format_is_not_a_date():
    with pytest.raises(InputError) as e:
        parse(["01/02/2026", "32/13/2025"])
    assert "'32/13/2025' is not a date" in str(e.value) and "only valid" not in str(e.value)
    assert e.value.row == 3


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "25/01/1850", dt.date(1, 1, 1), dt.datetime(2500, 1, 1)])
def test_a_date_outside_what_a_report_can_use_is_named(value):
    with pytest.raises(InputError) as e:
        parse(["2025-01-01", value] if isinstance(value, str) and "-" in value else [value])
    assert "outside the dates a report can use" in str(e.value)
    assert e.value.column == "Publication Date"


def test_not_a_date():
    with pytest.raises(InputError) as e:
        parse(["29/05/2026", "soon"])
    assert "'soon' is not a date" in str(e.value)
    assert e.value.row == 3
