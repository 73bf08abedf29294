/* discover.c — AWS APIs → struct topology (see discover.h).
 *
 * Round 1 runs three independent chains on the pool: clusters → services
 * (started before the load balancer is read, as it does not need it);
 * listeners → rules per listener; target groups → health per group.  Round 2
 * reads the task definitions and running tasks of the services wired to the
 * load balancer's groups; it starts from the pool as soon as the services and
 * the groups are known, while the rules and target health are still read.
 * Tasks write only to their own slots; shared lists, the first error and the
 * round-2 gate are locked.
 */
#include "discover/discover.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/cfn.h"
#include "aws/ecs.h"
#include "aws/elbv2.h"
#include "util/log.h"
#include "util/pool.h"
#include "util/xmalloc.h"

struct disc {
    struct aws_client *c;
    struct topology *t;
    struct pool *pool;
    pthread_mutex_t lock;
    struct err err;           /* the first fatal error */
    bool failed;
    /* round 1: services found in the clusters (all of them, filtered later) */
    struct ecs_service *svcs;
    size_t n_svcs, cap_svcs;
    /* Round 2 starts as soon as the services and the target groups are
     * known, without waiting for the rules and target health (locked). */
    int ecs_pending;          /* ECS chain jobs submitted and not finished */
    bool tgs_known;           /* DescribeTargetGroups has answered (or failed) */
    bool round2;              /* round 2 has been started */
};

static void maybe_round2(struct disc *d);

struct job {
    struct disc *d;
    size_t index;
    char *arg;
};

static void fail(struct disc *d, const struct err *e)
{
    pthread_mutex_lock(&d->lock);
    if (!d->failed) {
        d->err = *e;
        d->failed = true;
    }
    pthread_mutex_unlock(&d->lock);
}

static struct job *job_new(struct disc *d, size_t index, const char *arg)
{
    struct job *j = xcalloc(1, sizeof *j);
    j->d = d;
    j->index = index;
    j->arg = xstrdup(arg);
    return j;
}

static void job_free(struct job *j)
{
    free(j->arg);
    free(j);
}

/* ---------------------------------------------------------------- ELBv2 */

static void rules_job(void *arg)
{
    struct job *j = arg;
    struct listener *l = &j->d->t->listeners[j->index];
    struct err e = {0};
    if (elbv2_describe_rules(j->d->c, l->arn, &l->rules, &l->n_rules, &e) < 0)
        fail(j->d, &e);
    job_free(j);
}

static void listeners_job(void *arg)
{
    struct job *j = arg;
    struct disc *d = j->d;
    struct err e = {0};
    if (elbv2_describe_listeners(d->c, d->t->lb.arn, &d->t->listeners, &d->t->n_listeners, &e) < 0)
        fail(d, &e);
    else
        for (size_t i = 0; i < d->t->n_listeners; i++)
            pool_submit(d->pool, rules_job, job_new(d, i, NULL));
    job_free(j);
}

static void health_job(void *arg)
{
    struct job *j = arg;
    struct target_group *tg = &j->d->t->target_groups[j->index];
    struct err e = {0};
    elbv2_free_targets(tg->targets, tg->n_targets);
    tg->targets = NULL;
    tg->n_targets = 0;
    if (elbv2_describe_target_health(j->d->c, tg->arn, &tg->targets, &tg->n_targets, &e) < 0)
        fail(j->d, &e);
    job_free(j);
}

static void target_groups_job(void *arg)
{
    struct job *j = arg;
    struct disc *d = j->d;
    struct err e = {0};
    if (elbv2_describe_target_groups(d->c, d->t->lb.arn, NULL, 0, NULL, 0, &d->t->target_groups,
                                     &d->t->n_target_groups, &e) < 0)
        fail(d, &e);
    else
        for (size_t i = 0; i < d->t->n_target_groups; i++)
            pool_submit(d->pool, health_job, job_new(d, i, NULL));
    pthread_mutex_lock(&d->lock);
    d->tgs_known = true;
    pthread_mutex_unlock(&d->lock);
    maybe_round2(d);
    job_free(j);
}

/* One ECS chain job is done: the last one may open round 2. */
static void ecs_job_done(struct disc *d)
{
    pthread_mutex_lock(&d->lock);
    d->ecs_pending--;
    pthread_mutex_unlock(&d->lock);
    maybe_round2(d);
}

/* Submit an ECS chain job, counted until it calls ecs_job_done. */
static void ecs_submit(struct disc *d, void (*fn)(void *), struct job *j)
{
    pthread_mutex_lock(&d->lock);
    d->ecs_pending++;
    pthread_mutex_unlock(&d->lock);
    pool_submit(d->pool, fn, j);
}

/* ---------------------------------------------------------------- ECS */

static bool cluster_missing(const struct err *e)
{
    return strstr(e->aws_code, "ClusterNotFound") != NULL;
}

static void services_job(void *arg)
{
    struct job *j = arg;
    struct disc *d = j->d;
    struct err e = {0};
    char **arns = NULL;
    size_t n = 0;
    if (ecs_list_services(d->c, j->arg, &arns, &n, &e) < 0) {
        if (cluster_missing(&e))
            log_warn("ECS cluster %s not found; its services are not checked", j->arg);
        else
            fail(d, &e);
        job_free(j);
        ecs_job_done(d);
        return;
    }
    struct ecs_service *svcs = NULL;
    size_t ns = 0;
    if (n && ecs_describe_services(d->c, j->arg, (const char *const *)arns, n, &svcs, &ns, NULL,
                                   NULL, &e) < 0) {
        fail(d, &e);
    } else {
        pthread_mutex_lock(&d->lock);
        for (size_t i = 0; i < ns; i++) {
            struct ecs_service *slot = ARRAY_PUSH(d->svcs, d->n_svcs, d->cap_svcs);
            *slot = svcs[i]; /* moved: ownership of the members passes to d->svcs */
        }
        pthread_mutex_unlock(&d->lock);
        free(svcs);
    }
    strv_free(arns, n);
    job_free(j);
    ecs_job_done(d);
}

static void clusters_job(void *arg)
{
    struct job *j = arg;
    struct disc *d = j->d;
    const struct discover_opts *o = (const struct discover_opts *)j->arg; /* borrowed pointer */
    j->arg = NULL;
    if (o->n_clusters) {
        for (size_t i = 0; i < o->n_clusters; i++)
            ecs_submit(d, services_job, job_new(d, i, o->clusters[i]));
    } else {
        char **arns = NULL;
        size_t n = 0;
        struct err e = {0};
        if (ecs_list_clusters(d->c, &arns, &n, &e) < 0) {
            fail(d, &e);
        } else {
            for (size_t i = 0; i < n; i++)
                ecs_submit(d, services_job, job_new(d, i, arns[i]));
        }
        strv_free(arns, n);
    }
    job_free(j);
    ecs_job_done(d);
}

struct svc_job {
    struct disc *d;
    struct ecs_service *svc;
    struct task_def *td;    /* slot for the task definition, or NULL when shared */
};

static void taskdef_job(void *arg)
{
    struct svc_job *j = arg;
    struct err e = {0};
    if (ecs_describe_task_definition(j->d->c, j->svc->task_definition, j->td, &e) < 0)
        fail(j->d, &e);
    free(j);
}

/* The cluster of a service: from its ARN's cluster_arn, else the ARN path. */
static const char *service_cluster(const struct ecs_service *s)
{
    return s->cluster_arn ? s->cluster_arn : NULL;
}

static void tasks_job(void *arg)
{
    struct svc_job *j = arg;
    struct disc *d = j->d;
    struct ecs_service *s = j->svc;
    struct err e = {0};
    char **arns = NULL;
    size_t n = 0;
    const char *cluster = service_cluster(s);
    if (ecs_list_tasks(d->c, cluster, s->name, "RUNNING", &arns, &n, &e) < 0) {
        fail(d, &e);
        free(j);
        return;
    }
    struct ecs_task *tasks = NULL;
    size_t nt = 0;
    if (n && ecs_describe_tasks(d->c, cluster, (const char *const *)arns, n, &tasks, &nt, NULL, NULL,
                                &e) < 0) {
        fail(d, &e);
    } else {
        /* ListTasks' serviceName filter is not honoured everywhere (moto):
         * keep only this service's tasks, by their group "service:<name>". */
        char *group = xasprintf("service:%s", s->name);
        for (size_t i = 0; i < nt; i++) {
            if (tasks[i].group && strcmp(tasks[i].group, group) != 0) {
                ecs_task_cleanup(&tasks[i]);
                continue;
            }
            size_t cap = s->n_tasks;
            struct ecs_task *slot = ARRAY_PUSH(s->tasks, s->n_tasks, cap);
            *slot = tasks[i];
        }
        free(group);
        free(tasks);
    }
    strv_free(arns, n);
    free(j);
}

/* ---------------------------------------------------------------- the LB */

static bool is_arn(const char *s)
{
    return strncmp(s, "arn:", 4) == 0;
}

static int find_lb_by_tags(struct disc *d, const struct lb_selector *sel, struct err *e)
{
    struct load_balancer *lbs = NULL;
    size_t n = 0;
    if (elbv2_describe_load_balancers(d->c, NULL, 0, NULL, 0, &lbs, &n, e) < 0)
        return -1;
    char **arns = xcalloc(n ? n : 1, sizeof *arns);
    for (size_t i = 0; i < n; i++)
        arns[i] = lbs[i].arn;
    struct elbv2_tags *tags = NULL;
    size_t nt = 0;
    int rc = -1;
    if (n && elbv2_describe_tags(d->c, (const char *const *)arns, n, &tags, &nt, e) < 0)
        goto out;
    size_t found = 0, hit = 0;
    for (size_t i = 0; i < nt; i++) {
        size_t matched = 0;
        for (size_t k = 0; k < sel->n_tags; k++)
            for (size_t m = 0; m < tags[i].n_tags; m++)
                if (tags[i].tags[m].key && strcmp(tags[i].tags[m].key, sel->tags[k].key) == 0 &&
                    strcmp(tags[i].tags[m].value ? tags[i].tags[m].value : "",
                           sel->tags[k].value ? sel->tags[k].value : "") == 0)
                    matched++;
        if (matched == sel->n_tags) {
            for (size_t l = 0; l < n; l++)
                if (lbs[l].arn && tags[i].resource_arn && strcmp(lbs[l].arn, tags[i].resource_arn) == 0) {
                    if (!found)
                        hit = l;
                    found++;
                }
        }
    }
    if (found == 0) {
        err_set(e, ERR_NOTFOUND, "no load balancer carries the tags given (%zu searched)", n);
        goto out;
    }
    if (found > 1) {
        err_set(e, ERR_NOTFOUND, "%zu load balancers carry the tags given; add a tag to pick one",
                found);
        goto out;
    }
    d->t->lb = lbs[hit];
    memset(&lbs[hit], 0, sizeof lbs[hit]);
    rc = 0;
out:
    free(arns);
    elbv2_free_tags(tags, nt);
    elbv2_free_load_balancers(lbs, n);
    return rc;
}

static int find_lb(struct disc *d, const struct lb_selector *sel, struct err *e)
{
    struct load_balancer *lbs = NULL;
    size_t n = 0;
    const char *v = sel->value;
    char *stack_arn = NULL;
    int rc;
    switch (sel->kind) {
    case LB_SEL_TAGS:
        return find_lb_by_tags(d, sel, e);
    case LB_SEL_STACK: {
        struct cfn_resource *res = NULL;
        size_t nr = 0;
        if (cfn_describe_stack_resources(d->c, v, &res, &nr, e) < 0) {
            /* CloudFormation answers a stack that does not exist with a
             * ValidationError: that is "not found", not AWS refusing us. */
            if (strcmp(e->aws_code, "ValidationError") == 0 && strstr(e->msg, "does not exist"))
                err_set(e, ERR_NOTFOUND, "CloudFormation stack %s not found in %s", v,
                        aws_client_region(d->c));
            return -1;
        }
        for (size_t i = 0; i < nr; i++)
            if (res[i].type && strcmp(res[i].type, "AWS::ElasticLoadBalancingV2::LoadBalancer") == 0 &&
                res[i].physical_id && !stack_arn)
                stack_arn = xstrdup(res[i].physical_id);
        cfn_free_resources(res, nr);
        if (!stack_arn)
            return err_set(e, ERR_NOTFOUND, "stack %s has no AWS::ElasticLoadBalancingV2::LoadBalancer", v);
        rc = elbv2_describe_load_balancers(d->c, NULL, 0, (const char *const *)&stack_arn, 1, &lbs, &n, e);
        break;
    }
    case LB_SEL_ARN:
        rc = elbv2_describe_load_balancers(d->c, NULL, 0, &v, 1, &lbs, &n, e);
        break;
    case LB_SEL_NAME:
        if (is_arn(v))
            rc = elbv2_describe_load_balancers(d->c, NULL, 0, &v, 1, &lbs, &n, e);
        else
            rc = elbv2_describe_load_balancers(d->c, &v, 1, NULL, 0, &lbs, &n, e);
        break;
    default:
        return err_set(e, ERR_USAGE, "no load balancer selected: use --alb, --tag or --stack");
    }
    if (rc < 0) {
        if (strstr(e->aws_code, "LoadBalancerNotFound"))
            err_set(e, ERR_NOTFOUND, "load balancer %s not found in %s (%s)", stack_arn ? stack_arn : v,
                    aws_client_region(d->c), e->aws_code);
        free(stack_arn);
        return -1;
    }
    free(stack_arn);
    if (n == 0) {
        elbv2_free_load_balancers(lbs, n);
        return err_set(e, ERR_NOTFOUND, "load balancer %s not found in %s", v, aws_client_region(d->c));
    }
    d->t->lb = lbs[0];
    memset(&lbs[0], 0, sizeof lbs[0]);
    elbv2_free_load_balancers(lbs, n);
    return 0;
}

/* ---------------------------------------------------------------- assembly */

static bool service_uses_lb(const struct topology *t, const struct ecs_service *s)
{
    for (size_t i = 0; i < s->n_load_balancers; i++)
        if (topology_tg_by_arn(t, s->load_balancers[i].target_group_arn))
            return true;
    return false;
}

/* Round 2, on the thread that opened the gate: keep the services wired to
 * this load balancer's groups, then read their task definitions (one read
 * per distinct ARN) and running tasks. */
static void start_round2(struct disc *d)
{
    /* Keep the services wired to this load balancer's groups. */
    struct topology *t = d->t;
    t->services = xcalloc(d->n_svcs ? d->n_svcs : 1, sizeof *t->services);
    for (size_t i = 0; i < d->n_svcs; i++) {
        if (service_uses_lb(t, &d->svcs[i]))
            t->services[t->n_services++] = d->svcs[i];
        else
            ecs_service_cleanup(&d->svcs[i]);
    }
    free(d->svcs);
    d->svcs = NULL;
    d->n_svcs = 0;

    /* Round 2: task definitions (one read per distinct ARN) and tasks. */
    t->task_defs = xcalloc(t->n_services ? t->n_services : 1, sizeof *t->task_defs);
    for (size_t i = 0; i < t->n_services; i++) {
        struct ecs_service *s = &t->services[i];
        if (s->task_definition) {
            bool shared = false; /* read once, linked to every service after the reads */
            for (size_t k = 0; k < i; k++)
                if (t->services[k].task_definition &&
                    strcmp(t->services[k].task_definition, s->task_definition) == 0)
                    shared = true;
            if (!shared) {
                struct task_def *slot = &t->task_defs[t->n_task_defs++];
                struct svc_job *tj = xcalloc(1, sizeof *tj);
                *tj = (struct svc_job){d, s, slot};
                pool_submit(d->pool, taskdef_job, tj);
            }
        }
        struct svc_job *kj = xcalloc(1, sizeof *kj);
        *kj = (struct svc_job){d, s, NULL};
        pool_submit(d->pool, tasks_job, kj);
    }
}

/* Open round 2 once the ECS chain has finished and the target groups are
 * known; the rules and the target health may still be in flight. */
static void maybe_round2(struct disc *d)
{
    pthread_mutex_lock(&d->lock);
    bool go = !d->round2 && d->ecs_pending == 0 && d->tgs_known && !d->failed;
    if (go)
        d->round2 = true;
    pthread_mutex_unlock(&d->lock);
    if (go)
        start_round2(d);
}

/* Map each target to the running task holding its IP. */
static void map_targets(struct topology *t)
{
    for (size_t g = 0; g < t->n_target_groups; g++) {
        struct target_group *tg = &t->target_groups[g];
        for (size_t k = 0; k < tg->n_targets; k++) {
            struct target *x = &tg->targets[k];
            free(x->task_arn);
            free(x->task_id);
            x->task_arn = x->task_id = NULL;
            for (size_t s = 0; s < t->n_services && !x->task_id; s++)
                for (size_t i = 0; i < t->services[s].n_tasks && !x->task_id; i++) {
                    const struct ecs_task *task = &t->services[s].tasks[i];
                    for (size_t ip = 0; ip < task->n_private_ips; ip++)
                        if (x->id && strcmp(task->private_ips[ip], x->id) == 0) {
                            x->task_arn = xstrdup(task->arn);
                            x->task_id = xstrdup(task->id);
                            break;
                        }
                }
        }
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void discover_record_calls(struct aws_client *c, struct topology *t)
{
    struct aws_call_stat stats[64];
    size_t n = aws_client_stats(c, stats, 64);
    if (n > 64)
        n = 64;
    for (size_t i = 0; i < t->n_calls; i++)
        free(t->calls[i].operation);
    free(t->calls);
    t->calls = xcalloc(n ? n : 1, sizeof *t->calls);
    t->n_calls = n;
    for (size_t i = 0; i < n; i++) {
        t->calls[i].operation = xstrdup(stats[i].operation);
        t->calls[i].calls = stats[i].attempts;
    }
}

int discover_run(struct aws_client *c, const struct discover_opts *o, struct topology **out,
                 struct err *e)
{
    double t0 = now_s();
    struct disc d = {.c = c, .t = topology_new()};
    pthread_mutex_init(&d.lock, NULL);
    d.t->region = xstrdup(aws_client_region(c));
    *out = NULL;
    int rc = -1;
    /* The ECS chain does not need the load balancer: it starts at once and
     * runs while find_lb reads the load balancer on this thread. */
    d.pool = pool_new(o->threads > 0 ? o->threads : 8);
    struct job *cj = job_new(&d, 0, NULL);
    cj->arg = (char *)o; /* clusters_job borrows the options */
    ecs_submit(&d, clusters_job, cj);
    if (find_lb(&d, o->selector, e) < 0) {
        pool_wait(d.pool); /* the load balancer's error is the one reported */
        goto out;
    }
    pool_submit(d.pool, listeners_job, job_new(&d, 0, NULL));
    pool_submit(d.pool, target_groups_job, job_new(&d, 0, NULL));
    pool_wait(d.pool); /* round 2 was started from the pool when its inputs were in */
    if (!d.failed && !d.round2) { /* not reached: both halves of the gate are done */
        d.round2 = true;
        start_round2(&d);
        pool_wait(d.pool);
    }
    if (d.failed)
        goto fatal;
    struct topology *t = d.t;
    for (size_t i = 0; i < t->n_services; i++) {
        struct ecs_service *s = &t->services[i];
        for (size_t k = 0; k < t->n_task_defs && s->task_definition; k++)
            if (t->task_defs[k].arn && strcmp(t->task_defs[k].arn, s->task_definition) == 0)
                s->task_def = &t->task_defs[k];
        /* A task definition named by family:revision comes back with its full ARN. */
        if (!s->task_def && s->task_definition)
            for (size_t k = 0; k < t->n_task_defs; k++)
                if (t->task_defs[k].family && strstr(s->task_definition, t->task_defs[k].family))
                    s->task_def = &t->task_defs[k];
    }
    map_targets(t);
    rc = 0;
    goto out;
fatal:
    *e = d.err;
out:
    pool_free(d.pool);
    for (size_t i = 0; i < d.n_svcs; i++)
        ecs_service_cleanup(&d.svcs[i]);
    free(d.svcs);
    pthread_mutex_destroy(&d.lock);
    d.t->discovery_s = now_s() - t0;
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        d.t->discovered_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    discover_record_calls(c, d.t);
    if (rc == 0)
        *out = d.t;
    else
        topology_free(d.t);
    return rc;
}

int discover_refresh_health(struct aws_client *c, struct topology *t, struct err *e)
{
    struct disc d = {.c = c, .t = t};
    pthread_mutex_init(&d.lock, NULL);
    d.pool = pool_new(8);
    for (size_t i = 0; i < t->n_target_groups; i++)
        pool_submit(d.pool, health_job, job_new(&d, i, NULL));
    pool_free(d.pool);
    pthread_mutex_destroy(&d.lock);
    if (d.failed) {
        *e = d.err;
        return -1;
    }
    map_targets(t);
    discover_record_calls(c, t);
    return 0;
}
