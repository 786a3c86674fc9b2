#!/usr/bin/env bash
# Every runtime header compiles on its own, warning-free, with each given
# compiler: usage check_headers.sh <include-dir> <compiler>...
set -u
include_dir=$1; shift
status=0
for compiler in "$@"; do
  command -v "$compiler" >/dev/null || { echo "skip: $compiler not found"; continue; }
  for header in $(cd "$include_dir" && find leakguard -name '*.hpp' | sort); do
    if ! echo "#include <$header>" | "$compiler" -std=c++17 -Wall -Wextra -Werror \
         -Wpedantic -fsyntax-only -I"$include_dir" -x c++ -; then
      echo "FAIL: $header with $compiler"; status=1
    fi
  done
done
exit $status
