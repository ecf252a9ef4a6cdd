"""Report sections: one module per measures module, each function a section named in the registry
(carequality.registry). A section takes (model, params) and returns a Section of sentences, tables and figures:
its numbers come from carequality.measures.<module>, its words from carequality.present."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from carequality import vocab
from carequality.facts import Fact, unmark
from carequality.measures.changes import category_label
from carequality.present.figures import Figure
from carequality.present.tables import Table
from carequality.present.text import join_words
from carequality.registry import BY_NAME
from carequality.vocab import INPUT_LABELS

if TYPE_CHECKING:
    import pandas as pd

    from carequality.model.build import Model
    from carequality.params import ReportParams


@dataclass
class Bullet:
    """One key message: its sentence, its status against the council's standard (green, amber, red or None), the
    section it summarises and the numbers it states (which a test checks against that section's tables)."""

    text: str
    status: str | None = None
    source: str = ""
    numbers: Mapping[str, object] = field(default_factory=dict)

    @property
    def plain(self) -> str:
        """The sentence as a reader sees it (its facts' marks removed: docs/facts.md)."""
        return unmark(self.text)


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    #: Bulleted messages shown after the paragraphs (the key messages).
    bullets: list[Bullet] = field(default_factory=list)
    #: Every fact the section states, in its sentences or its tables (docs/facts.md): the report gathers them into
    #: its FactBook, written as facts.json.
    facts: list[Fact] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        """The paragraphs as a reader sees them (their facts' marks removed: docs/facts.md)."""
        return [unmark(p) for p in self.paragraphs]

    def state(self, *facts: Fact) -> None:
        """Add facts the section states (a fact stated twice with one value is one fact)."""
        self.facts.extend(facts)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)


SectionFunction = Callable[["Model", "ReportParams"], Section]


#: The CQC inputs, in the order the source lines name them.
_CQC_INPUTS = ("cqc_ratings", "cqc_api", "cqc_snapshots")


def cqc_source(model: Model) -> str:
    """The CQC data a report reads, in plain words: "CQC's care directory with ratings", or the API, or both."""
    names = {i.name for i in model.inputs}
    return join_words([INPUT_LABELS[n] for n in _CQC_INPUTS if n in names]) or "CQC's data"


def community_not_covered(model: Model) -> str:
    """The sentence a section gives when CQC's data here hold care homes only, so its zeros are not read as facts."""
    return f"Community-based services are not covered: {model.coverage.community_missing_because}."


def location_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns that open every list of locations: name, CQC id, provider and the category's label."""
    return {
        "Location": frame["location_name"],
        "CQC location ID": frame["location_id"],
        "Provider": frame["provider_name"],
        "Category": frame["category"].map(category_label),
    }


def section_function(name: str) -> SectionFunction:
    """The function that builds the section `name`, found through the registry."""
    spec = BY_NAME[name]
    module = importlib.import_module(f"carequality.sections.{spec.module}")
    fn: SectionFunction = getattr(module, spec.name)
    return fn


#: After a rating the location inherited from its previous provider, in the rating's own cell.
INHERITED_MARK = " (inherited)"


def with_inherited(ratings: pd.Series, inherited: pd.Series) -> pd.Series:
    """Each rating, marked INHERITED_MARK where the location's ratings were inherited ("Good (inherited)"), so a
    table needs no column of its own for it; a blank stays blank."""
    marked = ratings.astype(object).map(lambda r: r if r is None or pd.isna(r) else f"{vocab.rating_label(r)}")
    return marked.where(~inherited.astype(bool) | marked.isna(), marked.astype(str) + INHERITED_MARK)
