"""Exit codes of the `carequality` command."""

from carequality.errors import EXIT_BAD_INPUT

#: Something failed that is not the user's input (a bug, a missing tool): one line, exit 1.
EXIT_FAILED = 1
#: The report was written but disagrees with itself (`carequality audit` found something): our defect, not the
#: user's input (docs/facts.md).
EXIT_AUDIT = 3
#: Exit code after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_TERMINATED = 143
#: Exit code when the reader of the output closed it early (128 + SIGPIPE's 13, as a shell reports it).
EXIT_BROKEN_PIPE = 141

__all__ = ["EXIT_AUDIT", "EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_FAILED", "EXIT_TERMINATED"]
