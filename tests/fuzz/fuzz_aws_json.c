/* fuzz_aws_json.c — libFuzzer target: every JSON 1.1 answer parser.
 *
 * Input: byte 0 selects the HTTP status and content type, the rest is the
 * body.  A 2xx body goes through aws_json_parse_answer() and then through
 * every ECS and CloudWatch Logs parser, whatever its shape; any other status
 * through aws_error_from_answer() (which also sniffs XML).  The body is also
 * parsed as credential_process output / a container-credentials answer
 * (creds_from_json).  Nothing may crash, leak or read out of bounds; every
 * failure must fill its error; libxml2 must never print on stderr (the
 * error sniffing parses XML bodies too).
 */
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/ecs.h"
#include "aws/logs.h"
#include "aws/protocol.h"
#include "model/topology.h"
#include "util/err.h"

#include "../../src/aws/creds_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libxml2 prints errors it reports without a parser context (encoding
 * conversion, I/O) through its generic handler, on stderr: albcheck must
 * never let an answer do that, so any such message is a failure here. */
static void generic_error_trap(void *ctx, const char *msg, ...)
{
    va_list ap;
    (void)ctx;
    fputs("libxml2 generic error reached stderr: ", stderr);
    va_start(ap, msg);
    vfprintf(stderr, msg, ap);
    va_end(ap);
    abort();
}

static void need_msg(int rc, const struct err *e, const char *what)
{
    if (rc < 0 && (e->code == ERR_OK || e->msg[0] == '\0')) {
        fprintf(stderr, "%s failed without a message\n", what);
        abort();
    }
}

static void all_parsers(const json_t *doc)
{
    struct err e;
    char *next = NULL;
    int rc;

    static const char *const keys[] = {"clusterArns", "serviceArns", "taskArns"};
    for (size_t k = 0; k < 3; k++) {
        char **arns = NULL;
        size_t n = 0;
        err_clear(&e);
        rc = ecs_parse_arn_page(doc, "ListThings", keys[k], &arns, &n, &next, &e);
        need_msg(rc, &e, "arn page");
        for (size_t i = 0; i < n; i++)
            free(ecs_arn_id(arns[i]));
        strv_free(arns, n);
        free(next);
        next = NULL;
    }

    struct ecs_service *svcs = NULL;
    struct ecs_failure *fails = NULL;
    size_t n = 0, nf = 0;
    err_clear(&e);
    rc = ecs_parse_services(doc, &svcs, &n, &fails, &nf, &e);
    need_msg(rc, &e, "services");
    ecs_free_services(svcs, n);
    ecs_free_failures(fails, nf);

    struct task_def td;
    memset(&td, 0, sizeof td);
    err_clear(&e);
    rc = ecs_parse_task_definition(doc, &td, &e);
    need_msg(rc, &e, "task definition");
    task_def_cleanup(&td);

    struct ecs_task *tasks = NULL;
    fails = NULL;
    n = nf = 0;
    err_clear(&e);
    rc = ecs_parse_tasks(doc, &tasks, &n, &fails, &nf, &e);
    need_msg(rc, &e, "tasks");
    ecs_free_tasks(tasks, n);
    ecs_free_failures(fails, nf);

    struct log_group *groups = NULL;
    n = 0;
    err_clear(&e);
    rc = logs_parse_log_groups(doc, &groups, &n, &next, &e);
    need_msg(rc, &e, "log groups");
    logs_free_groups(groups, n);
    free(next);
    next = NULL;

    for (size_t cap = 1; cap <= 1000; cap *= 1000) {
        struct log_events ev;
        log_events_init(&ev);
        err_clear(&e);
        rc = logs_parse_filter_page(doc, "/ecs/auth", &ev, cap, &next, &e);
        need_msg(rc, &e, "filter page");
        log_events_cleanup(&ev);
        free(next);
        next = NULL;
    }

    char *qid = NULL;
    err_clear(&e);
    rc = logs_parse_start_query(doc, &qid, &e);
    need_msg(rc, &e, "start query");
    free(qid);

    struct logs_query_result qr;
    memset(&qr, 0, sizeof qr);
    err_clear(&e);
    rc = logs_parse_query_results(doc, &qr, &e);
    need_msg(rc, &e, "query results");
    if (rc == 0)
        for (size_t i = 0; i < qr.n_rows; i++)
            (void)logs_query_row_get(&qr.rows[i], "@message");
    logs_query_result_cleanup(&qr);

    for (int v = 0; v < 2; v++) {
        struct aws_creds c;
        memset(&c, 0, sizeof c);
        err_clear(&e);
        rc = creds_from_json((json_t *)doc, "fuzz", v ? "Token" : "SessionToken", v, v, &c, &e);
        need_msg(rc, &e, "credentials");
        aws_creds_cleanup(&c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = {200, 400, 403, 500, 503, 413, 302, 0};
    static const char *const types[] = {"application/x-amz-json-1.1", "text/xml", NULL,
                                        "application/json"};
    static const char *const ops[] = {"DescribeServices", "FilterLogEvents", "ListTasks",
                                      "GetQueryResults"};
    if (size < 1)
        return 0;
    xmlSetGenericErrorFunc(NULL, generic_error_trap);
    uint8_t sel = data[0];
    struct aws_answer a = {
        .http_status = statuses[sel & 7],
        .body = size > 1 ? (const char *)data + 1 : NULL,
        .len = size - 1,
        .content_type = types[(sel >> 3) & 3],
        .request_id = (sel & 0x20) ? "req-1" : NULL,
        .error_type = (sel & 0x40) ? "ThrottlingException:http://internal.amazon.com/" : NULL,
    };
    const char *op = ops[(sel >> 6) & 3];
    struct err e;
    err_clear(&e);
    if (a.http_status / 100 == 2) {
        json_t *doc = NULL;
        int rc = aws_json_parse_answer(op, &a, &doc, &e);
        need_msg(rc, &e, "json answer");
        if (rc == 0) {
            if (!json_is_object(doc))
                abort();
            all_parsers(doc);
            json_decref(doc);
        }
    } else {
        if (aws_error_from_answer(op, &a, &e) != -1)
            abort();
        need_msg(-1, &e, "error answer");
    }
    return 0;
}
