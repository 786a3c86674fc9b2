#!/usr/bin/env python3
"""expect_exit.py N COMMAND...: runs COMMAND (output passed through) and
succeeds only when it exits with status N."""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != want:
    sys.stderr.write("expect_exit: expected exit status %d, got %d\n" % (want, got))
    sys.exit(1)
