#!/usr/bin/env python3
"""Runs one leakguard check over a lit test file, the way clang-tidy's own
check_clang_tidy.py does, but through BOTH front ends (the clang-tidy
plugin and the standalone `leakguard` tool), and then compiles the fixed
file against the runtime library so that a fix-it that does not build
fails the test.

    check_leakguard.py [-check-suffix=S[,T]] [-std=c++17] <source> <check> <temp>
        [-- <clang-tidy args> [-- <compiler args>]]

In the source:
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: text [check]   every warning
  // CHECK-NOTES: ...        warnings and notes, when the notes matter
  // CHECK-FIXES: new text   the fixed file (FileCheck, strict whitespace)
A file without CHECK-MESSAGES / CHECK-NOTES must produce no warning; one
without CHECK-FIXES must be left unchanged by -fix.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys


def fail(message):
    sys.exit("check_leakguard.py: " + message)


def run(command, **kwargs):
    print("$ " + " ".join(shlex.quote(c) for c in command), flush=True)
    return subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kwargs)


def split_args(argv):
    """source check temp [-- tidy-args [-- compile-args]]"""
    if "--" in argv:
        i = argv.index("--")
        head, rest = argv[:i], argv[i + 1:]
    else:
        head, rest = argv, []
    if "--" in rest:
        j = rest.index("--")
        return head, rest[:j], rest[j + 1:]
    return head, rest, []


class FrontEnd:
    def __init__(self, name, command):
        self.name = name
        self.command = command


def prefixes(suffixes, base):
    if not suffixes:
        return [base]
    # An empty suffix (-check-suffixes=,STRICT) keeps the plain prefix.
    return [base + "-" + s if s else base for s in suffixes]


def has_prefix(text, names):
    return any(re.search(r"^\s*//\s*" + re.escape(n) + r"[:-]", text, re.M)
               for n in names)


DIAG_LINE = re.compile(r"^(.*?):(\d+):(\d+): (warning|error|note): (.*)$")


def diagnostics(output, path):
    """The diagnostic lines of a run, with the file name made neutral so
    that the two front ends can be compared."""
    lines = []
    for line in output.splitlines():
        m = DIAG_LINE.match(line)
        if m:
            file = "<input>" if os.path.abspath(m.group(1)) == path else m.group(1)
            lines.append("%s:%s:%s: %s: %s" % (file, m.group(2), m.group(3),
                                               m.group(4), m.group(5)))
    return lines


def main():
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--leakguard", required=True)
    parser.add_argument("--clangxx", required=True)
    parser.add_argument("--filecheck", required=True)
    parser.add_argument("--runtime-include", required=True)
    parser.add_argument("-check-suffix", "-check-suffixes", default="")
    parser.add_argument("-std", default="c++17")
    known, remaining = parser.parse_known_args()
    head, tidy_args, compile_args = split_args(remaining)
    if len(head) != 3:
        fail("expected <source> <check-name> <temp-prefix>, got %r" % head)
    source, check, temp = head
    suffixes = known.check_suffix.split(",") if known.check_suffix else []

    with open(source, encoding="utf-8") as f:
        original = f.read()
    message_prefixes = prefixes(suffixes, "CHECK-MESSAGES")
    note_prefixes = prefixes(suffixes, "CHECK-NOTES")
    fix_prefixes = prefixes(suffixes, "CHECK-FIXES")
    expects_messages = has_prefix(original, message_prefixes)
    expects_notes = has_prefix(original, note_prefixes)
    expects_fixes = has_prefix(original, fix_prefixes)
    if expects_messages and expects_notes:
        fail("use CHECK-MESSAGES or CHECK-NOTES, not both")

    # CHECK lines would otherwise match themselves in the fixed file.
    cleaned = re.sub(r"//\s*CHECK-[A-Z0-9-]*:[^\r\n]*", "//", original)
    extension = os.path.splitext(source)[1] or ".cpp"
    if not any(a.startswith("-std=") for a in compile_args):
        compile_args = ["-std=" + known.std] + compile_args
    compile_args = ["-I" + os.path.dirname(os.path.abspath(source))] + compile_args

    front_ends = [
        FrontEnd("plugin", [known.clang_tidy, "--load=" + known.plugin]),
        FrontEnd("standalone", [known.leakguard]),
    ]
    results = {}
    for front_end in front_ends:
        work = "%s.%s%s" % (temp, front_end.name, extension)
        os.makedirs(os.path.dirname(os.path.abspath(work)), exist_ok=True)
        with open(work, "w", encoding="utf-8") as f:
            f.write(cleaned)
        command = front_end.command + [
            work, "-fix", "--checks=-*," + check] + tidy_args + [
            "--"] + compile_args
        proc = run(command)
        print(proc.stdout)
        if proc.returncode != 0:
            fail("%s front end exited with %d" % (front_end.name, proc.returncode))
        work_abs = os.path.abspath(work)
        diags = diagnostics(proc.stdout, work_abs)
        if any(": error: " in d for d in diags):
            fail("%s front end reported errors" % front_end.name)
        with open(work, encoding="utf-8") as f:
            fixed = f.read()
        results[front_end.name] = (diags, fixed, work)

        messages_file = work + ".msg"
        with open(messages_file, "w", encoding="utf-8") as f:
            keep = ("warning", "error", "note") if expects_notes else ("warning", "error")
            f.write("\n".join(re.sub(r"^<input>", work_abs, d)
                              for d in diags if d.split(": ")[1] in keep) + "\n")
        if expects_messages or expects_notes:
            names = note_prefixes if expects_notes else message_prefixes
            implicit = "{{note|warning|error}}:" if expects_notes else "{{warning|error}}:"
            check_proc = run([known.filecheck, "-input-file=" + messages_file,
                              source, "-check-prefixes=" + ",".join(names),
                              "-implicit-check-not=" + implicit])
            if check_proc.returncode != 0:
                print(check_proc.stdout)
                fail("%s: messages do not match" % front_end.name)
        elif any(": warning: " in d for d in diags):
            fail("%s: no CHECK-MESSAGES in the test, yet warnings were reported"
                 % front_end.name)

        if expects_fixes:
            check_proc = run([known.filecheck, "-input-file=" + work, source,
                              "-check-prefixes=" + ",".join(fix_prefixes),
                              "-strict-whitespace"])
            if check_proc.returncode != 0:
                print(check_proc.stdout)
                fail("%s: fixes do not match" % front_end.name)
        elif fixed != cleaned:
            fail("%s: no CHECK-FIXES in the test, yet -fix changed the file"
                 % front_end.name)

    plugin, standalone = results["plugin"], results["standalone"]
    if plugin[0] != standalone[0]:
        fail("the plugin and the standalone tool disagree:\n  plugin:     %s\n"
             "  standalone: %s" % ("\n              ".join(plugin[0]),
                                   "\n              ".join(standalone[0])))
    if plugin[1] != standalone[1]:
        fail("the plugin and the standalone tool fixed the file differently")

    # A fix that does not build is a bug.
    compile_proc = run([known.clangxx, "-fsyntax-only",
                        "-I" + known.runtime_include] + compile_args +
                       [plugin[2]])
    if compile_proc.returncode != 0:
        print(compile_proc.stdout)
        fail("the fixed file does not compile")
    print("check_leakguard.py: OK (%d diagnostics, %s)" %
          (len(plugin[0]), "fixed" if expects_fixes else "unchanged"))


if __name__ == "__main__":
    main()
