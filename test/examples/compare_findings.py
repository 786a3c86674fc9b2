#!/usr/bin/env python3
"""Compares leakguard's warnings with an expected-findings file.

usage: compare_findings.py --expected FILE --root DIR --checks LIST OUTPUT

OUTPUT is what leakguard printed (stdout and stderr). LIST is the output of
`leakguard --list-checks`: expected findings of checks the tool does not
have are skipped (reported as such). A finding matches an expected line when
check, file (relative to --root) and line are equal and <name> appears in
one of the message's quoted names. Exit 1 on any missing or extra finding,
on a compile error, and on a stale known-miss / known-extra marker.
"""

import argparse
import os
import re
import sys

WARNING = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): warning: (?P<message>.*) \[(?P<check>[\w.,-]+)\]$")
ERROR = re.compile(r"^[^:\s][^:]*:\d+:\d+: (fatal )?error: ")


def read_expected(path):
    entries = []
    for number, raw in enumerate(open(path), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.split()
        marker = None
        if fields[0] in ("known-miss", "known-extra"):
            marker = fields.pop(0)
        if len(fields) != 3 or ":" not in fields[1]:
            sys.exit("%s:%d: expected '<check> <file>:<line> <name>'" % (path, number))
        file_name, line = fields[1].rsplit(":", 1)
        entries.append({"check": fields[0], "file": file_name, "line": int(line), "name": fields[2],
                        "marker": marker, "where": "%s:%d" % (os.path.basename(path), number)})
    return entries


def read_findings(path, root):
    findings, errors = [], []
    seen = set()
    for raw in open(path, errors="replace"):
        raw = raw.rstrip("\n")
        if ERROR.match(raw):
            errors.append(raw)
        match = WARNING.match(raw)
        if not match:
            continue
        file_name = os.path.relpath(os.path.realpath(match["file"]), os.path.realpath(root))
        for check in match["check"].split(","):
            key = (check, file_name, int(match["line"]), match["message"])
            if key in seen:  # the same header warning from two translation units
                continue
            seen.add(key)
            findings.append({"check": check, "file": file_name, "line": int(match["line"]),
                             "message": match["message"], "names": re.findall(r"'([^']*)'", match["message"])})
    return findings, errors


def matches(entry, finding):
    return (entry["check"] == finding["check"] and entry["file"] == finding["file"] and
            entry["line"] == finding["line"] and any(entry["name"] in name for name in finding["names"]))


def describe(entry):
    return "%s %s:%d %s" % (entry["check"], entry["file"], entry["line"], entry["name"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expected", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--checks", required=True)
    parser.add_argument("output")
    args = parser.parse_args()

    available = set(re.findall(r"^\s+(leak-[\w-]+)\s*$", open(args.checks).read(), re.M))
    expected = read_expected(args.expected)
    findings, errors = read_findings(args.output, args.root)
    problems = []
    for error in errors:
        problems.append("compile error: " + error)

    unmatched = list(findings)
    for entry in expected:
        if entry["check"] not in available:
            print("skipped (check not built): " + describe(entry))
            continue
        found = [f for f in unmatched if matches(entry, f)]
        for finding in found:
            unmatched.remove(finding)
        if entry["marker"] == "known-miss":
            if found:
                problems.append("known-miss is now reported, drop the marker (%s): %s" % (entry["where"], describe(entry)))
            else:
                print("known miss (check bug): " + describe(entry))
        elif entry["marker"] == "known-extra":
            if found:
                print("known false positive: " + describe(entry))
            else:
                problems.append("known-extra is gone, delete the line (%s): %s" % (entry["where"], describe(entry)))
        elif found:
            print("found: " + describe(entry))
        else:
            problems.append("missing: " + describe(entry))
    for finding in unmatched:
        problems.append("extra: %s %s:%d: %s" % (finding["check"], finding["file"], finding["line"], finding["message"]))

    for problem in problems:
        print("FAIL " + problem)
    print("%d finding(s), %d problem(s)" % (len(findings), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
