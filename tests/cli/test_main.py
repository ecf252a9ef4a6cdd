"""The `carequality` command's own behaviour, whatever the subcommand."""

from __future__ import annotations

import os
import subprocess
import sys

from carequality.cli.exits import EXIT_BROKEN_PIPE

RUN = [sys.executable, "-c", "import sys; from carequality.cli import main; sys.exit(main())"]


def test_a_reader_that_has_gone_gets_no_traceback():
    """`carequality councils --all | head -1`, with head gone before the command writes: the pipe is closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([*RUN, "councils", "--all"], stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    err = proc.stderr.decode()
    assert "Traceback" not in err and "unexpected error" not in err and "Exception ignored" not in err
    assert proc.returncode == EXIT_BROKEN_PIPE


def test_the_same_command_into_a_reader_that_stays_writes_everything():
    proc = subprocess.run([*RUN, "councils", "--all"], capture_output=True, timeout=120)
    assert proc.returncode == 0 and len(proc.stdout.decode().splitlines()) >= 153
