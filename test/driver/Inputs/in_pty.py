#!/usr/bin/env python3
"""in_pty.py COMMAND...: runs COMMAND with stdout and stderr on a
pseudo-terminal and prints what it wrote there (escape sequences shown as
<ESC>, carriage returns as <CR>), then exits with its status."""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
chunks = []
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    chunks.append(data)
_, status = os.waitpid(pid, 0)
text = b"".join(chunks).decode("utf-8", "replace")
sys.stdout.write(text.replace("\x1b", "<ESC>").replace("\r", "<CR>"))
sys.exit(os.waitstatus_to_exitcode(status))
