#!/usr/bin/env python3
"""check_shards.py FULL.json SHARD.json...: every finding of the full run
is in exactly one shard, and the shards have nothing else."""
import json
import sys


def paths(p):
    return [f["path"] for f in json.load(open(p))["findings"]]


full = sorted(paths(sys.argv[1]))
shards = [paths(p) for p in sys.argv[2:]]
found = sorted(x for s in shards for x in s)
if found != full:
    sys.exit("shards %r do not partition %r" % (shards, full))
print("%d findings, each in exactly one of %d shards" % (len(full), len(shards)))
