/* ecs_parse.c — pure parsers of the ECS answers (see aws/ecs.h): a parsed
 * document in, topology structs out, no network.  The calls are in ecs.c.
 */
#include "aws/ecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typed_util.h"
#include "util/xmalloc.h"

/* A context string for errors inside an array element: "DescribeServices: services[3]". */
struct ctx {
    char s[128];
};

static const char *ctxf(struct ctx *c, const char *op, const char *list, size_t i)
{
    snprintf(c->s, sizeof c->s, "%s: %s[%zu]", op, list, i);
    return c->s;
}

void ecs_free_failures(struct ecs_failure *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].arn);
        free(v[i].reason);
        free(v[i].detail);
    }
    free(v);
}

void ecs_free_services(struct ecs_service *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ecs_service_cleanup(&v[i]);
    free(v);
}

void ecs_free_tasks(struct ecs_task *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ecs_task_cleanup(&v[i]);
    free(v);
}

char *ecs_arn_id(const char *arn)
{
    if (!arn || !*arn)
        return NULL;
    const char *slash = strrchr(arn, '/');
    const char *id = slash ? slash + 1 : arn;
    return *id ? xstrdup(id) : NULL;
}

/* ------------------------------------------------------------ parsers */

int ecs_parse_arn_page(const json_t *doc, const char *op, const char *key, char ***arns,
                       size_t *n, char **next_token, struct err *e)
{
    *next_token = NULL;
    if (typed_json_object(doc, op, e) || typed_jstrv(doc, key, arns, n, op, e) ||
        typed_jstr(doc, "nextToken", next_token, op, e))
        return -1;
    if (*next_token && !**next_token) {
        free(*next_token);
        *next_token = NULL;
    }
    return 0;
}

static int parse_failures(const json_t *doc, const char *op, struct ecs_failure **out,
                          size_t *n, struct err *e)
{
    json_t *arr, *f;
    size_t i;
    struct ctx cx;
    if (typed_jarray(doc, "failures", &arr, op, e))
        return -1;
    json_array_foreach(arr, i, f) {
        const char *c = ctxf(&cx, op, "failures", i);
        if (typed_json_object(f, c, e))
            return -1;
        struct ecs_failure x = {0};
        int rc = typed_jstr(f, "arn", &x.arn, c, e) || typed_jstr(f, "reason", &x.reason, c, e) ||
                 typed_jstr(f, "detail", &x.detail, c, e);
        if (rc || !out) {
            free(x.arn);
            free(x.reason);
            free(x.detail);
            if (rc)
                return -1;
            continue;
        }
        *TYPED_PUSH(*out, *n) = x;
    }
    return 0;
}

static int parse_deployment(const json_t *d, struct ecs_deployment *x, const char *c,
                            struct err *e)
{
    if (typed_json_object(d, c, e) || typed_jstr(d, "id", &x->id, c, e) ||
        typed_jstr(d, "status", &x->status, c, e) ||
        typed_jstr(d, "rolloutState", &x->rollout_state, c, e) ||
        typed_jstr(d, "rolloutStateReason", &x->rollout_state_reason, c, e) ||
        typed_jstr(d, "taskDefinition", &x->task_definition, c, e) ||
        typed_jint(d, "desiredCount", &x->desired, c, e) ||
        typed_jint(d, "runningCount", &x->running, c, e) ||
        typed_jint(d, "pendingCount", &x->pending, c, e) ||
        typed_jint(d, "failedTasks", &x->failed_tasks, c, e) ||
        typed_jtime_s(d, "createdAt", &x->created_s, c, e) ||
        typed_jtime_s(d, "updatedAt", &x->updated_s, c, e))
        return -1;
    if (!x->status)
        return err_set(e, ERR_PARSE, "%s: deployment without status", c);
    return 0;
}

struct event {
    int64_t at;
    size_t index;
    const char *message;
};

static int event_cmp(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->at != y->at)
        return x->at > y->at ? -1 : 1;       /* newest first */
    return x->index < y->index ? -1 : x->index > y->index;
}

static int parse_events(const json_t *s, struct ecs_service *svc, const char *c, struct err *e)
{
    json_t *arr, *ev;
    size_t i;
    if (typed_jarray(s, "events", &arr, c, e))
        return -1;
    size_t n = json_array_size(arr);
    if (n == 0)
        return 0;
    struct event *v = xcalloc(n, sizeof *v);
    size_t k = 0;
    int rc = -1;
    json_array_foreach(arr, i, ev) {
        if (typed_json_object(ev, c, e))
            goto out;
        json_t *msg = json_object_get(ev, "message");
        if (!json_is_string(msg)) {
            err_set(e, ERR_PARSE, "%s: events[%zu] without a message", c, i);
            goto out;
        }
        v[k].index = i;
        v[k].message = json_string_value(msg);
        if (typed_jtime_s(ev, "createdAt", &v[k].at, c, e))
            goto out;
        k++;
    }
    qsort(v, k, sizeof *v, event_cmp);
    for (i = 0; i < k && i < ECS_RECENT_EVENTS; i++)
        *TYPED_PUSH(svc->recent_events, svc->n_recent_events) = xstrdup(v[i].message);
    rc = 0;
out:
    free(v);
    return rc;
}

static int parse_service(const json_t *s, struct ecs_service *svc, const char *c,
                         struct err *e)
{
    json_t *arr, *x;
    size_t i;
    char sub[sizeof(struct ctx) + 64];
    if (typed_json_object(s, c, e) || typed_jstr(s, "serviceArn", &svc->arn, c, e) ||
        typed_jstr(s, "serviceName", &svc->name, c, e) ||
        typed_jstr(s, "clusterArn", &svc->cluster_arn, c, e) ||
        typed_jstr(s, "status", &svc->status, c, e) ||
        typed_jstr(s, "launchType", &svc->launch_type, c, e) ||
        typed_jstr(s, "taskDefinition", &svc->task_definition, c, e) ||
        typed_jint(s, "desiredCount", &svc->desired, c, e) ||
        typed_jint(s, "runningCount", &svc->running, c, e) ||
        typed_jint(s, "pendingCount", &svc->pending, c, e))
        return -1;
    if (!svc->arn)
        return err_set(e, ERR_PARSE, "%s: service without serviceArn", c);
    if (!svc->name)
        svc->name = ecs_arn_id(svc->arn);
    if (typed_jarray(s, "deployments", &arr, c, e))
        return -1;
    json_array_foreach(arr, i, x) {
        snprintf(sub, sizeof sub, "%s.deployments[%zu]", c, i);
        struct ecs_deployment *d = TYPED_PUSH(svc->deployments, svc->n_deployments);
        if (parse_deployment(x, d, sub, e))
            return -1;
    }
    if (typed_jarray(s, "loadBalancers", &arr, c, e))
        return -1;
    json_array_foreach(arr, i, x) {
        snprintf(sub, sizeof sub, "%s.loadBalancers[%zu]", c, i);
        struct ecs_service_lb *lb = TYPED_PUSH(svc->load_balancers, svc->n_load_balancers);
        if (typed_json_object(x, sub, e) ||
            typed_jstr(x, "targetGroupArn", &lb->target_group_arn, sub, e) ||
            typed_jstr(x, "containerName", &lb->container_name, sub, e) ||
            typed_jint(x, "containerPort", &lb->container_port, sub, e))
            return -1;
    }
    return parse_events(s, svc, c, e);
}

int ecs_parse_services(const json_t *doc, struct ecs_service **out, size_t *n,
                       struct ecs_failure **failures, size_t *n_failures, struct err *e)
{
    static const char op[] = "DescribeServices";
    json_t *arr, *s;
    size_t i;
    struct ctx cx;
    if (typed_json_object(doc, op, e) || typed_jarray(doc, "services", &arr, op, e))
        return -1;
    json_array_foreach(arr, i, s) {
        struct ecs_service svc = {0};
        if (parse_service(s, &svc, ctxf(&cx, op, "services", i), e)) {
            ecs_service_cleanup(&svc);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = svc;
    }
    return parse_failures(doc, op, failures, n_failures, e);
}

static int parse_container(const json_t *cd, struct container_def *x, const char *c,
                           struct err *e)
{
    json_t *pm, *lc, *opts;
    x->essential = true;        /* the ECS default when the field is absent */
    if (typed_json_object(cd, c, e) || typed_jstr(cd, "name", &x->name, c, e) ||
        typed_jstr(cd, "image", &x->image, c, e) ||
        typed_jbool(cd, "essential", &x->essential, c, e) ||
        typed_jarray(cd, "portMappings", &pm, c, e) ||
        typed_jobject(cd, "logConfiguration", &lc, c, e))
        return -1;
    if (!x->name)
        return err_set(e, ERR_PARSE, "%s: container definition without name", c);
    json_t *first = json_array_get(pm, 0);
    if (first && (typed_json_object(first, c, e) ||
                  typed_jint(first, "containerPort", &x->container_port, c, e)))
        return -1;
    if (lc) {
        if (typed_jstr(lc, "logDriver", &x->log_driver, c, e) ||
            typed_jobject(lc, "options", &opts, c, e))
            return -1;
        if (opts && (typed_jstr(opts, "awslogs-group", &x->log_group, c, e) ||
                     typed_jstr(opts, "awslogs-region", &x->log_region, c, e) ||
                     typed_jstr(opts, "awslogs-stream-prefix", &x->log_stream_prefix, c, e)))
            return -1;
    }
    return 0;
}

int ecs_parse_task_definition(const json_t *doc, struct task_def *out, struct err *e)
{
    static const char op[] = "DescribeTaskDefinition";
    json_t *td, *arr, *x;
    size_t i;
    struct ctx cx;
    memset(out, 0, sizeof *out);
    if (typed_json_object(doc, op, e) || typed_jobject(doc, "taskDefinition", &td, op, e))
        return -1;
    if (!td)
        return err_set(e, ERR_PARSE, "%s: answer without taskDefinition", op);
    if (typed_jstr(td, "taskDefinitionArn", &out->arn, op, e) ||
        typed_jstr(td, "family", &out->family, op, e) ||
        typed_jint(td, "revision", &out->revision, op, e) ||
        typed_jstr(td, "networkMode", &out->network_mode, op, e) ||
        typed_jstr(td, "executionRoleArn", &out->execution_role_arn, op, e) ||
        typed_jarray(td, "containerDefinitions", &arr, op, e))
        goto fail;
    /* cpu and memory are strings at the task level ("256"), but be lenient
     * with numbers. */
    static const char *const sizes[] = {"cpu", "memory"};
    for (size_t k = 0; k < 2; k++) {
        json_t *v = json_object_get(td, sizes[k]);
        char **dst = k == 0 ? &out->cpu : &out->memory;
        if (json_is_string(v))
            *dst = xstrdup(json_string_value(v));
        else if (json_is_integer(v))
            *dst = xasprintf("%lld", (long long)json_integer_value(v));
        else if (v && !json_is_null(v)) {
            err_set(e, ERR_PARSE, "%s: %s is neither a string nor a number", op, sizes[k]);
            goto fail;
        }
    }
    if (!out->arn) {
        err_set(e, ERR_PARSE, "%s: task definition without taskDefinitionArn", op);
        goto fail;
    }
    json_array_foreach(arr, i, x) {
        struct container_def *cd = TYPED_PUSH(out->containers, out->n_containers);
        if (parse_container(x, cd, ctxf(&cx, op, "containerDefinitions", i), e))
            goto fail;
    }
    return 0;
fail:
    task_def_cleanup(out);
    return -1;
}

static void add_ip(struct ecs_task *t, const char *ip)
{
    if (!ip || !*ip)
        return;
    for (size_t i = 0; i < t->n_private_ips; i++)
        if (strcmp(t->private_ips[i], ip) == 0)
            return;
    *TYPED_PUSH(t->private_ips, t->n_private_ips) = xstrdup(ip);
}

static int parse_task_ips(const json_t *tj, struct ecs_task *t, const char *c, struct err *e)
{
    json_t *arr, *a, *details, *d, *ifs, *nif;
    size_t i, j;
    char *ip = NULL;
    if (typed_jarray(tj, "attachments", &arr, c, e))
        return -1;
    json_array_foreach(arr, i, a) {
        if (typed_json_object(a, c, e) || typed_jarray(a, "details", &details, c, e))
            return -1;
        json_array_foreach(details, j, d) {
            if (!json_is_object(d))
                return err_set(e, ERR_PARSE, "%s: attachments[%zu].details[%zu] is not an object",
                               c, i, j);
            json_t *name = json_object_get(d, "name");
            if (json_is_string(name) &&
                strcmp(json_string_value(name), "privateIPv4Address") == 0) {
                if (typed_jstr(d, "value", &ip, c, e))
                    return -1;
                add_ip(t, ip);
                free(ip);
            }
        }
    }
    if (typed_jarray(tj, "containers", &arr, c, e))
        return -1;
    json_array_foreach(arr, i, a) {
        if (typed_json_object(a, c, e) || typed_jarray(a, "networkInterfaces", &ifs, c, e))
            return -1;
        json_array_foreach(ifs, j, nif) {
            if (typed_json_object(nif, c, e) ||
                typed_jstr(nif, "privateIpv4Address", &ip, c, e))
                return -1;
            add_ip(t, ip);
            free(ip);
        }
    }
    return 0;
}

static int parse_task(const json_t *tj, struct ecs_task *t, const char *c, struct err *e)
{
    if (typed_json_object(tj, c, e) || typed_jstr(tj, "taskArn", &t->arn, c, e) ||
        typed_jstr(tj, "clusterArn", &t->cluster_arn, c, e) ||
        typed_jstr(tj, "taskDefinitionArn", &t->task_definition_arn, c, e) ||
        typed_jstr(tj, "group", &t->group, c, e) ||
        typed_jstr(tj, "startedBy", &t->started_by, c, e) ||
        typed_jstr(tj, "lastStatus", &t->last_status, c, e) ||
        typed_jstr(tj, "desiredStatus", &t->desired_status, c, e) ||
        typed_jstr(tj, "healthStatus", &t->health_status, c, e) ||
        typed_jstr(tj, "stoppedReason", &t->stopped_reason, c, e) ||
        typed_jtime_s(tj, "startedAt", &t->started_s, c, e))
        return -1;
    if (!t->arn)
        return err_set(e, ERR_PARSE, "%s: task without taskArn", c);
    t->id = ecs_arn_id(t->arn);
    return parse_task_ips(tj, t, c, e);
}

int ecs_parse_tasks(const json_t *doc, struct ecs_task **out, size_t *n,
                    struct ecs_failure **failures, size_t *n_failures, struct err *e)
{
    static const char op[] = "DescribeTasks";
    json_t *arr, *x;
    size_t i;
    struct ctx cx;
    if (typed_json_object(doc, op, e) || typed_jarray(doc, "tasks", &arr, op, e))
        return -1;
    json_array_foreach(arr, i, x) {
        struct ecs_task t = {0};
        if (parse_task(x, &t, ctxf(&cx, op, "tasks", i), e)) {
            ecs_task_cleanup(&t);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = t;
    }
    return parse_failures(doc, op, failures, n_failures, e);
}
