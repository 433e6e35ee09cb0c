#!/usr/bin/env bash
# The project's test command (README "Quick start", second command): builds every module and
# runs every test with Netty's paranoid leak detector.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
