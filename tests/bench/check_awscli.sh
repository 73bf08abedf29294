#!/usr/bin/env bash
# check_awscli.sh — what an engineer without albcheck would write for
# checks/microservices.json: the aws CLI, curl and jq.
#
# Finds the ALB, its HTTP listener and rules; checks each path's rule forwards
# to the right target group, every target group has all its targets healthy,
# each ECS service runs its desired count with a COMPLETED PRIMARY deployment
# and is wired to its group; probes the four paths through the ALB with a
# correlation token (query parameter and X-Request-Id); finds each token in
# its service's log group and in no other.  Exit 0 when all holds, 1 if not.
#
# Independent calls run concurrently (background jobs), as a script writer
# would do with `&` and `wait`.  Environment: the AWS_* variables (the CLI
# honours AWS_ENDPOINT_URL), ALBCHECK_CONNECT_TO=<dns>:80:<addr>:<port> to
# send the probes elsewhere (curl --connect-to), LOG_WAIT_S (default 60).
set -u -o pipefail

ALB_NAME=${ALB_NAME:-MicroservicesALB}
CLUSTER=MicroservicesCluster
LOG_WAIT_S=${LOG_WAIT_S:-60}
# name|path|target group|ecs service|log group|body
SERVICES="auth|/auth/login|auth-tg|auth-service|/ecs/auth-service|Hello from Auth Service
order|/orders/123|order-tg|order-service|/ecs/order-service|Hello from Order Service
product|/products/item/abc|product-tg|product-service|/ecs/product-service|Hello from Product Service"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
pass() { echo "PASS  $*"; }

# ------------------------------------------------------------ discovery
if ! aws elbv2 describe-load-balancers --names "$ALB_NAME" --output json >"$tmp/lb.json"; then
    echo "cannot describe the load balancer $ALB_NAME" >&2
    exit 1
fi
lb_arn=$(jq -r '.LoadBalancers[0].LoadBalancerArn' "$tmp/lb.json")
dns=$(jq -r '.LoadBalancers[0].DNSName' "$tmp/lb.json")
state=$(jq -r '.LoadBalancers[0].State.Code' "$tmp/lb.json")
[ "$state" = active ] && pass "alb $ALB_NAME active" || fail "alb $ALB_NAME is $state"

# The listener and the target groups both hang off the ALB: fetch them together.
aws elbv2 describe-listeners --load-balancer-arn "$lb_arn" --output json >"$tmp/listeners.json" &
aws elbv2 describe-target-groups --load-balancer-arn "$lb_arn" --output json >"$tmp/tgs.json" &
wait
listener_arn=$(jq -r '.Listeners[] | select(.Port == 80) | .ListenerArn' "$tmp/listeners.json" | head -1)
if [ -z "$listener_arn" ]; then
    fail "no HTTP:80 listener on $ALB_NAME"
    exit 1
fi
tg_arn() { jq -r --arg n "$1" '.TargetGroups[] | select(.TargetGroupName == $n) | .TargetGroupArn' "$tmp/tgs.json"; }

# Rules, target health of every group and the ECS services: all independent.
aws elbv2 describe-rules --listener-arn "$listener_arn" --output json >"$tmp/rules.json" &
while IFS='|' read -r name _ tg _; do
    arn=$(tg_arn "$tg")
    [ -n "$arn" ] && aws elbv2 describe-target-health --target-group-arn "$arn" --output json >"$tmp/health-$name.json" &
done <<<"$SERVICES"
svcs=$(cut -d'|' -f4 <<<"$SERVICES" | tr '\n' ' ')
# shellcheck disable=SC2086
aws ecs describe-services --cluster "$CLUSTER" --services $svcs --output json >"$tmp/ecs.json" &
wait

# ------------------------------------------------------------ static checks
while IFS='|' read -r name path tg svc _; do
    arn=$(tg_arn "$tg")
    [ -n "$arn" ] || { fail "target group $tg not found"; continue; }
    # The first rule by priority whose path pattern matches the path (glob).
    chosen=$(jq -r --arg p "$path" '
        def glob2re: gsub("[.+^$(){}|\\[\\]\\\\]"; "\\\(.)") | gsub("\\*"; ".*") | gsub("\\?"; ".");
        [.Rules[] | select(.IsDefault | not)
         | select(any(.Conditions[]; .Field == "path-pattern"
                      and any((.PathPatternConfig.Values // .Values)[]; . as $g | $p | test("^" + ($g | glob2re) + "$"))))]
        | sort_by(.Priority | tonumber) | first
        | (.Actions[] | select(.Type == "forward") | (.TargetGroupArn // .ForwardConfig.TargetGroups[0].TargetGroupArn)) // "none"' \
        "$tmp/rules.json")
    [ "$chosen" = "$arn" ] && pass "route $path -> $tg" || fail "route $path goes to $chosen, not $tg"

    total=$(jq '.TargetHealthDescriptions | length' "$tmp/health-$name.json" 2>/dev/null || echo 0)
    healthy=$(jq '[.TargetHealthDescriptions[] | select(.TargetHealth.State == "healthy")] | length' \
        "$tmp/health-$name.json" 2>/dev/null || echo 0)
    [ "$total" -gt 0 ] && [ "$healthy" = "$total" ] && pass "health $tg $healthy/$total" ||
        fail "health $tg: $healthy of $total targets healthy"

    if jq -e --arg s "$svc" --arg tg "$arn" '
        .services[] | select(.serviceName == $s)
        | .status == "ACTIVE" and .runningCount == .desiredCount and .desiredCount > 0
          and any(.deployments[]; .status == "PRIMARY" and .rolloutState == "COMPLETED")
          and any(.loadBalancers[]; .targetGroupArn == $tg)' "$tmp/ecs.json" >/dev/null; then
        pass "ecs $svc"
    else
        fail "ecs $svc: $(jq -c --arg s "$svc" '.services[] | select(.serviceName == $s)
            | {status, runningCount, desiredCount, rollout: [.deployments[] | select(.status == "PRIMARY") | .rolloutState]}' "$tmp/ecs.json")"
    fi
done <<<"$SERVICES"

# ------------------------------------------------------------ probes
run_id=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
start_ms=$(($(date +%s%3N) - 5000))
connect=()
[ -n "${ALBCHECK_CONNECT_TO:-}" ] && connect=(--connect-to "$ALBCHECK_CONNECT_TO")
probe() { # token path outfile
    curl -s -m 5 "${connect[@]}" -H "X-Request-Id: $1" -o "$3.body" -w '%{http_code}' \
        "http://$dns$2?albcheck=$1" >"$3.code" 2>/dev/null
}
n=0
while IFS='|' read -r name path _; do
    n=$((n + 1))
    probe "check-$run_id-$n" "$path" "$tmp/probe-$name" &
done <<<"$SERVICES"
probe "check-$run_id-404" /nope "$tmp/probe-nope" &
wait

expected=""  # name|token|log group of every probe the right service answered
n=0
while IFS='|' read -r name path _ _ group body; do
    n=$((n + 1))
    code=$(cat "$tmp/probe-$name.code")
    if [ "$code" = 200 ] && grep -qF "$body" "$tmp/probe-$name.body"; then
        pass "probe $path 200"
        expected+="$name|check-$run_id-$n|$group"$'\n'
    else
        fail "probe $path: status $code, body $(head -c 80 "$tmp/probe-$name.body")"
    fi
done <<<"$SERVICES"
code=$(cat "$tmp/probe-nope.code")
[ "$code" = 404 ] && pass "probe /nope 404" || fail "probe /nope: status $code, expected 404"

# ------------------------------------------------------------ log correlation
# One filter-log-events per group and round (all groups at once), until every
# expected token is found or LOG_WAIT_S runs out.
groups=$(cut -d'|' -f5 <<<"$SERVICES")
deadline=$(($(date +%s) + LOG_WAIT_S))
delay=1
while [ -n "$expected" ]; do
    i=0
    while read -r g; do
        i=$((i + 1))
        aws logs filter-log-events --log-group-name "$g" --start-time "$start_ms" \
            --filter-pattern "\"check-$run_id\"" --output json \
            --query 'events[].message' >"$tmp/logs-$i.json" &
    done <<<"$groups"
    wait
    missing=0
    while IFS='|' read -r name token group; do
        [ -n "$name" ] || continue
        i=0 found_in=""
        while read -r g; do
            i=$((i + 1))
            jq -e --arg t "$token" 'any(.[]?; contains($t))' "$tmp/logs-$i.json" >/dev/null && found_in+="$g "
        done <<<"$groups"
        [ "$found_in" = "$group " ] || missing=1
    done <<<"$expected"
    [ "$missing" = 0 ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep "$delay"
    delay=$((delay < 8 ? delay * 2 : 8))
done
while IFS='|' read -r name token group; do
    [ -n "$name" ] || continue
    i=0 found_in=""
    while read -r g; do
        i=$((i + 1))
        jq -e --arg t "$token" 'any(.[]?; contains($t))' "$tmp/logs-$i.json" >/dev/null && found_in+="$g "
    done <<<"$groups"
    if [ "$found_in" = "$group " ]; then
        pass "logs $name $token in $group"
    else
        fail "logs $name $token: expected in $group, found in: ${found_in:-nowhere}"
    fi
done <<<"$expected"

if [ "$fails" -gt 0 ]; then
    echo "FAILED: $fails check(s)"
    exit 1
fi
echo "OK: all checks passed"
exit 0
