#!/usr/bin/env bash
# Runs the embedding example for a few loop counts; it checks its own sums.
set -eu
bin="${TEST_SRCDIR:-.}/vplat/tests/embed_example"
[ -x "$bin" ] || bin="bazel-bin/tests/embed_example"
for n in 1 10 100000; do
  "$bin" "$n"
done
