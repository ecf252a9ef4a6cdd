import pytest

from carequality import vocab


@pytest.mark.parametrize(
    "word, expected",
    [
        ("Good", "Good"),
        ("  requires  Improvement ", "Requires improvement"),
        ("Not Rated", "Not Rated"),
        ("not yet rated", "Not Rated"),
        ("Insufficient evidence to rate", "Insufficient evidence to rate"),
        ("Regulations met", "Regulations met"),
        ("Inspected but not rated", "Inspected but not rated"),
        ("No published rating", "No published rating"),
        ("Not applicable", "Not applicable"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_rating(word, expected):
    assert vocab.normalise_rating(word) == expected


def test_unknown_rating_word_names_the_word_and_the_vocabulary():
    with pytest.raises(vocab.UnknownWordError) as e:
        vocab.normalise_rating("Excellent")
    assert "'Excellent' is not a CQC rating" in str(e.value)
    assert "Requires improvement" in str(e.value)


def test_ratings_are_ordered_best_first_and_graded_first():
    assert vocab.RATINGS[:4] == ("Outstanding", "Good", "Requires improvement", "Inadequate")
    assert vocab.RATING_DTYPE.ordered
    assert list(vocab.RATING_DTYPE.categories) == list(vocab.RATINGS)


def test_every_rating_has_one_colour():
    assert set(vocab.PALETTE) == set(vocab.RATINGS)
    assert len(set(vocab.PALETTE.values())) == len(vocab.RATINGS)


@pytest.mark.parametrize("word, expected", [("Safe", "Safe"), ("well-led", "Well-led"), ("Well led", "Well-led"), ("OVERALL", "Overall")])
def test_normalise_domain(word, expected):
    assert vocab.normalise_domain(word) == expected


def test_unknown_domain():
    with pytest.raises(vocab.UnknownWordError, match="not a key question"):
        vocab.normalise_domain("Kind")


def test_every_rating_word_cqc_publishes_is_known(shared_data):
    """Every word in the real Lincolnshire monthly file and every rating value API_STRUCTURE.md lists as observed in
    the API is in the vocabulary, except the pre-2014 compliance outcomes, which are not ratings (the loaders list
    them under data quality)."""
    import csv
    import re

    from conftest import LINCOLNSHIRE_CSV

    with open(LINCOLNSHIRE_CSV, encoding="utf-8") as f:
        monthly = {r["Latest Rating"] for r in csv.DictReader(f)}
    text = (shared_data / "cqc" / "API_STRUCTURE.md").read_text(encoding="utf-8")
    observed = text[text.index("Rating values observed"):text.index("The list endpoint")]
    api = set(re.findall(r"`([^`]+)`", observed))
    compliance = {"No action", "Compliance action"}
    assert compliance <= api and {"Regulations met", "Insufficient evidence to rate"} <= api
    for word in sorted((monthly | api) - compliance):
        assert vocab.normalise_rating(word) in vocab.RATINGS, word
    for word in sorted(compliance):
        with pytest.raises(vocab.UnknownWordError):
            vocab.normalise_rating(word)


def test_the_single_assessment_frameworks_capitalised_spelling():
    assert vocab.normalise_rating("Requires Improvement") == "Requires improvement"


def test_cqcs_abbreviations_in_specialisms_are_spelt_out():
    assert vocab.specialism_label("Caring for adults over 65 yrs") == "Caring for adults over 65 years"
    assert vocab.specialism_label("Caring for adults under 65 yrs") == "Caring for adults under 65 years"
    assert vocab.specialism_label("Dementia") == "Dementia" and vocab.specialism_label(None) is None
