"""Exit codes of the `carequality` command."""

from carequality.errors import EXIT_BAD_INPUT

#: Something failed that is not the user's input (a bug, a missing tool): one line, exit 1.
EXIT_FAILED = 1
#: Exit code after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_TERMINATED = 143
#: Exit code when the reader of the output closed it early (128 + SIGPIPE's 13, as a shell reports it).
EXIT_BROKEN_PIPE = 141

__all__ = ["EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_FAILED", "EXIT_TERMINATED"]
