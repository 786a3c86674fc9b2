#!/usr/bin/env python3
"""A stand-in for the leakguard worker that appends its arguments to
$LEAKGUARD_LOG (one line per process) and then runs $REAL_LEAKGUARD."""
import os
import sys

with open(os.environ["LEAKGUARD_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\n")
real = os.environ["REAL_LEAKGUARD"]
os.execv(real, [real] + sys.argv[1:])
