#!/usr/bin/env python3
"""Typed AWS calls against moto: awsdump's parsed structs vs boto3's answers.

Starts `python3 -m moto.server` on a free loopback port, builds with boto3 an
ALB (listener, path rules in both condition forms, a fixed-response default,
target groups with registered ip targets, tags), an ECS cluster with an
awslogs task definition, a service and a task, log groups with more events
than one page, and a small CloudFormation stack; then runs
$BUILDDIR/tests/tools/awsdump for each typed operation and compares its JSON
with boto3's answer field by field.  Skips (with a message) when awsdump has
not been built (the AWS client is not merged yet) or moto is missing.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tap import Tap

t = Tap()
BUILDDIR = os.environ.get("BUILDDIR", "build/debug")
AWSDUMP = os.path.join(BUILDDIR, "tests", "tools", "awsdump")
REGION = "us-east-1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def skip_all(reason):
    t.skip("typed calls against moto", reason)
    sys.exit(t.done())


if not os.access(AWSDUMP, os.X_OK):
    skip_all("%s not built (the AWS client is not merged yet)" % AWSDUMP)
try:
    import boto3  # noqa: E402
    import moto  # noqa: F401,E402
except ImportError as exc:
    skip_all("boto3/moto not installed: %s" % exc)

PORT = free_port()
URL = "http://127.0.0.1:%d" % PORT
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDTYPEDTEST", AWS_SECRET_ACCESS_KEY="typed-secret",
           AWS_REGION=REGION)
ENV.pop("AWS_SESSION_TOKEN", None)
ENV.pop("AWS_PROFILE", None)
server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(PORT)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def stop_server():
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def dump(*args, expect_rc=0):
    """Run awsdump; return its parsed JSON (or stderr when it should fail)."""
    p = subprocess.run([AWSDUMP, "--endpoint-url", URL, "--region", REGION] + list(args),
                       env=ENV, capture_output=True, text=True, timeout=60)
    if p.returncode != expect_rc:
        raise AssertionError("awsdump %s: exit %d, wanted %d\nstderr: %s" %
                             (" ".join(args), p.returncode, expect_rc, p.stderr))
    return json.loads(p.stdout) if expect_rc == 0 else p.stderr


def client(name):
    return boto3.client(name, endpoint_url=URL, region_name=REGION,
                        aws_access_key_id="AKIDTYPEDTEST", aws_secret_access_key="typed-secret")


def build_stack():
    """Create the resources; return a dict of what the checks need."""
    ec2, elb, ecs, logs = client("ec2"), client("elbv2"), client("ecs"), client("logs")
    s = {}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % i,
                                 AvailabilityZone=REGION + az)["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))]
    sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    lb = elb.create_load_balancer(Name="MicroservicesALB", Subnets=subnets, SecurityGroups=[sg],
                                  Scheme="internet-facing", Type="application")["LoadBalancers"][0]
    s["lb_arn"] = lb["LoadBalancerArn"]
    elb.add_tags(ResourceArns=[s["lb_arn"]], Tags=[{"Key": "app", "Value": "microservices"},
                                                   {"Key": "env", "Value": "test"}])
    tgs = {}
    for i, name in enumerate(("auth", "order", "product")):
        tg = elb.create_target_group(Name=name + "-tg", Protocol="HTTP", Port=5000 + i, VpcId=vpc,
                                     TargetType="ip", HealthCheckPath="/%s/health" % name,
                                     HealthCheckIntervalSeconds=10, HealthyThresholdCount=3,
                                     Matcher={"HttpCode": "200-299"})["TargetGroups"][0]
        tgs[name] = tg["TargetGroupArn"]
        elb.register_targets(TargetGroupArn=tgs[name],
                             Targets=[{"Id": "127.0.%d.%d" % (i + 1, k), "Port": 5000 + i}
                                      for k in (2, 3)])
    s["tgs"] = tgs
    listener = elb.create_listener(
        LoadBalancerArn=s["lb_arn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
            "StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not found"}}])
    s["listener_arn"] = listener["Listeners"][0]["ListenerArn"]
    # Created out of priority order; legacy and Config condition forms.
    elb.create_rule(ListenerArn=s["listener_arn"], Priority=30,
                    Conditions=[{"Field": "path-pattern",
                                 "PathPatternConfig": {"Values": ["/products/*"]}}],
                    Actions=[{"Type": "forward", "TargetGroupArn": tgs["product"]}])
    elb.create_rule(ListenerArn=s["listener_arn"], Priority=10,
                    Conditions=[{"Field": "path-pattern", "Values": ["/auth/*"]}],
                    Actions=[{"Type": "forward", "TargetGroupArn": tgs["auth"]}])
    elb.create_rule(ListenerArn=s["listener_arn"], Priority=20,
                    Conditions=[{"Field": "path-pattern",
                                 "PathPatternConfig": {"Values": ["/orders/*", "/orders"]}},
                                {"Field": "http-request-method",
                                 "HttpRequestMethodConfig": {"Values": ["GET", "POST"]}}],
                    Actions=[{"Type": "forward", "TargetGroupArn": tgs["order"]}])

    # Header, query-string and host conditions with a weighted forward.
    elb.create_rule(ListenerArn=s["listener_arn"], Priority=5,
                    Conditions=[{"Field": "host-header",
                                 "HostHeaderConfig": {"Values": ["api.example.com"]}},
                                {"Field": "http-header",
                                 "HttpHeaderConfig": {"HttpHeaderName": "X-Canary",
                                                      "Values": ["yes"]}},
                                {"Field": "query-string",
                                 "QueryStringConfig": {"Values": [{"Key": "v", "Value": "2"},
                                                                  {"Value": "beta"}]}}],
                    Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                        {"TargetGroupArn": tgs["auth"], "Weight": 90},
                        {"TargetGroupArn": tgs["order"], "Weight": 10}]}}])

    ecs.create_cluster(clusterName="MicroservicesCluster")
    td = ecs.register_task_definition(
        family="auth-service", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512", executionRoleArn="arn:aws:iam::123456789012:role/exec",
        containerDefinitions=[{
            "name": "auth", "image": "auth:latest", "memory": 512, "essential": True,
            "portMappings": [{"containerPort": 5000, "protocol": "tcp"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/auth-service", "awslogs-region": REGION,
                "awslogs-stream-prefix": "ecs"}}}])["taskDefinition"]
    s["td_arn"] = td["taskDefinitionArn"]
    ecs.create_service(
        cluster="MicroservicesCluster", serviceName="auth-service", taskDefinition=s["td_arn"],
        desiredCount=2, launchType="FARGATE",
        loadBalancers=[{"targetGroupArn": tgs["auth"], "containerName": "auth",
                        "containerPort": 5000}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets,
                                                      "securityGroups": [sg]}})
    try:
        ecs.run_task(cluster="MicroservicesCluster", taskDefinition=s["td_arn"], count=2,
                     launchType="FARGATE", group="service:auth-service", startedBy="typed-test",
                     networkConfiguration={"awsvpcConfiguration": {"subnets": subnets,
                                                                   "securityGroups": [sg]}})
        s["tasks"] = True
    except Exception as exc:  # noqa: BLE001 - moto versions differ; the check then skips
        s["tasks"] = "RunTask failed in moto: %s" % exc

    now_ms = int(time.time() * 1000)
    s["t0_ms"] = now_ms - 60000
    for svc in ("auth", "order", "product"):
        group = "/ecs/%s-service" % svc
        logs.create_log_group(logGroupName=group)
        for stream in ("ecs/%s/task1" % svc, "ecs/%s/task2" % svc):
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": s["t0_ms"] + k * 100,
                 "message": "GET /%s/x?albcheck=tok-%s-%02d 200" % (svc, stream[-5:], k)}
                for k in range(13)])
    cfn = client("cloudformation")
    cfn.create_stack(StackName="typed-stack", TemplateBody=json.dumps({
        "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup",
                               "Properties": {"LogGroupName": "/typed/cfn"}}}}))
    return s


def check_load_balancers(s):
    elb = client("elbv2")
    want = elb.describe_load_balancers(Names=["MicroservicesALB"])["LoadBalancers"]
    for args in (["--names", "MicroservicesALB"], ["--arns", s["lb_arn"]], []):
        got = dump("describe-load-balancers", *args)
        t.eq(len(got), 1, "DescribeLoadBalancers %s: one load balancer" % (args or "all"))
    g, w = got[0], want[0]
    t.eq([g["arn"], g["name"], g["dns_name"], g["scheme"], g["type"], g["state"], g["vpc_id"],
          g["canonical_hosted_zone_id"]],
         [w["LoadBalancerArn"], w["LoadBalancerName"], w["DNSName"], w["Scheme"], w["Type"],
          w["State"]["Code"], w["VpcId"], w["CanonicalHostedZoneId"]],
         "DescribeLoadBalancers: arn, name, DNS name, scheme, type, state, VPC, zone id")
    t.eq(g["availability_zones"], [az["ZoneName"] for az in w["AvailabilityZones"]],
         "DescribeLoadBalancers: availability zones")
    t.eq(g["security_groups"], w["SecurityGroups"], "DescribeLoadBalancers: security groups")
    t.eq(g["created_s"], int(w["CreatedTime"].timestamp()), "DescribeLoadBalancers: CreatedTime")
    err = dump("describe-load-balancers", "--names", "NoSuchALB", expect_rc=3)
    t.ok("DescribeLoadBalancers" in err and "LoadBalancerNotFound" in err,
         "DescribeLoadBalancers: an unknown name is an AWS error naming the operation", diag=err)


def action_view(actions):
    out = []
    for a in sorted(actions, key=lambda a: a.get("Order", 0)):
        v = {"type": a["Type"]}
        tgs = [a["TargetGroupArn"]] if a.get("TargetGroupArn") else []
        for tg in a.get("ForwardConfig", {}).get("TargetGroups", []):
            if tg["TargetGroupArn"] not in tgs:
                tgs.append(tg["TargetGroupArn"])
        v["targets"] = tgs
        if "FixedResponseConfig" in a:
            f = a["FixedResponseConfig"]
            v["fixed"] = [int(f["StatusCode"]), f.get("ContentType"), f.get("MessageBody")]
        out.append(v)
    return out


def got_action_view(actions):
    out = []
    for a in actions:
        v = {"type": a["type"], "targets": [x["target_group_arn"] for x in a["targets"]]}
        if "fixed" in a:
            v["fixed"] = [a["fixed"]["status"], a["fixed"]["content_type"], a["fixed"]["body"]]
        out.append(v)
    return out


def check_listeners_and_rules(s):
    elb = client("elbv2")
    want = elb.describe_listeners(LoadBalancerArn=s["lb_arn"])["Listeners"]
    got = dump("describe-listeners", s["lb_arn"])
    t.eq([(g["arn"], g["protocol"], g["port"]) for g in got],
         [(w["ListenerArn"], w["Protocol"], w["Port"]) for w in want],
         "DescribeListeners: arn, protocol, port")
    t.eq(got_action_view(got[0]["default_actions"]), action_view(want[0]["DefaultActions"]),
         "DescribeListeners: fixed-response default action")

    want = elb.describe_rules(ListenerArn=s["listener_arn"])["Rules"]
    want.sort(key=lambda r: 1 << 31 if r["Priority"] == "default" else int(r["Priority"]))
    got = dump("describe-rules", s["listener_arn"])
    t.eq([(g["arn"], g["priority"], g["is_default"]) for g in got],
         [(w["RuleArn"], 2 ** 31 - 1 if w["IsDefault"] else int(w["Priority"]), w["IsDefault"])
          for w in want],
         "DescribeRules: every rule, sorted by priority, the default last")

    def want_conditions(r):
        out = []
        for c in r["Conditions"]:
            vals = c.get("Values") or []
            header, query = None, []
            for key in ("PathPatternConfig", "HostHeaderConfig", "HttpRequestMethodConfig",
                        "SourceIpConfig", "HttpHeaderConfig"):
                if key in c and c[key].get("Values"):
                    vals = c[key]["Values"]
            if "HttpHeaderConfig" in c:
                header = c["HttpHeaderConfig"]["HttpHeaderName"]
            if "QueryStringConfig" in c:
                vals = []
                query = [(q.get("Key"), q["Value"]) for q in c["QueryStringConfig"]["Values"]]
            out.append((c["Field"], vals, header, query))
        return out

    t.eq([[(c["field"], c["values"], c["header_name"], [(q["key"], q["value"]) for q in c["query"]])
           for c in g["conditions"]] for g in got],
         [want_conditions(w) for w in want],
         "DescribeRules: conditions in both forms normalised (values, header name, query)")
    t.eq([len(g["conditions"]) for g in got], [3, 1, 2, 1, 0],
         "DescribeRules: the rules built here, in priority order")
    weights = [[(x["target_group_arn"], x["weight"]) for x in a["targets"]]
               for a in got[0]["actions"]]
    t.eq(weights, [[(s["tgs"]["auth"], 90), (s["tgs"]["order"], 10)]],
         "DescribeRules: ForwardConfig target groups with weights")
    t.eq([got_action_view(g["actions"]) for g in got], [action_view(w["Actions"]) for w in want],
         "DescribeRules: forward and fixed-response actions")
    err = dump("describe-rules", s["listener_arn"] + "0", expect_rc=3)
    t.ok("DescribeRules" in err, "DescribeRules: an unknown listener is an error naming the "
         "operation", diag=err)


def check_target_groups(s):
    elb = client("elbv2")
    want = elb.describe_target_groups(LoadBalancerArn=s["lb_arn"])["TargetGroups"]
    want_names = sorted(w["TargetGroupName"] for w in want)
    for args in (["--lb-arn", s["lb_arn"]], ["--names", "auth-tg,order-tg,product-tg"],
                 ["--arns", ",".join(s["tgs"].values())]):
        got = dump("describe-target-groups", *args)
        t.eq(sorted(g["name"] for g in got), want_names or ["auth-tg", "order-tg", "product-tg"],
             "DescribeTargetGroups by %s: the three groups" % args[0])
    by_arn = {g["arn"]: g for g in dump("describe-target-groups", "--names",
                                        "auth-tg,order-tg,product-tg")}
    w = elb.describe_target_groups(Names=["auth-tg"])["TargetGroups"][0]
    g = by_arn[w["TargetGroupArn"]]
    t.eq([g["name"], g["protocol"], g["port"], g["target_type"], g["vpc_id"], g["matcher"],
          g["hc"]["path"], g["hc"]["protocol"], g["hc"]["port"], g["hc"]["interval_s"],
          g["hc"]["timeout_s"], g["hc"]["healthy_threshold"], g["hc"]["unhealthy_threshold"],
          g["hc"]["enabled"], g["load_balancer_arns"]],
         [w["TargetGroupName"], w["Protocol"], w["Port"], w["TargetType"], w["VpcId"],
          w["Matcher"]["HttpCode"], w["HealthCheckPath"], w["HealthCheckProtocol"],
          w["HealthCheckPort"], w["HealthCheckIntervalSeconds"], w["HealthCheckTimeoutSeconds"],
          w["HealthyThresholdCount"], w["UnhealthyThresholdCount"],
          w.get("HealthCheckEnabled", True), w.get("LoadBalancerArns", [])],
         "DescribeTargetGroups: settings, health check, matcher, load balancers")

    for name, arn in s["tgs"].items():
        want = elb.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        got = dump("describe-target-health", arn)
        t.eq(sorted((g["id"], g["port"], g["state"], g["reason"]) for g in got),
             sorted((w["Target"]["Id"], w["Target"]["Port"], w["TargetHealth"]["State"],
                     w["TargetHealth"].get("Reason")) for w in want),
             "DescribeTargetHealth %s: targets with port, state and reason" % name)

    got = dump("describe-tags", s["lb_arn"], *s["tgs"].values())
    want = elb.describe_tags(ResourceArns=[s["lb_arn"]] + list(s["tgs"].values()))
    t.eq(sorted((g["resource_arn"], sorted((x["key"], x["value"]) for x in g["tags"]))
                for g in got),
         sorted((w["ResourceArn"], sorted((x["Key"], x["Value"]) for x in w["Tags"]))
                for w in want["TagDescriptions"]),
         "DescribeTags: tags of the load balancer and the target groups")


def check_ecs(s):
    ecs = client("ecs")
    t.eq(dump("list-clusters"), ecs.list_clusters()["clusterArns"], "ListClusters")
    want_arns = ecs.list_services(cluster="MicroservicesCluster")["serviceArns"]
    t.eq(dump("list-services", "MicroservicesCluster"), want_arns, "ListServices")
    got = dump("describe-services", "MicroservicesCluster", "auth-service", "nope-service")
    want = ecs.describe_services(cluster="MicroservicesCluster",
                                 services=["auth-service", "nope-service"])
    g, w = got["services"][0], want["services"][0]
    t.eq([g["arn"], g["name"], g["cluster_arn"], g["status"], g["launch_type"],
          g["task_definition"], g["desired"], g["running"], g["pending"]],
         [w["serviceArn"], w["serviceName"], w["clusterArn"], w["status"], w.get("launchType"),
          w["taskDefinition"], w["desiredCount"], w["runningCount"], w["pendingCount"]],
         "DescribeServices: service fields")
    t.eq([(d["id"], d["status"], d["rollout_state"], d["desired"], d["running"],
           d["created_s"]) for d in g["deployments"]],
         [(d["id"], d["status"], d.get("rolloutState"), d["desiredCount"], d["runningCount"],
           int(d["createdAt"].timestamp())) for d in w["deployments"]],
         "DescribeServices: deployments with rolloutState")
    t.eq([(x["target_group_arn"], x["container_name"], x["container_port"])
          for x in g["load_balancers"]],
         [(x["targetGroupArn"], x["containerName"], x["containerPort"])
          for x in w["loadBalancers"]], "DescribeServices: loadBalancers")
    t.eq([(f["arn"], f["reason"]) for f in got["failures"]],
         [(f["arn"], f["reason"]) for f in want["failures"]],
         "DescribeServices: failures reported")

    got = dump("describe-task-definition", "auth-service")
    w = ecs.describe_task_definition(taskDefinition="auth-service")["taskDefinition"]
    c, wc = got["containers"][0], w["containerDefinitions"][0]
    opts = wc["logConfiguration"]["options"]
    t.eq([got["arn"], got["family"], got["revision"], got["network_mode"], got["cpu"],
          got["memory"], c["name"], c["image"], c["container_port"], c["log_driver"],
          c["log_group"], c["log_region"], c["log_stream_prefix"]],
         [w["taskDefinitionArn"], w["family"], w["revision"], w["networkMode"], str(w["cpu"]),
          str(w["memory"]), wc["name"], wc["image"], wc["portMappings"][0]["containerPort"],
          wc["logConfiguration"]["logDriver"], opts["awslogs-group"], opts["awslogs-region"],
          opts["awslogs-stream-prefix"]],
         "DescribeTaskDefinition: containers with awslogs options")

    if s["tasks"] is not True:
        t.skip("ListTasks/DescribeTasks", s["tasks"])
        return
    want_tasks = ecs.list_tasks(cluster="MicroservicesCluster")["taskArns"]
    got_tasks = dump("list-tasks", "MicroservicesCluster", "--desired-status", "RUNNING")
    t.eq(sorted(got_tasks), sorted(want_tasks), "ListTasks")
    got = dump("describe-tasks", "MicroservicesCluster", *got_tasks)
    want = ecs.describe_tasks(cluster="MicroservicesCluster", tasks=got_tasks)["tasks"]

    def ips(task):
        out = []
        for a in task.get("attachments", []):
            for d in a.get("details", []):
                if d["name"] == "privateIPv4Address" and d["value"] not in out:
                    out.append(d["value"])
        for c in task.get("containers", []):
            for n in c.get("networkInterfaces", []):
                if n.get("privateIpv4Address") and n["privateIpv4Address"] not in out:
                    out.append(n["privateIpv4Address"])
        return out

    t.eq(sorted((x["arn"], x["id"], x["group"], x["task_definition_arn"], tuple(x["private_ips"]))
                for x in got["tasks"]),
         sorted((x["taskArn"], x["taskArn"].rsplit("/", 1)[1], x.get("group"),
                 x["taskDefinitionArn"], tuple(ips(x))) for x in want),
         "DescribeTasks: id from the ARN, group, private IPs")
    t.ok(all(x["private_ips"] for x in got["tasks"]), "DescribeTasks: every task has an IP")


def check_logs(s):
    logs = client("logs")
    got = dump("describe-log-groups", "/ecs/")
    want = logs.describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]
    t.eq([(g["name"], g["arn"], g["creation_ms"]) for g in got],
         [(w["logGroupName"], w["arn"], w["creationTime"]) for w in want],
         "DescribeLogGroups with a prefix")

    group = "/ecs/order-service"
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=group, startTime=s["t0_ms"], PaginationConfig={"PageSize": 10})
    want = [e for p in pages for e in p["events"]]
    got = dump("filter-log-events", group, "--start-ms", str(s["t0_ms"]), "--limit", "10")
    t.eq(len(got["events"]), 26, "FilterLogEvents: every event of the group (26)")
    t.ok(got["pages"] >= 3, "FilterLogEvents: followed nextToken over several pages",
         diag="pages: %r" % got["pages"])
    t.eq([(g["group"], g["stream"], g["message"], g["timestamp_ms"], g["ingestion_ms"],
           g["event_id"]) for g in got["events"]],
         [(group, w["logStreamName"], w["message"], w["timestamp"], w.get("ingestionTime", 0),
           w.get("eventId")) for w in want],
         "FilterLogEvents: stream, message, timestamp, ingestion time, event id as boto3")
    got = dump("filter-log-events", group, "--limit", "10", "--max-events", "15")
    t.ok(got["capped"] and len(got["events"]) == 15, "FilterLogEvents: the event cap stops "
         "paging and says so", diag=repr((got["capped"], len(got["events"]))))
    got = dump("filter-log-events", group, "--limit", "5", "--max-pages", "2")
    t.ok(got["capped"] and got["pages"] == 2 and len(got["events"]) == 10,
         "FilterLogEvents: the page cap stops paging and says so",
         diag=repr((got["capped"], got["pages"], len(got["events"]))))
    got = dump("filter-log-events", group, "--pattern", '"tok-task2-07"',
               "--stream", "ecs/order/task2")
    t.eq([g["message"] for g in got["events"]], ["GET /order/x?albcheck=tok-task2-07 200"],
         "FilterLogEvents: filter pattern and stream names passed through")
    err = dump("filter-log-events", "/ecs/none", expect_rc=3)
    t.ok("FilterLogEvents" in err and "ResourceNotFoundException" in err,
         "FilterLogEvents: a missing group is an AWS error naming the operation", diag=err)

    now = int(time.time())
    q = dump("start-query", "--query", "fields @timestamp, @message, @logStream | limit 5",
             "--start-s", str(now - 3600), "--end-s", str(now + 60), "/ecs/auth-service",
             "/ecs/product-service")
    t.ok(q["query_id"], "StartQuery: a query id")
    got = dump("get-query-results", q["query_id"])
    want = logs.get_query_results(queryId=q["query_id"])
    t.eq(got["status"], want["status"], "GetQueryResults: status")
    t.eq([[(f["field"], f["value"]) for f in r] for r in got["rows"]],
         [[(f["field"], f["value"]) for f in r] for r in want["results"]],
         "GetQueryResults: rows as field/value pairs")
    t.ok(len(got["rows"]) > 0, "GetQueryResults: the query found events",
         diag=repr(got)[:500])


def check_cfn(s):
    cfn = client("cloudformation")
    want = cfn.describe_stack_resources(StackName="typed-stack")["StackResources"]
    got = dump("describe-stack-resources", "typed-stack")
    t.eq([(g["logical_id"], g["physical_id"], g["type"], g["status"]) for g in got],
         [(w["LogicalResourceId"], w.get("PhysicalResourceId"), w["ResourceType"],
           w["ResourceStatus"]) for w in want], "DescribeStackResources")


try:
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(URL + "/moto-api/", timeout=1).read()
            break
        except Exception:  # noqa: BLE001 - not up yet
            if time.time() > deadline or server.poll() is not None:
                t.ok(False, "moto server started on %s" % URL)
                sys.exit(t.done())
            time.sleep(0.2)
    state = None
    if t.run("build the stack in moto with boto3", lambda: None if globals().update(
            state=build_stack()) else True):
        for fn in (check_load_balancers, check_listeners_and_rules, check_target_groups,
                   check_ecs, check_logs, check_cfn):
            t.run(fn.__name__ + " (no exception)", fn, state)
finally:
    stop_server()
sys.exit(t.done())
