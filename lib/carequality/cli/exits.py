"""Exit codes of the `carequality` command."""

from carequality.errors import EXIT_BAD_INPUT

#: Something failed that is not the user's input (a bug, a missing tool): one line, exit 1.
EXIT_FAILED = 1

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED"]
