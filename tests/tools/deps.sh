#!/bin/sh
# Install what albcheck needs to build, test and demo on Debian, or say what is
# missing when we cannot install it.  Does nothing when everything is present.
set -u

# Debian packages: build, unit tests, local stack, reports checks, fuzzing, bench.
PKGS="gcc make pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libpcre2-dev
libxml2-dev libcmocka-dev libxml2-utils nginx curl jq python3 python3-pip
clang libclang-rt-14-dev valgrind hyperfine chromium"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt=apt-get
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        apt="sudo apt-get"
    else
        echo "deps: missing Debian packages:$missing" >&2
        echo "deps: install them with: sudo apt-get install -y$missing" >&2
        exit 1
    fi
    echo "deps: installing:$missing"
    # A fresh machine has empty package lists; update once before installing.
    if [ -z "$(ls /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ] ||
       ! DEBIAN_FRONTEND=noninteractive $apt install -y -q --no-install-recommends $missing >/tmp/albcheck-deps.log 2>&1; then
        DEBIAN_FRONTEND=noninteractive $apt update -q >/tmp/albcheck-deps.log 2>&1 || {
            echo "deps: apt-get update failed; see /tmp/albcheck-deps.log" >&2; exit 1; }
        DEBIAN_FRONTEND=noninteractive $apt install -y -q --no-install-recommends $missing >>/tmp/albcheck-deps.log 2>&1 || {
            echo "deps: apt-get install failed; see /tmp/albcheck-deps.log" >&2
            tail -5 /tmp/albcheck-deps.log >&2; exit 1; }
    fi
fi

# Python side of the tests and the local stack: moto (AWS APIs), boto3/botocore,
# Flask (the services), the AWS CLI and cfn-lint.
py=${PYTHON:-python3}
pymissing=""
for m in moto boto3 botocore flask; do
    "$py" -c "import $m" 2>/dev/null || pymissing="$pymissing $m"
done
if [ -n "$pymissing" ]; then
    echo "deps: installing Python packages:$pymissing"
    "$py" -m pip install -q 'moto[server]' boto3 flask 2>/tmp/albcheck-deps-pip.log || {
        echo "deps: could not install Python packages:$pymissing" >&2
        echo "deps: install them with: $py -m pip install 'moto[server]' boto3 flask" >&2
        exit 1; }
fi
command -v aws >/dev/null 2>&1 || {
    "$py" -m pip install -q awscli 2>/dev/null || echo "deps: note: the AWS CLI (aws) is missing; tests that use it will be skipped" >&2; }
exit 0
