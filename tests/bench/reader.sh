#!/bin/sh
# Ranged media reader vs one curl, on cmd/fakedouyin over loopback; prints
# the ratios of one run. See tests/bench/reader/main.go for the scenarios.
#
#   tests/bench/reader.sh [-runs 3] [-only ABCD] [-fake bin/fakedouyin]
set -eu
cd "$(dirname "$0")/../.."
exec go run ./tests/bench/reader "$@"
