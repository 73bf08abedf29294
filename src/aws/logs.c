/* logs.c — typed CloudWatch Logs calls (see logs.h): requests and nextToken
 * pagination; the answers are read by the pure parsers in logs_parse.c.
 */
#include "aws/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* ------------------------------------------------------------ calls */

int logs_describe_log_groups(struct aws_client *c, const char *prefix, struct log_group **out,
                             size_t *n, struct err *e)
{
    static const char op[] = "DescribeLogGroups";
    json_t *in = json_object();
    char *token = NULL;
    int rc = -1;
    unsigned pages = 0;
    *out = NULL;
    *n = 0;
    if (prefix && *prefix)
        json_object_set_new(in, "logGroupNamePrefix", json_string(prefix));
    do {
        json_t *doc = NULL;
        if (token)
            json_object_set_new(in, "nextToken", json_string(token));
        if (aws_json_call(c, AWS_SVC_LOGS, op, in, &doc, e))
            goto out;
        char *next = NULL;
        int prc = logs_parse_log_groups(doc, out, n, &next, e);
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
        if (++pages >= 10000 && token) {
            err_set(e, ERR_LIMIT, "%s: more than 10000 pages", op);
            goto out;
        }
    } while (token);
    rc = 0;
out:
    free(token);
    json_decref(in);
    if (rc) {
        logs_free_groups(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int logs_filter_log_events(struct aws_client *c, const struct logs_filter *f,
                           struct log_events *out, struct err *e)
{
    static const char op[] = "FilterLogEvents";
    unsigned max_pages = f->max_pages ? f->max_pages : LOGS_DEFAULT_MAX_PAGES;
    size_t max_events = f->max_events ? f->max_events : LOGS_DEFAULT_MAX_EVENTS;
    json_t *in = json_object();
    char *token = NULL;
    int rc = -1;
    if (!f->group) {
        err_set(e, ERR_INTERNAL, "%s: no log group given", op);
        goto out;
    }
    json_object_set_new(in, "logGroupName", json_string(f->group));
    if (f->pattern && *f->pattern)
        json_object_set_new(in, "filterPattern", json_string(f->pattern));
    if (f->start_ms > 0)
        json_object_set_new(in, "startTime", json_integer(f->start_ms));
    if (f->end_ms > 0)
        json_object_set_new(in, "endTime", json_integer(f->end_ms));
    if (f->limit > 0)
        json_object_set_new(in, "limit", json_integer(f->limit));
    if (f->n_streams) {
        json_t *a = json_array();
        for (size_t i = 0; i < f->n_streams; i++)
            json_array_append_new(a, json_string(f->streams[i]));
        json_object_set_new(in, "logStreamNames", a);
    }
    for (unsigned page = 0;; page++) {
        if (page >= max_pages) {
            out->capped = true;
            break;
        }
        json_t *doc = NULL;
        if (token)
            json_object_set_new(in, "nextToken", json_string(token));
        if (aws_json_call(c, AWS_SVC_LOGS, op, in, &doc, e))
            goto out;
        char *next = NULL;
        int prc = logs_parse_filter_page(doc, f->group, out, max_events, &next, e);
        json_decref(doc);
        out->pages++;
        free(token);
        token = next;
        if (prc)
            goto out;
        /* An empty page with a token is not the end: only a missing token is. */
        if (!token || out->capped)
            break;
    }
    rc = 0;
out:
    free(token);
    json_decref(in);
    return rc;
}

int logs_start_query(struct aws_client *c, const char *const *groups, size_t n_groups,
                     const char *query, int64_t start_s, int64_t end_s, int limit,
                     char **query_id, struct err *e)
{
    static const char op[] = "StartQuery";
    json_t *in = NULL, *doc = NULL;
    int rc = -1;
    *query_id = NULL;
    if (n_groups == 0 || n_groups > LOGS_QUERY_MAX_GROUPS) {
        err_set(e, ERR_USAGE, "%s: %zu log groups given (1..%d allowed)", op, n_groups,
                LOGS_QUERY_MAX_GROUPS);
        goto out;
    }
    in = json_object();
    json_t *a = json_array();
    for (size_t i = 0; i < n_groups; i++)
        json_array_append_new(a, json_string(groups[i]));
    json_object_set_new(in, "logGroupNames", a);
    json_object_set_new(in, "queryString", json_string(query ? query : ""));
    json_object_set_new(in, "startTime", json_integer(start_s));
    json_object_set_new(in, "endTime", json_integer(end_s));
    if (limit > 0)
        json_object_set_new(in, "limit", json_integer(limit));
    if (aws_json_call(c, AWS_SVC_LOGS, op, in, &doc, e))
        goto out;
    rc = logs_parse_start_query(doc, query_id, e);
out:
    json_decref(doc);
    json_decref(in);
    return rc;
}

int logs_get_query_results(struct aws_client *c, const char *query_id,
                           struct logs_query_result *out, struct err *e)
{
    json_t *in = json_object(), *doc = NULL;
    memset(out, 0, sizeof *out);
    json_object_set_new(in, "queryId", json_string(query_id ? query_id : ""));
    int rc = aws_json_call(c, AWS_SVC_LOGS, "GetQueryResults", in, &doc, e);
    if (rc == 0)
        rc = logs_parse_query_results(doc, out, e);
    json_decref(doc);
    json_decref(in);
    return rc;
}
