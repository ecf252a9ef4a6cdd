"""Report sections: pure functions from (model, params) to a Section of sentences, tables and figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from carequality.present.tables import Table


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)
