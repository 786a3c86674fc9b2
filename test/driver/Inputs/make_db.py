#!/usr/bin/env python3
"""Writes a compile_commands.json for a test fixture.

    make_db.py DIR [-o NAME] [--command] FILE... [-- EXTRA-FLAGS...]

Each FILE (relative to DIR) gets `clang++ -std=c++17 -c FILE -o FILE.o`
plus EXTRA-FLAGS, with "directory" DIR; --command writes the "command"
string form instead of "arguments".
"""
import json
import os
import shlex
import sys


def main(argv):
    directory, rest = os.path.abspath(argv[0]), argv[1:]
    extra = []
    if "--" in rest:
        extra = rest[rest.index("--") + 1:]
        rest = rest[:rest.index("--")]
    name, as_command, files = "compile_commands.json", False, []
    i = 0
    while i < len(rest):
        if rest[i] == "-o":
            name = rest[i + 1]
            i += 2
            continue
        if rest[i] == "--command":
            as_command = True
        else:
            files.append(rest[i])
        i += 1
    entries = []
    for f in files:
        args = ["clang++", "-std=c++17"] + extra + ["-c", f, "-o", f + ".o"]
        entry = {"directory": directory, "file": f}
        if as_command:
            entry["command"] = " ".join(shlex.quote(a) for a in args)
        else:
            entry["arguments"] = args
        entries.append(entry)
    with open(os.path.join(directory, name), "w") as out:
        json.dump(entries, out, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
