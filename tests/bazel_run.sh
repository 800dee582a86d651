#!/usr/bin/env bash
# Bazel test adapter: runs a test script from its place in the runfiles tree
# (so the script finds its sibling sources), passing the remaining args.
# Paths given as $(rootpath ...) are relative to the runfiles root, the
# working directory of every Bazel test.
set -eu
script=$1
shift
exec "./$script" "$@"
