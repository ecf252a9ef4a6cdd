"""Errors a user can act on. Each names the file, and where it can the row, column and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Exit code for bad input or bad params.
EXIT_BAD_INPUT = 2


@dataclass
class InputError(Exception):
    """Bad input: a file, optionally a row (1-based, as a spreadsheet shows it) and column, and what was expected."""

    file: str | Path | None
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class LocationTypesError(InputError):
    """A params setting (options.location_types) that matches no location of a CQC input: the loader raises it
    naming the input; the model re-raises it naming the params file and the setting (model.inputs)."""


class CombinedInputError(InputError):
    """Every problem found in the inputs, reported at once; its file, row, column and message are the first's."""

    #: The most problems the message lists; the rest are counted.
    SHOWN = 40

    def __init__(self, errors: list[InputError]):
        first = errors[0]
        super().__init__(first.file, first.message, first.row, first.column)
        self.errors = list(errors)

    def __reduce__(self):  # a batch worker sends it to the parent process
        return (CombinedInputError, (self.errors,))

    def __str__(self) -> str:
        lines = [f"  - {e}" for e in self.errors[: self.SHOWN]]
        if len(self.errors) > self.SHOWN:
            lines.append(f"  - and {len(self.errors) - self.SHOWN:,} more")
        return f"{len(self.errors):,} problems, all to fix before the report can run:\n" + "\n".join(lines)


class ParamsError(Exception):
    """Params that do not validate. The message lists every problem, one a line."""

    def __init__(self, file: str | Path, problems: list[str]):
        self.file = str(file)
        self.problems = problems
        super().__init__(self.file + ":\n" + "\n".join(f"  - {p}" for p in problems))
