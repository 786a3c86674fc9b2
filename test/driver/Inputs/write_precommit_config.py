#!/usr/bin/env python3
"""write_precommit_config.py REPO HOOKS_REPO ARG...: writes
REPO/.pre-commit-config.yaml using the hook `leakguard` of the git
repository HOOKS_REPO (a local path: no network) at its current commit,
with `args: [ARG...]`."""
import json
import os
import subprocess
import sys

repo, hooks_repo, args = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
rev = subprocess.check_output(["git", "-C", hooks_repo, "rev-parse", "HEAD"],
                              text=True).strip()
with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as out:
    out.write("repos:\n")
    out.write("  - repo: %s\n" % json.dumps(hooks_repo))
    out.write("    rev: %s\n" % rev)
    out.write("    hooks:\n")
    out.write("      - id: leakguard\n")
    out.write("        args: %s\n" % json.dumps(args))
