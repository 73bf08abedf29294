/* fuzz_aws_json.c — libFuzzer target: arbitrary bytes through jansson and
 * every JSON 1.1 answer parser (ECS and CloudWatch Logs).  Each parser must
 * either succeed or fail with an error message naming its operation; never
 * crash, leak or read out of bounds.  Run: make fuzz (FUZZ_SECONDS=N)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs.h"
#include "aws/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const struct err *e, const char *op)
{
    if (rc != 0 && strncmp(e->msg, op, strlen(op)) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
    if (!doc)
        return 0;
    struct err e = {0};
    size_t n = 0, nf = 0;
    char *next = NULL;
    int rc;

    char **arns = NULL;
    rc = ecs_parse_arn_page(doc, "ListTasks", "taskArns", &arns, &n, &next, &e);
    check_err(rc, &e, "ListTasks");
    strv_free(arns, n);
    free(next);

    struct ecs_service *svcs = NULL;
    struct ecs_failure *f = NULL;
    n = nf = 0;
    rc = ecs_parse_services(doc, &svcs, &n, &f, &nf, &e);
    check_err(rc, &e, "DescribeServices");
    for (size_t i = 0; i < n; i++)
        if (svcs[i].n_recent_events > ECS_RECENT_EVENTS || !svcs[i].arn)
            abort();
    ecs_free_services(svcs, n);
    ecs_free_failures(f, nf);

    struct task_def td;
    rc = ecs_parse_task_definition(doc, &td, &e);
    check_err(rc, &e, "DescribeTaskDefinition");
    if (rc == 0)
        task_def_cleanup(&td);

    struct ecs_task *tasks = NULL;
    f = NULL;
    n = nf = 0;
    rc = ecs_parse_tasks(doc, &tasks, &n, &f, &nf, &e);
    check_err(rc, &e, "DescribeTasks");
    ecs_free_tasks(tasks, n);
    ecs_free_failures(f, nf);

    struct log_group *groups = NULL;
    n = 0;
    rc = logs_parse_log_groups(doc, &groups, &n, &next, &e);
    check_err(rc, &e, "DescribeLogGroups");
    logs_free_groups(groups, n);
    free(next);

    struct log_events ev;
    log_events_init(&ev);
    rc = logs_parse_filter_page(doc, "/fuzz", &ev, 8, &next, &e);
    check_err(rc, &e, "FilterLogEvents");
    if (ev.n > 8)
        abort();
    log_events_cleanup(&ev);
    free(next);

    char *qid = NULL;
    rc = logs_parse_start_query(doc, &qid, &e);
    check_err(rc, &e, "StartQuery");
    free(qid);

    struct logs_query_result qr;
    rc = logs_parse_query_results(doc, &qr, &e);
    check_err(rc, &e, "GetQueryResults");
    logs_query_result_cleanup(&qr);

    json_decref(doc);
    return 0;
}
