/* logs_parse.c — pure parsers of the CloudWatch Logs answers (see aws/logs.h): a parsed
 * document in, topology structs out, no network.  The calls are in logs.c.
 */
#include "aws/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typed_util.h"
#include "util/xmalloc.h"

void log_group_cleanup(struct log_group *g)
{
    if (!g)
        return;
    free(g->name);
    free(g->arn);
    memset(g, 0, sizeof *g);
}

void logs_free_groups(struct log_group *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        log_group_cleanup(&v[i]);
    free(v);
}

void log_event_cleanup(struct log_event *ev)
{
    if (!ev)
        return;
    free(ev->group);
    free(ev->stream);
    free(ev->message);
    free(ev->event_id);
    memset(ev, 0, sizeof *ev);
}

void log_events_init(struct log_events *l)
{
    memset(l, 0, sizeof *l);
}

void log_events_cleanup(struct log_events *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        log_event_cleanup(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void logs_query_result_cleanup(struct logs_query_result *r)
{
    if (!r)
        return;
    free(r->status);
    for (size_t i = 0; i < r->n_rows; i++) {
        for (size_t j = 0; j < r->rows[i].n_fields; j++) {
            free(r->rows[i].fields[j].field);
            free(r->rows[i].fields[j].value);
        }
        free(r->rows[i].fields);
    }
    free(r->rows);
    memset(r, 0, sizeof *r);
}

const char *logs_query_row_get(const struct logs_query_row *r, const char *field)
{
    for (size_t i = 0; r && field && i < r->n_fields; i++)
        if (r->fields[i].field && strcmp(r->fields[i].field, field) == 0)
            return r->fields[i].value;
    return NULL;
}

/* ------------------------------------------------------------ parsers */

static int next_token(const json_t *doc, char **tok, const char *op, struct err *e)
{
    if (typed_jstr(doc, "nextToken", tok, op, e))
        return -1;
    if (*tok && !**tok) {
        free(*tok);
        *tok = NULL;
    }
    return 0;
}

int logs_parse_log_groups(const json_t *doc, struct log_group **out, size_t *n,
                          char **next, struct err *e)
{
    static const char op[] = "DescribeLogGroups";
    json_t *arr, *g;
    size_t i;
    char c[96];
    *next = NULL;
    if (typed_json_object(doc, op, e) || typed_jarray(doc, "logGroups", &arr, op, e))
        return -1;
    json_array_foreach(arr, i, g) {
        snprintf(c, sizeof c, "%s: logGroups[%zu]", op, i);
        struct log_group x = {0};
        if (typed_json_object(g, c, e) || typed_jstr(g, "logGroupName", &x.name, c, e) ||
            typed_jstr(g, "arn", &x.arn, c, e) ||
            typed_jint64(g, "creationTime", &x.creation_ms, c, e) ||
            typed_jint(g, "retentionInDays", &x.retention_days, c, e) ||
            typed_jint64(g, "storedBytes", &x.stored_bytes, c, e) ||
            (!x.name && err_set(e, ERR_PARSE, "%s: log group without logGroupName", c))) {
            log_group_cleanup(&x);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = x;
    }
    return next_token(doc, next, op, e);
}

int logs_parse_filter_page(const json_t *doc, const char *group, struct log_events *out,
                           size_t max_events, char **next, struct err *e)
{
    static const char op[] = "FilterLogEvents";
    json_t *arr, *ev;
    size_t i;
    char c[96];
    *next = NULL;
    if (typed_json_object(doc, op, e) || typed_jarray(doc, "events", &arr, op, e))
        return -1;
    json_array_foreach(arr, i, ev) {
        snprintf(c, sizeof c, "%s: events[%zu]", op, i);
        struct log_event x = {0};
        if (typed_json_object(ev, c, e) || typed_jstr(ev, "logStreamName", &x.stream, c, e) ||
            typed_jstr(ev, "message", &x.message, c, e) ||
            typed_jstr(ev, "eventId", &x.event_id, c, e) ||
            typed_jint64(ev, "timestamp", &x.timestamp_ms, c, e) ||
            typed_jint64(ev, "ingestionTime", &x.ingestion_ms, c, e) ||
            (!x.message && err_set(e, ERR_PARSE, "%s: event without message", c))) {
            log_event_cleanup(&x);
            return -1;
        }
        if (max_events && out->n >= max_events) {
            log_event_cleanup(&x);
            out->capped = true;
            continue;
        }
        x.group = xstrdup(group);
        *(struct log_event *)xarray_push((void **)&out->items, &out->n, &out->cap,
                                         sizeof *out->items) = x;
    }
    return next_token(doc, next, op, e);
}

int logs_parse_start_query(const json_t *doc, char **query_id, struct err *e)
{
    static const char op[] = "StartQuery";
    *query_id = NULL;
    if (typed_json_object(doc, op, e) || typed_jstr(doc, "queryId", query_id, op, e))
        return -1;
    if (!*query_id || !**query_id) {
        free(*query_id);
        *query_id = NULL;
        return err_set(e, ERR_PARSE, "%s: answer without queryId", op);
    }
    return 0;
}

int logs_parse_query_results(const json_t *doc, struct logs_query_result *out, struct err *e)
{
    static const char op[] = "GetQueryResults";
    json_t *rows, *row, *cell, *stats;
    size_t i, j;
    char c[96];
    memset(out, 0, sizeof *out);
    if (typed_json_object(doc, op, e) || typed_jstr(doc, "status", &out->status, op, e) ||
        typed_jarray(doc, "results", &rows, op, e) ||
        typed_jobject(doc, "statistics", &stats, op, e))
        goto fail;
    if (!out->status) {
        err_set(e, ERR_PARSE, "%s: answer without status", op);
        goto fail;
    }
    if (stats && (typed_jdouble(stats, "recordsMatched", &out->records_matched, op, e) ||
                  typed_jdouble(stats, "recordsScanned", &out->records_scanned, op, e) ||
                  typed_jdouble(stats, "bytesScanned", &out->bytes_scanned, op, e)))
        goto fail;
    json_array_foreach(rows, i, row) {
        if (!json_is_array(row)) {
            err_set(e, ERR_PARSE, "%s: results[%zu] is not an array", op, i);
            goto fail;
        }
        struct logs_query_row *r = TYPED_PUSH(out->rows, out->n_rows);
        json_array_foreach(row, j, cell) {
            snprintf(c, sizeof c, "%s: results[%zu][%zu]", op, i, j);
            struct logs_query_field *f = TYPED_PUSH(r->fields, r->n_fields);
            if (typed_json_object(cell, c, e) || typed_jstr(cell, "field", &f->field, c, e) ||
                typed_jstr(cell, "value", &f->value, c, e))
                goto fail;
            if (!f->field) {
                err_set(e, ERR_PARSE, "%s: cell without field", c);
                goto fail;
            }
        }
    }
    return 0;
fail:
    logs_query_result_cleanup(out);
    return -1;
}
