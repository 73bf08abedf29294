#!/bin/sh
# make demo: start the local stack (moto + nginx + the three Flask services),
# run `albcheck run checks/microservices.json` on it, leave the reports in
# reports/, and stop the stack again (unless it was already running).
set -u
cd "$(dirname "$0")/../.." || exit 1
PY=${PYTHON:-python3}
run_dir=tests/stack/.run

started=0
if ! "$PY" tests/stack/stackctl status >/dev/null 2>&1; then
    echo "== starting the local stack (moto, nginx as the ALB, 2 tasks per service)"
    "$PY" tests/stack/stackctl up || exit 1
    started=1
fi
cleanup() {
    if [ "$started" = 1 ]; then
        echo "== stopping the local stack"
        "$PY" tests/stack/stackctl down >/dev/null 2>&1
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC1090
. "$run_dir/env"
echo
echo "== albcheck run checks/microservices.json"
./albcheck run checks/microservices.json --report-dir reports --timings
rc=$?
echo
echo "reports:  reports/junit.xml  reports/report.html  reports/report.json"
echo "exit status: $rc"
exit $rc
