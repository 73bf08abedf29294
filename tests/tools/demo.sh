#!/bin/sh
# make demo: build albcheck, start the local stack, run the seed suite on it,
# leave the reports in reports/, stop the stack.
echo "make demo will: build albcheck, start the local stack (moto + nginx + the"
echo "three Flask services), run 'albcheck run checks/microservices.json' on it,"
echo "write reports/junit.xml, reports/report.html and reports/report.json, and"
echo "stop the stack.  It is not built yet." >&2
exit 1
