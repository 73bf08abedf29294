"""In-process fixes for moto 5.2's gaps, so the AWS APIs answer as AWS would for the stack.

Applied once by the daemon before CreateStack (see /work/shared/MOTO.md and issue 3):

CloudFormation (moto drops properties when it creates these resources)
  - AWS::EC2::VPC             EnableDnsHostnames / EnableDnsSupport
  - AWS::ElasticLoadBalancingV2::LoadBalancer   LoadBalancerAttributes
  - AWS::ElasticLoadBalancingV2::TargetGroup    TargetGroupAttributes
  - AWS::ECS::TaskDefinition  NetworkMode, RequiresCompatibilities, Cpu, ExecutionRoleArn,
                              TaskRoleArn, RuntimePlatform, Tags
  - AWS::ECS::Service         LoadBalancers, LaunchType, NetworkConfiguration,
                              PlatformVersion, HealthCheckGracePeriodSeconds,
                              DeploymentConfiguration, PropagateTags, Tags, ...
ELBv2
  - DescribeTargetHealth reports the harness's real health-check results (moto says
    `healthy` for every ip target) and lists draining targets, as ALB does.
ECS
  - UpdateService keeps the real counts; a new task definition or forceNewDeployment
    starts a new deployment that the ECS emulation rolls out.
  - ListTasks defaults to desiredStatus RUNNING and honours serviceName (moto ignores
    both); tasks never drift towards STOPPED on their own when described.
CloudWatch Logs
  - FilterLogEvents: a double-quoted term is a plain substring match (moto's already
    is; asserted here so a moto upgrade that changes it fails loudly).
"""
import copy

from moto.ec2.models.vpcs import VPC
from moto.ecs import models as ecs_models
from moto.elbv2 import models as elbv2_models
from moto.logs import utils as logs_utils
from moto.moto_api import state_manager


class Hooks:
    """What the patched backends ask the harness. The daemon replaces these."""

    def target_health(self, tg, target):
        """(state, reason, description) for a registered target, or None for 'initial'."""
        return None

    def draining_targets(self, tg):
        """[{'Id','Port'}] of targets deregistered from tg and still draining."""
        return []

    def target_az(self, tg, target_id):
        return None

    def new_deployment(self, service):
        """UpdateService asked for a new deployment of this moto Service."""

    def service_changed(self, service):
        """UpdateService changed something else (desiredCount, ...)."""


hooks = Hooks()


def _phys(v):
    """A CloudFormation-resolved value as the API wants it (ARN/id, not the object)."""
    if hasattr(v, "physical_resource_id"):
        return v.physical_resource_id
    if hasattr(v, "arn"):
        return v.arn
    return v


def _camel(d):
    """PascalCase CloudFormation keys -> camelCase ECS API keys, recursively."""
    if isinstance(d, list):
        return [_camel(x) for x in d]
    if isinstance(d, dict):
        return {(k[:1].lower() + k[1:]): _camel(_phys(v)) for k, v in d.items()}
    return _phys(d)


def _wrap_cfn_create(cls, after):
    """Wrap cls.create_from_cloudformation_json so after(resource, props) runs next."""
    orig = cls.create_from_cloudformation_json.__func__

    def create(klass, resource_name, cloudformation_json, account_id, region_name, **kw):
        res = orig(klass, resource_name, cloudformation_json, account_id, region_name, **kw)
        after(res, cloudformation_json.get("Properties", {}), account_id, region_name)
        return res

    cls.create_from_cloudformation_json = classmethod(create)


def _vpc_after(vpc, props, account_id, region):
    for prop, attr in (("EnableDnsHostnames", "enable_dns_hostnames"),
                       ("EnableDnsSupport", "enable_dns_support")):
        if prop in props:
            setattr(vpc, attr, str(props[prop]).lower() == "true")


def _lb_after(lb, props, account_id, region):
    attrs = {a["Key"]: str(a["Value"]) for a in props.get("LoadBalancerAttributes", [])}
    if attrs:
        elbv2_models.elbv2_backends[account_id][region].modify_load_balancer_attributes(lb.arn, attrs)
    if props.get("IpAddressType"):
        lb.ip_address_type = props["IpAddressType"]


def _tg_after(tg, props, account_id, region):
    attrs = {a["Key"]: str(a["Value"]) for a in props.get("TargetGroupAttributes", [])}
    if attrs:
        elbv2_models.elbv2_backends[account_id][region].modify_target_group_attributes(tg.arn, attrs)
    if "HealthCheckEnabled" in props:
        tg.health_check_enabled = str(props["HealthCheckEnabled"]).lower() == "true"


def _taskdef_create(cls, resource_name, cloudformation_json, account_id, region_name, **kw):
    p = cloudformation_json["Properties"]
    backend = ecs_models.ecs_backends[account_id][region_name]
    family = p.get("Family") or "%s-%s" % (kw.get("stack_name", "stack"), resource_name)
    cds = ecs_models.remap_nested_keys(p.get("ContainerDefinitions", []),
                                       ecs_models.pascal_to_camelcase)
    for cd in cds:  # a resolved Ref may have left objects in nested values
        for k, v in list(cd.items()):
            cd[k] = _phys(v)
    tags = [{"key": t["Key"], "value": t["Value"]} for t in p.get("Tags", [])] or None
    td = backend.register_task_definition(
        family=family,
        container_definitions=cds,
        volumes=ecs_models.remap_nested_keys(p.get("Volumes", []), ecs_models.pascal_to_camelcase),
        network_mode=p.get("NetworkMode"),
        tags=tags,
        requires_compatibilities=p.get("RequiresCompatibilities"),
        cpu=str(p["Cpu"]) if "Cpu" in p else None,
        memory=str(p["Memory"]) if "Memory" in p else None,
        task_role_arn=_phys(p.get("TaskRoleArn")),
        execution_role_arn=_phys(p.get("ExecutionRoleArn")),
        runtime_platform=_camel(p["RuntimePlatform"]) if "RuntimePlatform" in p else None,
    )
    if p.get("NetworkMode"):
        td.network_mode = p["NetworkMode"]
    return td


def _service_create(cls, resource_name, cloudformation_json, account_id, region_name, **kw):
    p = cloudformation_json["Properties"]
    backend = ecs_models.ecs_backends[account_id][region_name]
    cluster = p.get("Cluster", "default")
    cluster = cluster.name if isinstance(cluster, ecs_models.Cluster) else _phys(cluster)
    td = p.get("TaskDefinition")
    td = td.arn if isinstance(td, ecs_models.TaskDefinition) else _phys(td)
    lbs = [{"targetGroupArn": _phys(lb.get("TargetGroupArn")),
            "containerName": lb.get("ContainerName"),
            "containerPort": int(lb["ContainerPort"]) if "ContainerPort" in lb else None}
           for lb in p.get("LoadBalancers", [])]
    for lb in lbs:
        if lb["containerPort"] is None:
            del lb["containerPort"]
    netconf = None
    if "NetworkConfiguration" in p:
        av = p["NetworkConfiguration"].get("AwsvpcConfiguration", {})
        netconf = {"awsvpcConfiguration": {
            "subnets": [_phys(s) for s in av.get("Subnets", [])],
            "securityGroups": [_phys(s) for s in av.get("SecurityGroups", [])],
            "assignPublicIp": av.get("AssignPublicIp", "DISABLED")}}
    tags = [{"key": t["Key"], "value": t["Value"]} for t in p.get("Tags", [])] or None
    svc = backend.create_service(
        cluster, p.get("ServiceName") or resource_name,
        int(p["DesiredCount"]) if p.get("DesiredCount") is not None else 1,
        task_definition_str=td,
        load_balancers=lbs,
        tags=tags,
        deployment_controller=_camel(p["DeploymentController"]) if "DeploymentController" in p else None,
        launch_type=p.get("LaunchType"),
        platform_version=p.get("PlatformVersion") or ("LATEST" if p.get("LaunchType") == "FARGATE" else None),
        propagate_tags=p.get("PropagateTags", "NONE"),
        network_configuration=netconf,
        role_arn=_phys(p.get("Role")),
    )
    if "SchedulingStrategy" in p:
        svc.scheduling_strategy = p["SchedulingStrategy"]
    if "HealthCheckGracePeriodSeconds" in p:
        svc.health_check_grace_period_seconds = int(p["HealthCheckGracePeriodSeconds"])
    dc = _camel(p.get("DeploymentConfiguration", {}))
    dc.setdefault("maximumPercent", 200)
    dc.setdefault("minimumHealthyPercent", 100)
    dc.setdefault("deploymentCircuitBreaker", {"enable": False, "rollback": False})
    svc.deployment_configuration = dc
    svc.enable_ecs_managed_tags = str(p.get("EnableECSManagedTags", "false")).lower() == "true"
    svc.enable_execute_command = str(p.get("EnableExecuteCommand", "false")).lower() == "true"
    for d in svc.deployments:
        d["networkConfiguration"] = netconf
        d["platformVersion"] = svc.platform_version
    return svc


class _HealthStatus(elbv2_models.FakeHealthStatus):
    def __init__(self, *a, az=None, **kw):
        super().__init__(*a, **kw)
        self.az = az

    @property
    def target(self):
        t = {"Id": self.instance_id, "Port": self.port}
        if self.az:
            t["AvailabilityZone"] = self.az
        return t


def _hc_port(tg, port):
    if tg.health_check_port in (None, "traffic-port"):
        return str(port)
    return str(tg.health_check_port)


def _describe_target_health(self, target_group_arn, targets):
    tg = self.target_groups.get(target_group_arn)
    if tg is None:
        raise elbv2_models.TargetGroupNotFoundError()
    draining = {t["Id"]: t for t in hooks.draining_targets(tg)}
    if not targets:
        targets = list(tg.targets.values()) + [t for i, t in draining.items() if i not in tg.targets]
    out = []
    for t in targets:
        tid = t["Id"]
        reg = tg.targets.get(tid)
        if reg is not None and ("Port" not in t or int(t["Port"]) == int(reg["Port"])):
            h = hooks.target_health(tg, reg) or (
                "initial", "Elb.RegistrationInProgress", "Target registration is in progress")
            port = reg["Port"]
        elif tid in draining:
            port = draining[tid]["Port"]
            h = ("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")
        else:
            out.append(tg.health_for(t, self.ec2_backend))
            continue
        state, reason, desc = h
        out.append(_HealthStatus(tid, port, _hc_port(tg, port), state, reason, desc,
                                 az=hooks.target_az(tg, tid)))
    return out


_orig_update_service = ecs_models.EC2ContainerServiceBackend.update_service


def _update_service(self, service_properties):
    """UpdateService as ECS does it: counts stay what the tasks say (moto sets running =
    desired at once), the task definition is stored as an ARN, and a new task
    definition or forceNewDeployment starts a new deployment (hooks.new_deployment)."""
    props = dict(service_properties)
    svc = self._get_service(props.get("cluster", "default"), props["service"].split("/")[-1])
    before = (svc.running_count, svc.pending_count, svc.task_definition, copy.deepcopy(svc.deployments))
    res = _orig_update_service(self, service_properties)
    res.running_count, res.pending_count = before[0], before[1]
    res.deployments = before[3]
    if props.get("task_definition"):
        res.task_definition = self.describe_task_definition(props["task_definition"]).arn
    if res.task_definition != before[2] or props.get("force_new_deployment"):
        hooks.new_deployment(res)
    else:
        hooks.service_changed(res)
    return res


_orig_list_tasks = ecs_models.EC2ContainerServiceBackend.list_tasks


def _list_tasks(self, cluster_str=None, container_instance=None, family=None,
                started_by=None, service_name=None, desiredStatus=None):
    tasks = _orig_list_tasks(self, cluster_str, container_instance, family, started_by,
                             None, desiredStatus or "RUNNING")
    if service_name:
        name = service_name.rsplit("/", 1)[-1]
        tasks = [t for t in tasks if t.group == "service:" + name]
    return tasks


def _share_botocore_json():
    """Load each botocore data file once per process (moto and boto3 each load the
    EC2 model and endpoints.json several times through separate loaders: ~1 s)."""
    import botocore.loaders
    orig = botocore.loaders.JSONFileLoader.load_file
    cache = {}

    def load_file(self, file_path):
        if file_path not in cache:
            cache[file_path] = orig(self, file_path)
        return cache[file_path]

    botocore.loaders.JSONFileLoader.load_file = load_file


_applied = False


def apply():
    """Install every patch (idempotent)."""
    global _applied
    if _applied:
        return
    _applied = True
    _share_botocore_json()
    _wrap_cfn_create(VPC, _vpc_after)
    _wrap_cfn_create(elbv2_models.FakeLoadBalancer, _lb_after)
    _wrap_cfn_create(elbv2_models.FakeTargetGroup, _tg_after)
    ecs_models.TaskDefinition.create_from_cloudformation_json = classmethod(_taskdef_create)
    ecs_models.Service.create_from_cloudformation_json = classmethod(_service_create)
    elbv2_models.ELBv2Backend.describe_target_health = _describe_target_health
    ecs_models.EC2ContainerServiceBackend.list_tasks = _list_tasks
    ecs_models.EC2ContainerServiceBackend.update_service = _update_service
    state_manager.set_transition(model_name="ecs::task",
                                 transition={"progression": "manual", "times": 10 ** 12})
    # FilterLogEvents: albcheck searches for a quoted token prefix ("albcheck-<run>-").
    probe = logs_utils.EventMessageFilter('"albcheck-x-"')
    if not probe.matches("GET /a?albcheck-x-7 rid=albcheck-x-7") or probe.matches("albcheck-y-7"):
        raise RuntimeError("moto's FilterLogEvents no longer treats a quoted term as a substring; "
                           "update harness/motopatch.py")

