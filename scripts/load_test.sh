#!/usr/bin/env bash
# Bounded load test of the matcher.
#
#   scripts/load_test.sh                                  # in process, over the local data home
#   scripts/load_test.sh --target aws --env dev --region us-east-1 --requests 500 --concurrency 10
#
# Local runs need a local index first (`thera demo` or `thera run daily`). The AWS target is the
# one function <stack>-matcher (invoked with your credentials), nothing else. Every run is capped:
# at most 10,000 requests, 50 at once, 300 seconds. Prints p50/p90/p99 latency and errors as JSON;
# exits 1 when any call failed.
set -euo pipefail
PYTHON=${PYTHON:-python3}
exec "$PYTHON" -m thera_sdk.deploy.loadtest "$@"
