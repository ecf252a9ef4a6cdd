"""The example council's commentary file (data/example/commentary_example.md): the council's own words in the
format of docs/commentary.md, so that the example report shows where each block goes."""

from __future__ import annotations

from pathlib import Path

COMMENTARY = """<!-- The example council's commentary (generated example data: it describes no real council or service).
     The format is in docs/commentary.md; a blank template with every block is templates/commentary.md. -->

## introduction
This report gives the scrutiny panel an overview of the quality of adult social care services in York and of
the council's quality assurance work in the year. Rising costs and recruitment continue to press on providers;
the council works with them through monthly provider forums and its quality assurance team.

## commissioned_by_rating
The council does not place people with services that are not yet rated unless a person chooses one. Before any
placement the quality assurance team checks the service; when a rating falls below **Good**, it makes welfare
checks on everyone the council funds there.

## high_risk_in_area
Each high-risk service has an improvement plan agreed with the provider, reviewed at the provider concerns
meeting every month.

## qa_activity
Welfare checks follow every rating that falls below Good.

## recommendations
The panel is asked to:

1. note the quality of adult social care services in York and the council's quality assurance work;
2. comment on the approach to services at high risk.

## next_steps
- Extend the provider watch list to placement teams in neighbouring councils by September.
- Review the risk levels with health partners by December.
"""


def write_commentary_example(out: Path) -> Path:
    """Write commentary_example.md into `out`."""
    path = Path(out) / "commentary_example.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTARY, encoding="utf-8", newline="\n")
    return path
