/* topology.h — the stack as discovered from the AWS APIs.
 *
 * One plain model (DESIGN §2): discovery fills a struct topology; every later
 * stage (checks, probes, log correlation, reports) reads only this.  The typed
 * AWS calls (aws/elbv2.h, aws/ecs.h) parse their answers straight into these
 * structs.  Every string is owned by the struct that holds it; arrays are
 * owned with their counts.  topology_free() releases everything.
 *
 * Strings that AWS may omit are NULL (never ""), numbers AWS may omit are 0
 * unless said otherwise.
 */
#ifndef ALBCHECK_MODEL_TOPOLOGY_H
#define ALBCHECK_MODEL_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ ELBv2 */

struct kv {
    char *key;
    char *value;
};

/* One rule condition.  ELBv2 answers either the legacy form (Field + Values)
 * or the *Config form; parsers normalise both into this. */
struct rule_condition {
    char *field;            /* "path-pattern", "host-header", "http-request-method",
                               "http-header", "query-string", "source-ip" */
    char **values;          /* path/host/method/source-ip/http-header values */
    size_t n_values;
    char *header_name;      /* http-header only */
    struct kv *query;       /* query-string only: Key (may be NULL) / Value */
    size_t n_query;
    char **regex_values;    /* newer API RegexValues (path/host/header) */
    size_t n_regex_values;
};

struct forward_target {
    char *target_group_arn;
    int weight;             /* 1 when not weighted */
};

struct rule_action {
    char *type;             /* forward | fixed-response | redirect | authenticate-* */
    int order;              /* 0 when absent */
    /* forward: TargetGroupArn, or ForwardConfig.TargetGroups */
    struct forward_target *targets;
    size_t n_targets;
    /* fixed-response */
    int fixed_status;       /* StatusCode, e.g. 404 */
    char *fixed_content_type;
    char *fixed_body;
    /* redirect */
    char *redirect_protocol, *redirect_host, *redirect_port, *redirect_path,
         *redirect_query, *redirect_status;  /* HTTP_301 | HTTP_302 */
};

struct rule {
    char *arn;
    int priority;           /* 1..50000; INT_MAX for the default rule */
    bool is_default;
    struct rule_condition *conditions;
    size_t n_conditions;
    struct rule_action *actions;
    size_t n_actions;
};

struct listener {
    char *arn;
    char *protocol;         /* HTTP | HTTPS */
    int port;
    char *ssl_policy;
    char **certificate_arns;
    size_t n_certificate_arns;
    struct rule_action *default_actions;
    size_t n_default_actions;
    struct rule *rules;     /* sorted: priority ascending, the default rule last */
    size_t n_rules;
};

struct target {
    char *id;               /* IP address (ip targets) or instance id */
    int port;
    char *availability_zone;
    char *health_check_port;
    char *state;            /* initial|healthy|unhealthy|unhealthy.draining|unused|draining|unavailable */
    char *reason;           /* e.g. Target.FailedHealthChecks; NULL when healthy */
    char *description;
    char *task_arn;         /* ECS task serving this target, when discovery mapped it */
    char *task_id;
};

struct target_group {
    char *arn;
    char *name;
    char *protocol;
    int port;
    char *target_type;      /* ip | instance | lambda | alb */
    char *vpc_id;
    char *hc_protocol;
    char *hc_port;          /* "traffic-port" or a number */
    char *hc_path;
    bool hc_enabled;
    int hc_interval_s, hc_timeout_s, healthy_threshold, unhealthy_threshold;
    char *matcher;          /* HttpCode, e.g. "200" or "200-299" */
    char **load_balancer_arns;
    size_t n_load_balancer_arns;
    struct target *targets; /* from DescribeTargetHealth */
    size_t n_targets;
};

struct load_balancer {
    char *arn;
    char *name;
    char *dns_name;
    char *canonical_hosted_zone_id;
    char *scheme;           /* internet-facing | internal */
    char *type;             /* application | network | gateway */
    char *state;            /* active | provisioning | active_impaired | failed */
    char *state_reason;
    char *vpc_id;
    char *ip_address_type;
    char **availability_zones;
    size_t n_availability_zones;
    char **security_groups;
    size_t n_security_groups;
    struct kv *tags;
    size_t n_tags;
    int64_t created_s;      /* epoch seconds, 0 when unknown */
};

/* ------------------------------------------------------------ ECS */

struct container_def {
    char *name;
    char *image;
    int container_port;     /* first port mapping, 0 when none */
    bool essential;
    char *log_driver;       /* "awslogs" */
    char *log_group;        /* awslogs-group */
    char *log_region;       /* awslogs-region */
    char *log_stream_prefix;/* awslogs-stream-prefix */
};

struct task_def {
    char *arn;
    char *family;
    int revision;
    char *cpu, *memory;
    char *network_mode;
    char *execution_role_arn;
    struct container_def *containers;
    size_t n_containers;
};

struct ecs_deployment {
    char *id;
    char *status;           /* PRIMARY | ACTIVE | INACTIVE */
    char *rollout_state;    /* COMPLETED | IN_PROGRESS | FAILED; NULL when absent */
    char *rollout_state_reason;
    char *task_definition;
    int desired, running, pending, failed_tasks;
    int64_t created_s, updated_s;
};

struct ecs_service_lb {
    char *target_group_arn;
    char *container_name;
    int container_port;
};

struct ecs_task {
    char *arn;
    char *id;               /* last segment of the ARN */
    char *cluster_arn;
    char *task_definition_arn;
    char *group;            /* "service:<name>" */
    char *started_by;
    char *last_status;      /* RUNNING | STOPPED | … */
    char *desired_status;
    char *health_status;
    char *stopped_reason;
    char **private_ips;     /* from the ENI attachment / containers' networkInterfaces */
    size_t n_private_ips;
    int64_t started_s;
};

struct ecs_service {
    char *arn;
    char *name;
    char *cluster_arn;
    char *status;           /* ACTIVE | DRAINING | INACTIVE */
    char *launch_type;
    char *task_definition;  /* ARN */
    int desired, running, pending;
    struct ecs_deployment *deployments;
    size_t n_deployments;
    struct ecs_service_lb *load_balancers;
    size_t n_load_balancers;
    char **recent_events;   /* newest first, at most a few */
    size_t n_recent_events;
    /* Filled by discovery, not by DescribeServices: */
    struct task_def *task_def;  /* borrowed from topology.task_defs */
    struct ecs_task *tasks;     /* running tasks of this service */
    size_t n_tasks;
};

/* ------------------------------------------------------------ the whole */

struct aws_call_count {
    char *operation;        /* "ELBv2.DescribeRules" */
    unsigned calls;         /* requests made, retries included */
};

struct topology {
    char *region;
    char *account_id;       /* when known */
    struct load_balancer lb;
    struct listener *listeners;
    size_t n_listeners;
    struct target_group *target_groups;
    size_t n_target_groups;
    struct ecs_service *services;
    size_t n_services;
    struct task_def *task_defs;
    size_t n_task_defs;
    struct aws_call_count *calls;
    size_t n_calls;
    int64_t discovered_ms;  /* epoch milliseconds */
    double discovery_s;     /* wall time discovery took */
};

struct topology *topology_new(void);
void topology_free(struct topology *t);

/* Cleanup helpers for the parts (each frees what the struct owns, not the
 * struct itself; all accept NULL). */
void kv_cleanup(struct kv *kv);
void rule_condition_cleanup(struct rule_condition *c);
void rule_action_cleanup(struct rule_action *a);
void rule_cleanup(struct rule *r);
void listener_cleanup(struct listener *l);
void target_cleanup(struct target *t);
void target_group_cleanup(struct target_group *tg);
void load_balancer_cleanup(struct load_balancer *lb);
void container_def_cleanup(struct container_def *c);
void task_def_cleanup(struct task_def *td);
void ecs_deployment_cleanup(struct ecs_deployment *d);
void ecs_task_cleanup(struct ecs_task *t);
void ecs_service_cleanup(struct ecs_service *s);
/* Free an array of n strings and the array. */
void strv_free(char **v, size_t n);

/* Lookups (borrowed results, NULL when absent). */
struct target_group *topology_tg_by_arn(const struct topology *t, const char *arn);
struct target_group *topology_tg_by_name(const struct topology *t, const char *name);
struct ecs_service *topology_service_by_name(const struct topology *t, const char *name);
/* The ECS service whose loadBalancers entry points at this target group. */
struct ecs_service *topology_service_for_tg(const struct topology *t, const char *tg_arn);

#endif
