/* logs.h — typed CloudWatch Logs calls (JSON 1.1): DescribeLogGroups,
 * FilterLogEvents, StartQuery, GetQueryResults.
 *
 * Times: FilterLogEvents and events are epoch milliseconds; StartQuery's
 * window is epoch SECONDS (as the API defines it).  FilterLogEvents follows
 * nextToken to the end, including empty pages that still carry a token, with
 * a page cap and an event cap as safety (hitting either sets `capped`).
 *
 * Parsers are pure (a parsed JSON answer in, structs out); a malformed answer
 * is an ERR_PARSE error naming the operation and the field.
 */
#ifndef ALBCHECK_AWS_LOGS_H
#define ALBCHECK_AWS_LOGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/client.h"
#include "util/err.h"

#define LOGS_DEFAULT_MAX_PAGES 100
#define LOGS_DEFAULT_MAX_EVENTS 100000
#define LOGS_QUERY_MAX_GROUPS 50

struct log_group {
    char *name;
    char *arn;
    int64_t creation_ms;
    int retention_days;         /* 0 = never expires */
    int64_t stored_bytes;
};

struct log_event {
    char *group;                /* the group searched (not in the wire answer) */
    char *stream;
    char *message;
    int64_t timestamp_ms;
    int64_t ingestion_ms;
    char *event_id;
};

/* A growing list of events (caller-owned: log_events_init/cleanup). */
struct log_events {
    struct log_event *items;
    size_t n, cap;
    unsigned pages;             /* pages fetched */
    bool capped;                /* a page or event cap stopped the paging */
};

struct logs_filter {
    const char *group;          /* required */
    const char *pattern;        /* filterPattern, or NULL for all events */
    int64_t start_ms, end_ms;   /* 0 = unbounded */
    const char *const *streams; /* logStreamNames, or NULL */
    size_t n_streams;
    int limit;                  /* events per page; 0 = the service's default */
    unsigned max_pages;         /* 0 → LOGS_DEFAULT_MAX_PAGES */
    size_t max_events;          /* 0 → LOGS_DEFAULT_MAX_EVENTS */
};

struct logs_query_field {
    char *field;
    char *value;
};

struct logs_query_row {
    struct logs_query_field *fields;
    size_t n_fields;
};

struct logs_query_result {
    char *status;               /* Scheduled | Running | Complete | Failed | Cancelled | Timeout | Unknown */
    struct logs_query_row *rows;
    size_t n_rows;
    double records_matched, records_scanned, bytes_scanned;
};

void log_group_cleanup(struct log_group *g);
void logs_free_groups(struct log_group *v, size_t n);
void log_event_cleanup(struct log_event *ev);
void log_events_init(struct log_events *l);
void log_events_cleanup(struct log_events *l);
void logs_query_result_cleanup(struct logs_query_result *r);
/* The value of `field` in a row (borrowed), or NULL. */
const char *logs_query_row_get(const struct logs_query_row *r, const char *field);

/* ------------------------------------------------------------ parsers */

/* DescribeLogGroups page: appends groups, *next_token new or NULL. */
int logs_parse_log_groups(const json_t *doc, struct log_group **out, size_t *n,
                          char **next_token, struct err *e);
/* FilterLogEvents page: appends events (group copied from `group`) until
 * max_events are held (then *capped = true); *next_token new or NULL. */
int logs_parse_filter_page(const json_t *doc, const char *group, struct log_events *out,
                           size_t max_events, char **next_token, struct err *e);
/* StartQuery: *query_id new. */
int logs_parse_start_query(const json_t *doc, char **query_id, struct err *e);
/* GetQueryResults: fills *out (caller runs logs_query_result_cleanup). */
int logs_parse_query_results(const json_t *doc, struct logs_query_result *out, struct err *e);

/* ------------------------------------------------------------ calls */

/* Every group whose name starts with prefix (NULL: all), paginated. */
int logs_describe_log_groups(struct aws_client *c, const char *prefix, struct log_group **out,
                             size_t *n, struct err *e);
/* All pages of FilterLogEvents appended to *out (which the caller initialised). */
int logs_filter_log_events(struct aws_client *c, const struct logs_filter *f,
                           struct log_events *out, struct err *e);
/* start_s/end_s epoch seconds; limit 0 = the service's default.  *query_id new. */
int logs_start_query(struct aws_client *c, const char *const *groups, size_t n_groups,
                     const char *query, int64_t start_s, int64_t end_s, int limit,
                     char **query_id, struct err *e);
int logs_get_query_results(struct aws_client *c, const char *query_id,
                           struct logs_query_result *out, struct err *e);

#endif
