/* awsdump.c — call one typed AWS operation and print the parsed structs as JSON.
 *
 * For script tests (tests/integration/test_typed_moto.py compares its output
 * with boto3's answers) and for debugging discovery by hand:
 *
 *   awsdump --endpoint-url http://127.0.0.1:5000 --region us-east-1 describe-rules ARN
 *
 * Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN only (a test tool, not the provider chain).  Exit status:
 * 0 ok, 2 usage, 3 an AWS or parse error (the message on stderr).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cfn.h"
#include "aws/client.h"
#include "aws/ecs.h"
#include "aws/elbv2.h"
#include "aws/logs.h"
#include "util/xmalloc.h"

#define MAX_LIST 64

struct opts {
    const char *endpoint, *region;
    const char *names[MAX_LIST], *arns[MAX_LIST], *streams[MAX_LIST];
    size_t n_names, n_arns, n_streams;
    const char *lb_arn, *pattern, *service_name, *desired_status, *query;
    long long start_ms, end_ms, start_s, end_s;
    int limit, max_pages;
    long max_events;
    char **args;            /* positional: operation, then its arguments */
    int n_args;
};

static int env_creds(void *ctx, struct aws_creds *out, struct err *e)
{
    (void)ctx;
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    if (!ak || !sk)
        return err_set(e, ERR_CONFIG, "awsdump: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    memset(out, 0, sizeof *out);
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = xstrdup(getenv("AWS_SESSION_TOKEN"));
    out->source = xstrdup("environment");
    return 0;
}

/* Split "a,b,c" into v (pointers into s, which is modified). */
static void split_list(char *s, const char **v, size_t *n)
{
    for (char *tok = strtok(s, ","); tok && *n < MAX_LIST; tok = strtok(NULL, ","))
        v[(*n)++] = tok;
}

/* ------------------------------------------------------------ JSON of the structs */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jstrv(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jstr(v[i]));
    return a;
}

static json_t *jkv(const struct kv *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o}", "key", jstr(v[i].key), "value",
                                           jstr(v[i].value)));
    return a;
}

static json_t *j_actions(const struct rule_action *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *targets = json_array();
        for (size_t t = 0; t < v[i].n_targets; t++)
            json_array_append_new(targets, json_pack("{s:o, s:i}", "target_group_arn",
                                                     jstr(v[i].targets[t].target_group_arn),
                                                     "weight", v[i].targets[t].weight));
        json_t *o = json_pack("{s:o, s:i, s:o}", "type", jstr(v[i].type), "order", v[i].order,
                              "targets", targets);
        if (strcmp(v[i].type, "fixed-response") == 0)
            json_object_set_new(o, "fixed", json_pack("{s:i, s:o, s:o}", "status",
                                                      v[i].fixed_status, "content_type",
                                                      jstr(v[i].fixed_content_type), "body",
                                                      jstr(v[i].fixed_body)));
        if (strcmp(v[i].type, "redirect") == 0)
            json_object_set_new(
                o, "redirect",
                json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "protocol",
                          jstr(v[i].redirect_protocol), "host", jstr(v[i].redirect_host), "port",
                          jstr(v[i].redirect_port), "path", jstr(v[i].redirect_path), "query",
                          jstr(v[i].redirect_query), "status", jstr(v[i].redirect_status)));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *j_rules(const struct rule *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *conds = json_array();
        for (size_t c = 0; c < v[i].n_conditions; c++) {
            const struct rule_condition *rc = &v[i].conditions[c];
            json_array_append_new(
                conds, json_pack("{s:o, s:o, s:o, s:o, s:o}", "field", jstr(rc->field), "values",
                                 jstrv(rc->values, rc->n_values), "header_name",
                                 jstr(rc->header_name), "query", jkv(rc->query, rc->n_query),
                                 "regex_values", jstrv(rc->regex_values, rc->n_regex_values)));
        }
        json_array_append_new(
            a, json_pack("{s:o, s:i, s:b, s:o, s:o}", "arn", jstr(v[i].arn), "priority",
                         v[i].priority, "is_default", v[i].is_default, "conditions", conds,
                         "actions", j_actions(v[i].actions, v[i].n_actions)));
    }
    return a;
}

static json_t *j_lbs(const struct load_balancer *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
                         "arn", jstr(v[i].arn), "name", jstr(v[i].name), "dns_name",
                         jstr(v[i].dns_name), "canonical_hosted_zone_id",
                         jstr(v[i].canonical_hosted_zone_id), "scheme", jstr(v[i].scheme),
                         "type", jstr(v[i].type), "state", jstr(v[i].state), "state_reason",
                         jstr(v[i].state_reason), "vpc_id", jstr(v[i].vpc_id),
                         "ip_address_type", jstr(v[i].ip_address_type), "availability_zones",
                         jstrv(v[i].availability_zones, v[i].n_availability_zones),
                         "security_groups", jstrv(v[i].security_groups, v[i].n_security_groups),
                         "created_s", (json_int_t)v[i].created_s));
    return a;
}

static json_t *j_listeners(const struct listener *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:o, s:o, s:i, s:o, s:o, s:o}", "arn", jstr(v[i].arn), "protocol",
                         jstr(v[i].protocol), "port", v[i].port, "ssl_policy",
                         jstr(v[i].ssl_policy), "certificate_arns",
                         jstrv(v[i].certificate_arns, v[i].n_certificate_arns),
                         "default_actions",
                         j_actions(v[i].default_actions, v[i].n_default_actions)));
    return a;
}

static json_t *j_tgs(const struct target_group *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:o, s:o, s:o, s:i, s:o, s:o}", "arn", jstr(v[i].arn), "name",
                              jstr(v[i].name), "protocol", jstr(v[i].protocol), "port",
                              v[i].port, "target_type", jstr(v[i].target_type), "vpc_id",
                              jstr(v[i].vpc_id));
        json_object_set_new(o, "hc", json_pack("{s:o, s:o, s:o, s:b, s:i, s:i, s:i, s:i}",
                                               "protocol", jstr(v[i].hc_protocol), "port",
                                               jstr(v[i].hc_port), "path", jstr(v[i].hc_path),
                                               "enabled", v[i].hc_enabled, "interval_s",
                                               v[i].hc_interval_s, "timeout_s",
                                               v[i].hc_timeout_s, "healthy_threshold",
                                               v[i].healthy_threshold, "unhealthy_threshold",
                                               v[i].unhealthy_threshold));
        json_object_set_new(o, "matcher", jstr(v[i].matcher));
        json_object_set_new(o, "load_balancer_arns",
                            jstrv(v[i].load_balancer_arns, v[i].n_load_balancer_arns));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *j_targets(const struct target *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "id", jstr(v[i].id), "port",
                         v[i].port, "availability_zone", jstr(v[i].availability_zone),
                         "health_check_port", jstr(v[i].health_check_port), "state",
                         jstr(v[i].state), "reason", jstr(v[i].reason), "description",
                         jstr(v[i].description)));
    return a;
}

static json_t *j_failures(const struct ecs_failure *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o, s:o}", "arn", jstr(v[i].arn), "reason",
                                           jstr(v[i].reason), "detail", jstr(v[i].detail)));
    return a;
}

static json_t *j_services(const struct ecs_service *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *deps = json_array(), *lbs = json_array();
        for (size_t d = 0; d < v[i].n_deployments; d++) {
            const struct ecs_deployment *x = &v[i].deployments[d];
            json_array_append_new(
                deps, json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:I, s:I}", "id",
                                jstr(x->id), "status", jstr(x->status), "rollout_state",
                                jstr(x->rollout_state), "rollout_state_reason",
                                jstr(x->rollout_state_reason), "task_definition",
                                jstr(x->task_definition), "desired", x->desired, "running",
                                x->running, "pending", x->pending, "failed_tasks",
                                x->failed_tasks, "created_s", (json_int_t)x->created_s,
                                "updated_s", (json_int_t)x->updated_s));
        }
        for (size_t l = 0; l < v[i].n_load_balancers; l++)
            json_array_append_new(
                lbs, json_pack("{s:o, s:o, s:i}", "target_group_arn",
                               jstr(v[i].load_balancers[l].target_group_arn), "container_name",
                               jstr(v[i].load_balancers[l].container_name), "container_port",
                               v[i].load_balancers[l].container_port));
        json_array_append_new(
            a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:o, s:o, s:o}", "arn",
                         jstr(v[i].arn), "name", jstr(v[i].name), "cluster_arn",
                         jstr(v[i].cluster_arn), "status", jstr(v[i].status), "launch_type",
                         jstr(v[i].launch_type), "task_definition", jstr(v[i].task_definition),
                         "desired", v[i].desired, "running", v[i].running, "pending",
                         v[i].pending, "deployments", deps, "load_balancers", lbs,
                         "recent_events", jstrv(v[i].recent_events, v[i].n_recent_events)));
    }
    return a;
}

static json_t *j_task_def(const struct task_def *td)
{
    json_t *cs = json_array();
    for (size_t i = 0; i < td->n_containers; i++) {
        const struct container_def *c = &td->containers[i];
        json_array_append_new(
            cs, json_pack("{s:o, s:o, s:i, s:b, s:o, s:o, s:o, s:o}", "name", jstr(c->name),
                          "image", jstr(c->image), "container_port", c->container_port,
                          "essential", c->essential, "log_driver", jstr(c->log_driver),
                          "log_group", jstr(c->log_group), "log_region", jstr(c->log_region),
                          "log_stream_prefix", jstr(c->log_stream_prefix)));
    }
    return json_pack("{s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "arn", jstr(td->arn), "family",
                     jstr(td->family), "revision", td->revision, "cpu", jstr(td->cpu), "memory",
                     jstr(td->memory), "network_mode", jstr(td->network_mode),
                     "execution_role_arn", jstr(td->execution_role_arn), "containers", cs);
}

static json_t *j_tasks(const struct ecs_task *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "arn",
                         jstr(v[i].arn), "id", jstr(v[i].id), "cluster_arn",
                         jstr(v[i].cluster_arn), "task_definition_arn",
                         jstr(v[i].task_definition_arn), "group", jstr(v[i].group),
                         "started_by", jstr(v[i].started_by), "last_status",
                         jstr(v[i].last_status), "desired_status", jstr(v[i].desired_status),
                         "health_status", jstr(v[i].health_status), "stopped_reason",
                         jstr(v[i].stopped_reason), "private_ips",
                         jstrv(v[i].private_ips, v[i].n_private_ips), "started_s",
                         (json_int_t)v[i].started_s));
    return a;
}

/* ------------------------------------------------------------ operations */

static int usage(FILE *f)
{
    fputs("usage: awsdump [--endpoint-url URL] [--region R] OPERATION [ARGS]\n"
          "  describe-load-balancers [--names a,b | --arns a,b]\n"
          "  describe-listeners LB_ARN\n"
          "  describe-rules LISTENER_ARN\n"
          "  describe-target-groups [--lb-arn ARN | --names a,b | --arns a,b]\n"
          "  describe-target-health TG_ARN\n"
          "  describe-tags ARN...\n"
          "  describe-stack-resources STACK\n"
          "  list-clusters | list-services CLUSTER\n"
          "  describe-services CLUSTER SERVICE...\n"
          "  describe-task-definition TASKDEF\n"
          "  list-tasks CLUSTER [--service-name S] [--desired-status S]\n"
          "  describe-tasks CLUSTER TASK...\n"
          "  describe-log-groups [PREFIX]\n"
          "  filter-log-events GROUP [--pattern P] [--start-ms N] [--end-ms N] [--limit N]\n"
          "                    [--max-pages N] [--max-events N] [--stream S]...\n"
          "  start-query --query Q --start-s N --end-s N [--limit N] GROUP...\n"
          "  get-query-results QUERY_ID\n",
          f);
    return 2;
}

/* Run the operation; *out gets the JSON to print. */
static int run(struct aws_client *c, const struct opts *o, json_t **out, struct err *e)
{
    const char *op = o->args[0];
    const char *a1 = o->n_args > 1 ? o->args[1] : NULL;
    const char *const *rest = (const char *const *)o->args + 2;
    size_t n_rest = o->n_args > 2 ? (size_t)o->n_args - 2 : 0;
    size_t n = 0, nf = 0;
    int rc = -1;
    if (strcmp(op, "describe-load-balancers") == 0) {
        struct load_balancer *v;
        rc = elbv2_describe_load_balancers(c, o->names, o->n_names, o->arns, o->n_arns, &v, &n, e);
        if (rc == 0) {
            *out = j_lbs(v, n);
            elbv2_free_load_balancers(v, n);
        }
    } else if (strcmp(op, "describe-listeners") == 0 && a1) {
        struct listener *v;
        rc = elbv2_describe_listeners(c, a1, &v, &n, e);
        if (rc == 0) {
            *out = j_listeners(v, n);
            elbv2_free_listeners(v, n);
        }
    } else if (strcmp(op, "describe-rules") == 0 && a1) {
        struct rule *v;
        rc = elbv2_describe_rules(c, a1, &v, &n, e);
        if (rc == 0) {
            *out = j_rules(v, n);
            elbv2_free_rules(v, n);
        }
    } else if (strcmp(op, "describe-target-groups") == 0) {
        struct target_group *v;
        rc = elbv2_describe_target_groups(c, o->lb_arn, o->names, o->n_names, o->arns, o->n_arns,
                                          &v, &n, e);
        if (rc == 0) {
            *out = j_tgs(v, n);
            elbv2_free_target_groups(v, n);
        }
    } else if (strcmp(op, "describe-target-health") == 0 && a1) {
        struct target *v;
        rc = elbv2_describe_target_health(c, a1, &v, &n, e);
        if (rc == 0) {
            *out = j_targets(v, n);
            elbv2_free_targets(v, n);
        }
    } else if (strcmp(op, "describe-tags") == 0 && a1) {
        struct elbv2_tags *v;
        rc = elbv2_describe_tags(c, (const char *const *)o->args + 1, (size_t)o->n_args - 1, &v,
                                 &n, e);
        if (rc == 0) {
            *out = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(*out, json_pack("{s:o, s:o}", "resource_arn",
                                                      jstr(v[i].resource_arn), "tags",
                                                      jkv(v[i].tags, v[i].n_tags)));
            elbv2_free_tags(v, n);
        }
    } else if (strcmp(op, "describe-stack-resources") == 0 && a1) {
        struct cfn_resource *v;
        rc = cfn_describe_stack_resources(c, a1, &v, &n, e);
        if (rc == 0) {
            *out = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(
                    *out, json_pack("{s:o, s:o, s:o, s:o}", "logical_id", jstr(v[i].logical_id),
                                    "physical_id", jstr(v[i].physical_id), "type",
                                    jstr(v[i].type), "status", jstr(v[i].status)));
            cfn_free_resources(v, n);
        }
    } else if (strcmp(op, "list-clusters") == 0 || (strcmp(op, "list-services") == 0 && a1) ||
               (strcmp(op, "list-tasks") == 0 && a1)) {
        char **v;
        if (op[5] == 'c')
            rc = ecs_list_clusters(c, &v, &n, e);
        else if (op[5] == 's')
            rc = ecs_list_services(c, a1, &v, &n, e);
        else
            rc = ecs_list_tasks(c, a1, o->service_name, o->desired_status, &v, &n, e);
        if (rc == 0) {
            *out = jstrv(v, n);
            strv_free(v, n);
        }
    } else if (strcmp(op, "describe-services") == 0 && a1) {
        struct ecs_service *v;
        struct ecs_failure *f;
        rc = ecs_describe_services(c, a1, rest, n_rest, &v, &n, &f, &nf, e);
        if (rc == 0) {
            *out = json_pack("{s:o, s:o}", "services", j_services(v, n), "failures",
                             j_failures(f, nf));
            ecs_free_services(v, n);
            ecs_free_failures(f, nf);
        }
    } else if (strcmp(op, "describe-task-definition") == 0 && a1) {
        struct task_def td;
        rc = ecs_describe_task_definition(c, a1, &td, e);
        if (rc == 0) {
            *out = j_task_def(&td);
            task_def_cleanup(&td);
        }
    } else if (strcmp(op, "describe-tasks") == 0 && a1) {
        struct ecs_task *v;
        struct ecs_failure *f;
        rc = ecs_describe_tasks(c, a1, rest, n_rest, &v, &n, &f, &nf, e);
        if (rc == 0) {
            *out = json_pack("{s:o, s:o}", "tasks", j_tasks(v, n), "failures", j_failures(f, nf));
            ecs_free_tasks(v, n);
            ecs_free_failures(f, nf);
        }
    } else if (strcmp(op, "describe-log-groups") == 0) {
        struct log_group *v;
        rc = logs_describe_log_groups(c, a1, &v, &n, e);
        if (rc == 0) {
            *out = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(
                    *out, json_pack("{s:o, s:o, s:I, s:i, s:I}", "name", jstr(v[i].name), "arn",
                                    jstr(v[i].arn), "creation_ms", (json_int_t)v[i].creation_ms,
                                    "retention_days", v[i].retention_days, "stored_bytes",
                                    (json_int_t)v[i].stored_bytes));
            logs_free_groups(v, n);
        }
    } else if (strcmp(op, "filter-log-events") == 0 && a1) {
        struct logs_filter f = {
            .group = a1, .pattern = o->pattern, .start_ms = o->start_ms, .end_ms = o->end_ms,
            .streams = o->streams, .n_streams = o->n_streams, .limit = o->limit,
            .max_pages = (unsigned)o->max_pages, .max_events = (size_t)o->max_events,
        };
        struct log_events ev;
        log_events_init(&ev);
        rc = logs_filter_log_events(c, &f, &ev, e);
        if (rc == 0) {
            json_t *events = json_array();
            for (size_t i = 0; i < ev.n; i++) {
                const struct log_event *x = &ev.items[i];
                json_array_append_new(
                    events, json_pack("{s:o, s:o, s:o, s:I, s:I, s:o}", "group", jstr(x->group),
                                      "stream", jstr(x->stream), "message", jstr(x->message),
                                      "timestamp_ms", (json_int_t)x->timestamp_ms,
                                      "ingestion_ms", (json_int_t)x->ingestion_ms, "event_id",
                                      jstr(x->event_id)));
            }
            *out = json_pack("{s:o, s:i, s:b}", "events", events, "pages", (int)ev.pages,
                             "capped", ev.capped);
        }
        log_events_cleanup(&ev);
    } else if (strcmp(op, "start-query") == 0 && a1) {
        char *id = NULL;
        rc = logs_start_query(c, (const char *const *)o->args + 1, (size_t)o->n_args - 1,
                              o->query, o->start_s, o->end_s, o->limit, &id, e);
        if (rc == 0)
            *out = json_pack("{s:s}", "query_id", id);
        free(id);
    } else if (strcmp(op, "get-query-results") == 0 && a1) {
        struct logs_query_result r;
        rc = logs_get_query_results(c, a1, &r, e);
        if (rc == 0) {
            json_t *rows = json_array();
            for (size_t i = 0; i < r.n_rows; i++) {
                json_t *row = json_array();
                for (size_t j = 0; j < r.rows[i].n_fields; j++)
                    json_array_append_new(row, json_pack("{s:o, s:o}", "field",
                                                         jstr(r.rows[i].fields[j].field), "value",
                                                         jstr(r.rows[i].fields[j].value)));
                json_array_append_new(rows, row);
            }
            *out = json_pack("{s:o, s:o, s:f, s:f, s:f}", "status", jstr(r.status), "rows", rows,
                             "records_matched", r.records_matched, "records_scanned",
                             r.records_scanned, "bytes_scanned", r.bytes_scanned);
            logs_query_result_cleanup(&r);
        }
    } else {
        return err_set(e, ERR_USAGE, "unknown operation or missing argument: %s", op);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"endpoint-url", required_argument, NULL, 'E'}, {"region", required_argument, NULL, 'r'},
        {"names", required_argument, NULL, 'n'},        {"arns", required_argument, NULL, 'a'},
        {"lb-arn", required_argument, NULL, 'l'},       {"pattern", required_argument, NULL, 'p'},
        {"start-ms", required_argument, NULL, 's'},     {"end-ms", required_argument, NULL, 'e'},
        {"start-s", required_argument, NULL, 'S'},      {"end-s", required_argument, NULL, 'T'},
        {"limit", required_argument, NULL, 'L'},        {"max-pages", required_argument, NULL, 'P'},
        {"max-events", required_argument, NULL, 'M'},   {"stream", required_argument, NULL, 'x'},
        {"service-name", required_argument, NULL, 'N'}, {"desired-status", required_argument, NULL, 'D'},
        {"query", required_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct opts o = {0};
    struct err e = {0};
    int ch, status = 3;
    o.region = getenv("AWS_REGION") ? getenv("AWS_REGION") : getenv("AWS_DEFAULT_REGION");
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'E': o.endpoint = optarg; break;
        case 'r': o.region = optarg; break;
        case 'n': split_list(optarg, o.names, &o.n_names); break;
        case 'a': split_list(optarg, o.arns, &o.n_arns); break;
        case 'l': o.lb_arn = optarg; break;
        case 'p': o.pattern = optarg; break;
        case 's': o.start_ms = atoll(optarg); break;
        case 'e': o.end_ms = atoll(optarg); break;
        case 'S': o.start_s = atoll(optarg); break;
        case 'T': o.end_s = atoll(optarg); break;
        case 'L': o.limit = atoi(optarg); break;
        case 'P': o.max_pages = atoi(optarg); break;
        case 'M': o.max_events = atol(optarg); break;
        case 'x': if (o.n_streams < MAX_LIST) o.streams[o.n_streams++] = optarg; break;
        case 'N': o.service_name = optarg; break;
        case 'D': o.desired_status = optarg; break;
        case 'q': o.query = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return usage(stderr);
        }
    }
    o.args = argv + optind;
    o.n_args = argc - optind;
    if (o.n_args < 1)
        return usage(stderr);
    if (!o.region) {
        fputs("awsdump: no region (--region or AWS_REGION)\n", stderr);
        return 2;
    }
    struct aws_client_opts co = {.region = o.region, .creds = {env_creds, NULL}};
    for (int s = 0; s < AWS_SVC_COUNT; s++)
        co.endpoints[s] = o.endpoint;
    struct aws_client *c = aws_client_new(&co, &e);
    json_t *out = NULL;
    if (!c)
        goto out;
    if (run(c, &o, &out, &e) == 0 && out) {
        json_dumpf(out, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
        fputc('\n', stdout);
        status = 0;
    }
out:
    if (status) {
        fprintf(stderr, "awsdump: %s\n", e.msg[0] ? e.msg : "failed");
        status = e.code == ERR_USAGE ? 2 : 3;
    }
    json_decref(out);
    aws_client_free(c);
    return status;
}
