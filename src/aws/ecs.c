/* ecs.c — typed ECS calls (see ecs.h): requests, nextToken pagination and batching;
 * the answers are read by the pure parsers in ecs_parse.c.
 */
#include "aws/ecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* ------------------------------------------------------------ calls */

/* A List* operation followed to its last page.  `in` holds the fixed input;
 * nextToken and maxResults are set here. */
static int list_all(struct aws_client *c, const char *op, json_t *in, const char *key,
                    char ***arns, size_t *n, struct err *e)
{
    char *token = NULL;
    int rc = -1;
    unsigned pages = 0;
    *arns = NULL;
    *n = 0;
    json_object_set_new(in, "maxResults", json_integer(ECS_LIST_PAGE_SIZE));
    do {
        if (token)
            json_object_set_new(in, "nextToken", json_string(token));
        json_t *doc = NULL;
        if (aws_json_call(c, AWS_SVC_ECS, op, in, &doc, e))
            goto out;
        char *next = NULL;
        int prc = ecs_parse_arn_page(doc, op, key, arns, n, &next, e);
        json_decref(doc);
        if (prc)
            goto out;
        if (next && token && strcmp(next, token) == 0) {
            free(next);
            err_set(e, ERR_PARSE, "%s: nextToken repeats the previous token", op);
            goto out;
        }
        free(token);
        token = next;
        if (++pages > 10000 && token) {
            err_set(e, ERR_LIMIT, "%s: more than 10000 pages", op);
            goto out;
        }
    } while (token);
    rc = 0;
out:
    free(token);
    if (rc) {
        strv_free(*arns, *n);
        *arns = NULL;
        *n = 0;
    }
    return rc;
}

int ecs_list_clusters(struct aws_client *c, char ***arns, size_t *n, struct err *e)
{
    json_t *in = json_object();
    int rc = list_all(c, "ListClusters", in, "clusterArns", arns, n, e);
    json_decref(in);
    return rc;
}

int ecs_list_services(struct aws_client *c, const char *cluster, char ***arns, size_t *n,
                      struct err *e)
{
    json_t *in = json_object();
    if (cluster)
        json_object_set_new(in, "cluster", json_string(cluster));
    int rc = list_all(c, "ListServices", in, "serviceArns", arns, n, e);
    json_decref(in);
    return rc;
}

int ecs_list_tasks(struct aws_client *c, const char *cluster, const char *service_name,
                   const char *desired_status, char ***arns, size_t *n, struct err *e)
{
    json_t *in = json_object();
    if (cluster)
        json_object_set_new(in, "cluster", json_string(cluster));
    if (service_name)
        json_object_set_new(in, "serviceName", json_string(service_name));
    if (desired_status)
        json_object_set_new(in, "desiredStatus", json_string(desired_status));
    int rc = list_all(c, "ListTasks", in, "taskArns", arns, n, e);
    json_decref(in);
    return rc;
}

/* A JSON array of v[from..from+count). */
static json_t *str_array(const char *const *v, size_t from, size_t count)
{
    json_t *a = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(a, json_string(v[from + i]));
    return a;
}

int ecs_describe_services(struct aws_client *c, const char *cluster,
                          const char *const *services, size_t n_services,
                          struct ecs_service **out, size_t *n,
                          struct ecs_failure **failures, size_t *n_failures, struct err *e)
{
    int rc = 0;
    size_t nf_local = 0;
    struct ecs_failure *f_local = NULL;
    *out = NULL;
    *n = 0;
    if (!failures) {
        failures = &f_local;
        n_failures = &nf_local;
    }
    *failures = NULL;
    *n_failures = 0;
    for (size_t from = 0; rc == 0 && from < n_services; from += ECS_DESCRIBE_SERVICES_MAX) {
        size_t count = n_services - from > ECS_DESCRIBE_SERVICES_MAX
                           ? ECS_DESCRIBE_SERVICES_MAX : n_services - from;
        json_t *in = json_object(), *doc = NULL;
        if (cluster)
            json_object_set_new(in, "cluster", json_string(cluster));
        json_object_set_new(in, "services", str_array(services, from, count));
        rc = aws_json_call(c, AWS_SVC_ECS, "DescribeServices", in, &doc, e);
        if (rc == 0)
            rc = ecs_parse_services(doc, out, n, failures, n_failures, e);
        json_decref(doc);
        json_decref(in);
    }
    if (rc) {
        ecs_free_services(*out, *n);
        ecs_free_failures(*failures, *n_failures);
        *out = NULL;
        *n = 0;
        *failures = NULL;
        *n_failures = 0;
    }
    ecs_free_failures(f_local, nf_local);
    return rc;
}

int ecs_describe_task_definition(struct aws_client *c, const char *td, struct task_def *out,
                                 struct err *e)
{
    json_t *in = json_object(), *doc = NULL;
    memset(out, 0, sizeof *out);
    json_object_set_new(in, "taskDefinition", json_string(td ? td : ""));
    int rc = aws_json_call(c, AWS_SVC_ECS, "DescribeTaskDefinition", in, &doc, e);
    if (rc == 0)
        rc = ecs_parse_task_definition(doc, out, e);
    json_decref(doc);
    json_decref(in);
    return rc;
}

int ecs_describe_tasks(struct aws_client *c, const char *cluster, const char *const *arns,
                       size_t n_arns, struct ecs_task **out, size_t *n,
                       struct ecs_failure **failures, size_t *n_failures, struct err *e)
{
    int rc = 0;
    size_t nf_local = 0;
    struct ecs_failure *f_local = NULL;
    *out = NULL;
    *n = 0;
    if (!failures) {
        failures = &f_local;
        n_failures = &nf_local;
    }
    *failures = NULL;
    *n_failures = 0;
    for (size_t from = 0; rc == 0 && from < n_arns; from += ECS_DESCRIBE_TASKS_MAX) {
        size_t count = n_arns - from > ECS_DESCRIBE_TASKS_MAX ? ECS_DESCRIBE_TASKS_MAX
                                                              : n_arns - from;
        json_t *in = json_object(), *doc = NULL;
        if (cluster)
            json_object_set_new(in, "cluster", json_string(cluster));
        json_object_set_new(in, "tasks", str_array(arns, from, count));
        rc = aws_json_call(c, AWS_SVC_ECS, "DescribeTasks", in, &doc, e);
        if (rc == 0)
            rc = ecs_parse_tasks(doc, out, n, failures, n_failures, e);
        json_decref(doc);
        json_decref(in);
    }
    if (rc) {
        ecs_free_tasks(*out, *n);
        ecs_free_failures(*failures, *n_failures);
        *out = NULL;
        *n = 0;
        *failures = NULL;
        *n_failures = 0;
    }
    ecs_free_failures(f_local, nf_local);
    return rc;
}
