#!/usr/bin/env python3
"""Checks a SARIF file against the SARIF 2.1.0 rules that code-scanning
uploads (GitHub) enforce, using only the Python standard library.

    validate_sarif.py FILE...

Prints one line per problem ("FILE: $.runs[0].results[3].locations: ...")
and exits 1 if there is any; otherwise prints a one-line summary and exits 0.

What is checked (a subset of the JSON schema plus the code-scanning rules):
- version "2.1.0", a "runs" array, at most 20 runs, 25,000 results per run;
- tool.driver.name; each rule has a unique string "id", descriptions with a
  "text", an absolute "helpUri", a valid defaultConfiguration.level;
- each result: a "message" with "text", a "ruleId" matching
  rules[ruleIndex].id, a valid "level", at least one location;
- every artifactLocation: a URI reference without spaces or backslashes and
  with valid percent-escapes; a "uriBaseId" defined in originalUriBaseIds,
  whose "uri" is absolute and ends with "/";
- regions: integer startLine/startColumn >= 1, endLine >= startLine;
- partialFingerprints: string values; relatedLocations: unique integer ids;
- fixes: artifactChanges with an artifactLocation and replacements whose
  deletedRegion has byteOffset/byteLength >= 0 (or lines) and whose
  insertedContent has a "text".
"""
import json
import re
import sys

LEVELS = {"none", "note", "warning", "error"}
ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Checker:
    def __init__(self, name):
        self.name = name
        self.problems = []

    def problem(self, where, text):
        self.problems.append("%s: %s: %s" % (self.name, where, text))

    def expect(self, cond, where, text):
        if not cond:
            self.problem(where, text)
        return cond

    def text_object(self, obj, where, required=True):
        if obj is None:
            if required:
                self.problem(where, "missing")
            return
        self.expect(isinstance(obj, dict) and isinstance(obj.get("text"), str)
                    and obj["text"] != "", where, "must be an object with a non-empty 'text'")

    def uri(self, value, where, base_ids):
        if not self.expect(isinstance(value.get("uri"), str) and value["uri"],
                           where + ".uri", "missing or not a string"):
            return
        uri = value["uri"]
        self.expect(" " not in uri and "\\" not in uri, where + ".uri",
                    "%r is not a URI (spaces and backslashes must be escaped)" % uri)
        self.expect(not BAD_ESCAPE.search(uri), where + ".uri",
                    "%r has an invalid percent-escape" % uri)
        base = value.get("uriBaseId")
        if base is not None:
            self.expect(not ABSOLUTE_URI.match(uri), where + ".uri",
                        "an absolute URI cannot have a uriBaseId")
            self.expect(base in base_ids, where + ".uriBaseId",
                        "%r is not defined in run.originalUriBaseIds" % base)

    def region(self, region, where):
        if region is None:
            return
        if not self.expect(isinstance(region, dict), where, "must be an object"):
            return
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            if key in region:
                v = region[key]
                self.expect(isinstance(v, int) and not isinstance(v, bool) and v >= 1,
                            where + "." + key, "must be an integer >= 1 (lines and columns are 1-based), got %r" % (v,))
        if "endLine" in region and isinstance(region.get("startLine"), int):
            self.expect(region["endLine"] >= region["startLine"], where + ".endLine",
                        "before startLine")
        for key in ("byteOffset", "byteLength", "charOffset", "charLength"):
            if key in region:
                v = region[key]
                self.expect(isinstance(v, int) and v >= 0, where + "." + key,
                            "must be an integer >= 0")

    def location(self, loc, where, base_ids):
        if not self.expect(isinstance(loc, dict), where, "must be an object"):
            return
        phys = loc.get("physicalLocation")
        if not self.expect(isinstance(phys, dict), where + ".physicalLocation",
                           "missing (code scanning needs a physical location)"):
            return
        art = phys.get("artifactLocation")
        if self.expect(isinstance(art, dict), where + ".physicalLocation.artifactLocation", "missing"):
            self.uri(art, where + ".physicalLocation.artifactLocation", base_ids)
        region = phys.get("region")
        if self.expect(region is not None, where + ".physicalLocation.region", "missing"):
            self.expect("startLine" in region, where + ".physicalLocation.region.startLine", "missing")
        self.region(region, where + ".physicalLocation.region")
        if "message" in loc:
            self.text_object(loc["message"], where + ".message")

    def fixes(self, fixes, where, base_ids):
        if not self.expect(isinstance(fixes, list), where, "must be an array"):
            return
        for i, fix in enumerate(fixes):
            w = "%s[%d]" % (where, i)
            if "description" in fix:
                self.text_object(fix["description"], w + ".description")
            changes = fix.get("artifactChanges")
            if not self.expect(isinstance(changes, list) and changes, w + ".artifactChanges",
                               "must be a non-empty array"):
                continue
            for j, change in enumerate(changes):
                cw = "%s.artifactChanges[%d]" % (w, j)
                art = change.get("artifactLocation")
                if self.expect(isinstance(art, dict), cw + ".artifactLocation", "missing"):
                    self.uri(art, cw + ".artifactLocation", base_ids)
                reps = change.get("replacements")
                if not self.expect(isinstance(reps, list) and reps, cw + ".replacements",
                                   "must be a non-empty array"):
                    continue
                for k, rep in enumerate(reps):
                    rw = "%s.replacements[%d]" % (cw, k)
                    deleted = rep.get("deletedRegion")
                    if self.expect(isinstance(deleted, dict), rw + ".deletedRegion", "missing"):
                        self.expect("byteOffset" in deleted or "startLine" in deleted
                                    or "charOffset" in deleted, rw + ".deletedRegion",
                                    "needs byteOffset, charOffset or startLine")
                        self.region(deleted, rw + ".deletedRegion")
                    if "insertedContent" in rep:
                        ins = rep["insertedContent"]
                        self.expect(isinstance(ins, dict) and isinstance(ins.get("text"), str),
                                    rw + ".insertedContent", "needs a 'text'")

    def run(self, run, where):
        tool = run.get("tool")
        driver = tool.get("driver") if isinstance(tool, dict) else None
        if not self.expect(isinstance(driver, dict), where + ".tool.driver", "missing"):
            return
        self.expect(isinstance(driver.get("name"), str) and driver["name"],
                    where + ".tool.driver.name", "missing")
        if "informationUri" in driver:
            self.expect(ABSOLUTE_URI.match(str(driver["informationUri"])),
                        where + ".tool.driver.informationUri", "must be an absolute URI")
        rules = driver.get("rules", [])
        ids = []
        for i, rule in enumerate(rules):
            w = "%s.tool.driver.rules[%d]" % (where, i)
            rid = rule.get("id")
            if self.expect(isinstance(rid, str) and rid, w + ".id", "missing"):
                self.expect(rid not in ids, w + ".id", "duplicate rule id %r" % rid)
            ids.append(rid)
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule:
                    self.text_object(rule[key], w + "." + key)
            if "helpUri" in rule:
                self.expect(isinstance(rule["helpUri"], str) and ABSOLUTE_URI.match(rule["helpUri"]),
                            w + ".helpUri", "must be an absolute URI")
            level = rule.get("defaultConfiguration", {}).get("level")
            if level is not None:
                self.expect(level in LEVELS, w + ".defaultConfiguration.level", "invalid %r" % level)
        base_ids = run.get("originalUriBaseIds", {})
        for name, base in base_ids.items():
            w = "%s.originalUriBaseIds.%s" % (where, name)
            u = base.get("uri") if isinstance(base, dict) else None
            if self.expect(isinstance(u, str), w + ".uri", "missing"):
                self.expect(ABSOLUTE_URI.match(u) and u.endswith("/"), w + ".uri",
                            "must be an absolute URI ending with '/'")
        results = run.get("results")
        if not self.expect(isinstance(results, list), where + ".results", "missing"):
            return
        self.expect(len(results) <= 25000, where + ".results", "more than 25,000 results")
        for i, result in enumerate(results):
            w = "%s.results[%d]" % (where, i)
            self.text_object(result.get("message"), w + ".message")
            rid = result.get("ruleId")
            self.expect(isinstance(rid, str) and rid, w + ".ruleId", "missing")
            if "ruleIndex" in result:
                idx = result["ruleIndex"]
                if self.expect(isinstance(idx, int) and 0 <= idx < len(rules), w + ".ruleIndex",
                               "out of range"):
                    self.expect(rules[idx].get("id") == rid, w + ".ruleIndex",
                                "rules[%d].id is %r, not the ruleId %r" % (idx, rules[idx].get("id"), rid))
            elif rules:
                self.expect(rid in ids, w + ".ruleId", "%r is not a rule of the driver" % rid)
            if "level" in result:
                self.expect(result["level"] in LEVELS, w + ".level", "invalid %r" % result["level"])
            locs = result.get("locations")
            if self.expect(isinstance(locs, list) and locs, w + ".locations",
                           "code scanning needs at least one location"):
                for j, loc in enumerate(locs):
                    self.location(loc, "%s.locations[%d]" % (w, j), base_ids)
            related_ids = set()
            for j, loc in enumerate(result.get("relatedLocations", [])):
                lw = "%s.relatedLocations[%d]" % (w, j)
                self.location(loc, lw, base_ids)
                if "id" in loc:
                    self.expect(isinstance(loc["id"], int) and loc["id"] >= 0 and loc["id"] not in related_ids,
                                lw + ".id", "must be a unique integer >= 0")
                    related_ids.add(loc["id"])
            fps = result.get("partialFingerprints", {})
            self.expect(isinstance(fps, dict) and all(isinstance(v, str) for v in fps.values()),
                        w + ".partialFingerprints", "values must be strings")
            if "fixes" in result:
                self.fixes(result["fixes"], w + ".fixes", base_ids)

    def document(self, doc):
        if not self.expect(isinstance(doc, dict), "$", "not a JSON object"):
            return
        self.expect(doc.get("version") == "2.1.0", "$.version", "must be \"2.1.0\"")
        if "$schema" in doc:
            self.expect(isinstance(doc["$schema"], str) and ABSOLUTE_URI.match(doc["$schema"]),
                        "$.$schema", "must be an absolute URI")
        runs = doc.get("runs")
        if not self.expect(isinstance(runs, list), "$.runs", "missing"):
            return
        self.expect(len(runs) <= 20, "$.runs", "more than 20 runs")
        for i, run in enumerate(runs):
            self.run(run, "$.runs[%d]" % i)


def main(paths):
    if not paths:
        sys.stderr.write(__doc__)
        return 2
    failed = False
    for path in paths:
        checker = Checker(path)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: cannot read SARIF: %s" % (path, e))
            failed = True
            continue
        checker.document(doc)
        for p in checker.problems:
            print(p)
        if checker.problems:
            failed = True
        else:
            results = sum(len(r.get("results", [])) for r in doc.get("runs", []))
            print("%s: valid SARIF 2.1.0 (%d run(s), %d result(s))" % (path, len(doc["runs"]), results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
