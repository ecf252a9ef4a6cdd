"""The example council's commentary file (data/example/commentary_example.md): the council's own words in the
format of docs/commentary.md, so that the example report shows where each block goes."""

from __future__ import annotations

from pathlib import Path

COMMENTARY = """---
committee: Health and Adult Social Care Policy and Scrutiny Committee
meeting_date: 2026-06-16
agenda_item: "7"
report_of: Director of Adult Social Care and Integration
lead_officer: Head of Commissioning (Adults)
contact: "Quality Assurance Manager, Adult Social Care, 01904 551550, qualityassurance@york.example"
cabinet_member: Executive Member for Health and Adult Social Care
wards_affected: All wards
key_decision: "No"
public_or_exempt: Public, with an exempt appendix
exempt_reason: >-
  The appendix is exempt under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972
  (information relating to the financial or business affairs of any particular person, including the authority
  holding that information). The public interest in keeping it exempt outweighs the public interest in disclosing
  it while improvement plans are under way.
---
<!-- The example council's commentary (generated example data: it describes no real council or service).
     The format is in docs/commentary.md; a blank template with every block is templates/commentary.md. -->

## purpose
To give the committee an annual overview of the quality of adult social care services in York, as CQC rates them,
and of the council's quality assurance work with the providers it commissions.

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

## financial_implications
There are no direct financial implications. Quality assurance work is met from the existing commissioning budget.

## legal_implications
The council has duties under the Care Act 2014 to promote a diverse, high-quality market of care and support.
This report is for information and asks for no decision.

## equalities_implications
The services in this report support older and disabled people. No decision is sought, so no equality impact
assessment is needed.

## risk_implications
Services at high risk are managed through the council's provider concerns process.

## next_steps
- Extend the provider watch list to placement teams in neighbouring councils by September 2026.
- Review the risk levels with health partners by December 2026.
"""


def write_commentary_example(out: Path) -> Path:
    """Write commentary_example.md into `out`."""
    path = Path(out) / "commentary_example.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTARY, encoding="utf-8", newline="\n")
    return path
