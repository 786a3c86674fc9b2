#!/usr/bin/env python3
"""Generates the synthetic corpora of the leakguard benchmark (bench/run).

Deterministic: the same arguments always write byte-identical files, so
figures from two runs (or two machines) are comparable.

  gen_corpus.py large   OUT [--classes N]   one large TU: OUT/large_tu.cpp
  gen_corpus.py project OUT [--tus N]       N TUs + headers + OUT/compile_commands.json

The code has the shapes real services have, in the proportions the checks
must handle: most classes are clean (bounded containers, cancelled timers,
listeners cleared on shutdown), some leak. Every class holds standard
containers, callables, strings and smart pointers; timers, signals and
connection clients use the stand-in declarations of test/Inputs (real names
and signatures, cheap to parse), so the parse is dominated by the standard
library, as in real code.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUTS = os.path.join(ROOT, "test", "Inputs")

PRELUDE = """\
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>
#include "asio_timer.h"
#include "boost_signals2.h"
"""

# Class i leaks (one of LEAKY, in turn) when i % 12 == 0, as in a service
# where a few classes in a dozen have a finding; otherwise it has one of the
# CLEAN shapes, which the checks must look at and stay silent on.
LEAKY = ["metrics", "cache", "timer", "emitter"]
CLEAN = ["bounded", "timer_ok", "emitter_ok", "signals", "plain", "plain",
         "client", "trimmed"]


def shape_of(i):
    if i % 12 == 0:
        return LEAKY[(i // 12) % len(LEAKY)]
    return CLEAN[i % len(CLEAN)]


def class_text(ns, i):
    """The text of class number i (deterministic in i)."""
    shape = shape_of(i)
    n = f"C{i}"
    common = f"""\
  struct Sample{i} {{ std::uint64_t at = 0; double value = 0; std::string tag; }};
  std::string name_ = "{n}";
  std::shared_ptr<int> counter_ = std::make_shared<int>({i});
  int limit_ = {i % 97 + 3};
"""
    body = ""
    if shape == "metrics":  # unbounded: appended on every tick, never trimmed
        body = f"""\
  std::vector<Sample{i}> samples_;
  std::map<std::string, int> seen_;
 public:
  void tick(double v) {{ samples_.push_back(Sample{i}{{0, v, name_}}); seen_[name_] += 1; }}
  std::size_t size() const {{ return samples_.size() + seen_.size(); }}
"""
    elif shape == "bounded":  # silent: erased from
        body = f"""\
  std::deque<Sample{i}> window_;
 public:
  void add(double v) {{
    window_.push_back(Sample{i}{{0, v, name_}});
    if (window_.size() > static_cast<std::size_t>(limit_)) window_.pop_front();
  }}
"""
    elif shape == "cache":  # unbounded map used as a cache
        body = f"""\
  std::unordered_map<std::string, std::vector<int>> cache_;
 public:
  const std::vector<int> &lookup(const std::string &key) {{
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    return cache_[key] = std::vector<int>(static_cast<std::size_t>(limit_), {i});
  }}
"""
    elif shape == "timer":  # re-armed timer never cancelled
        body = f"""\
  asio::steady_timer timer_;
 public:
  explicit {n}(asio::io_context &io) : timer_(io) {{}}
  void arm() {{
    timer_.expires_after(std::chrono::seconds({i % 7 + 1}));
    timer_.async_wait([this](const asio::error_code &ec) {{ if (!ec) arm(); }});
  }}
"""
    elif shape == "timer_ok":  # silent: stop() cancels
        body = f"""\
  asio::steady_timer timer_;
 public:
  explicit {n}(asio::io_context &io) : timer_(io) {{}}
  void arm() {{
    timer_.expires_after(std::chrono::milliseconds({i % 500 + 10}));
    timer_.async_wait([this](const asio::error_code &ec) {{ if (!ec) arm(); }});
  }}
  void stop() {{ timer_.cancel(); }}
"""
    elif shape == "emitter":  # listeners kept after shutdown
        body = f"""\
  std::vector<std::function<void(int)>> listeners_;
 public:
  void on(std::function<void(int)> f) {{ listeners_.push_back(std::move(f)); }}
  void emit(int v) {{ for (auto &f : listeners_) f(v); }}
  void shutdown() {{ *counter_ = 0; }}
"""
    elif shape == "emitter_ok":  # silent: cleared on shutdown
        body = f"""\
  std::map<std::string, std::vector<std::function<void()>>> handlers_;
 public:
  void on(const std::string &e, std::function<void()> f) {{ handlers_[e].push_back(std::move(f)); }}
  void emit(const std::string &e) {{ auto it = handlers_.find(e); if (it != handlers_.end()) for (auto &f : it->second) f(); }}
  void shutdown() {{ handlers_.clear(); }}
"""
    elif shape == "signals":  # signals2 subscription handle kept
        body = f"""\
  boost::signals2::signal<void(int)> changed_;
  boost::signals2::scoped_connection keep_;
 public:
  void watch({n} &other) {{ keep_ = other.changed_.connect([this](int v) {{ limit_ = v; }}); }}
  void set(int v) {{ changed_(v); }}
"""
    elif shape == "client":  # a connection-like member, owned: silent
        body = f"""\
  std::unique_ptr<std::string> endpoint_;
 public:
  void connect(const std::string &host) {{ endpoint_ = std::make_unique<std::string>(host); }}
  void close() {{ endpoint_.reset(); }}
"""
    elif shape == "trimmed":  # silent: trimming pass
        body = f"""\
  std::vector<Sample{i}> history_;
 public:
  void record(double v) {{
    history_.push_back(Sample{i}{{0, v, name_}});
    if (history_.size() > 100) history_.erase(history_.begin());
  }}
"""
    else:  # plain value class: nothing to report
        body = f"""\
  std::vector<int> fixed_ = std::vector<int>({i % 13 + 1}, {i});
 public:
  int sum() const {{ int s = 0; for (int v : fixed_) s += v + limit_; return s; }}
  const std::string &name() const {{ return name_; }}
"""
    return f"class {n} {{\n{common}{body}}};\n"


def globals_text(i):
    """Namespace-scope objects: every 40th class gets a global client."""
    if i % 40 != 7:
        return ""
    return (f"struct DbClient{i} {{ void query(const std::string &) {{}} void close() {{}} }};\n"
            f"DbClient{i} *g_client{i} = new DbClient{i}();\n"
            f"void use{i}() {{ g_client{i}->query(\"select {i}\"); }}\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def flags():
    return ["-std=c++17", f"-I{INPUTS}"]


def gen_large(out, classes):
    parts = ["// Generated by bench/gen_corpus.py large: do not edit.\n", PRELUDE,
             "namespace bench {\n"]
    for i in range(classes):
        parts.append(class_text("bench", i))
        parts.append(globals_text(i))
    parts.append("} // namespace bench\n")
    path = os.path.join(out, "large_tu.cpp")
    write(path, "".join(parts))
    return path


def gen_project(out, tus, classes_per_tu=6):
    """N TUs in modules of 10; each TU includes its module's header (shared
    declarations, as in a real project) and defines its own classes."""
    out = os.path.abspath(out)
    entries = []
    for t in range(tus):
        module = t // 10
        header = os.path.join(out, "include", f"module{module}.h")
        if t % 10 == 0:
            htext = ["// Generated by bench/gen_corpus.py project: do not edit.\n",
                     "#pragma once\n", PRELUDE, f"namespace m{module} {{\n"]
            for i in range(4):
                htext.append(class_text(f"m{module}", module * 1000 + 900 + i))
            htext.append(f"}} // namespace m{module}\n")
            write(header, "".join(htext))
        src = os.path.join(out, "src", f"module{module}", f"unit{t}.cpp")
        stext = [f"// Generated by bench/gen_corpus.py project: do not edit.\n",
                 f'#include "module{module}.h"\n', f"namespace u{t} {{\n"]
        for i in range(classes_per_tu):
            k = t * classes_per_tu + i
            stext.append(class_text(f"u{t}", k))
            stext.append(globals_text(k))
        stext.append(f"}} // namespace u{t}\n")
        write(src, "".join(stext))
        entries.append({"directory": out, "file": src,
                        "arguments": ["clang++", *flags(), f"-I{out}/include",
                                      "-c", src, "-o", src[:-4] + ".o"]})
    write(os.path.join(out, "compile_commands.json"), json.dumps(entries, indent=1) + "\n")
    return os.path.join(out, "compile_commands.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="kind", required=True)
    lp = sub.add_parser("large")
    lp.add_argument("out")
    lp.add_argument("--classes", type=int, default=2000)
    pp = sub.add_parser("project")
    pp.add_argument("out")
    pp.add_argument("--tus", type=int, default=300)
    a = ap.parse_args()
    if a.kind == "large":
        print(gen_large(a.out, a.classes))
    else:
        print(gen_project(a.out, a.tus))


if __name__ == "__main__":
    sys.exit(main())
