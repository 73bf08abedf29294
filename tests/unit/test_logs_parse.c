/* test_logs_parse.c — the CloudWatch Logs parsers on the shared samples
 * ($SHARED/aws/samples/logs, skipped when absent) and on synthetic answers:
 * pagination tokens (incl. empty pages that still carry one), the event cap,
 * Insights rows and statistics, and malformed answers that must be errors
 * naming the operation and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "typed_test_util.h"

static json_t *parse_json(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!j)
        fail_msg("bad test JSON: %s (line %d)", je.text, je.line);
    return j;
}

static void sample_log_groups_pages(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(p1, "logs/DescribeLogGroups-page1.json");
    char *p2 = sample_read("logs/DescribeLogGroups.json", NULL);
    assert_non_null(p2);
    json_t *d1 = parse_json(p1), *d2 = parse_json(p2);
    struct log_group *g = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(logs_parse_log_groups(d1, &g, &n, &next, &e), 0);
    assert_string_equal(next, "AQAAAEXAMPLE-opaque-next-token-ZNUEPl7FcQuXbIH4Swk9D9eFu2XBg");
    free(next);
    assert_int_equal(logs_parse_log_groups(d2, &g, &n, &next, &e), 0);
    assert_null(next);
    assert_int_equal(n, 3);
    assert_string_equal(g[0].name, "my-log-group-1");
    assert_string_equal(g[0].arn, "arn:aws:logs:us-east-1:123456789012:log-group:my-log-group-1:*");
    assert_int_equal(g[0].creation_ms, 1393545600000LL);
    assert_int_equal(g[0].retention_days, 14);
    assert_string_equal(g[2].name, "my-log-group-2");
    assert_int_equal(g[2].retention_days, 30);
    logs_free_groups(g, n);
    json_decref(d1);
    json_decref(d2);
    free(p1);
    free(p2);
}

static void sample_filter_pages(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(p1, "logs/FilterLogEvents.json");
    char *p2 = sample_read("logs/FilterLogEvents-lastpage.json", NULL);
    assert_non_null(p2);
    json_t *d1 = parse_json(p1), *d2 = parse_json(p2);
    struct log_events ev;
    log_events_init(&ev);
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(logs_parse_filter_page(d1, "my-log-group", &ev, 0, &next, &e), 0);
    assert_string_equal(next, "ZNUEPl7FcQuXbIH4Swk9D9eFu2XBg-ijZIZlvzz4ea9zZRjw-MMtQtvcoMdmq4T29K7Q6Y1e_KvyfpcT_f_tUw");
    free(next);
    assert_int_equal(logs_parse_filter_page(d2, "/ecs/web", &ev, 0, &next, &e), 0);
    assert_null(next);
    assert_int_equal(ev.n, 4);
    assert_false(ev.capped);
    assert_string_equal(ev.items[0].group, "my-log-group");
    assert_string_equal(ev.items[0].stream, "my-log-stream-1");
    assert_string_equal(ev.items[0].message, "ERROR Event 1");
    assert_int_equal(ev.items[0].timestamp_ms, 1396035378988LL);
    assert_int_equal(ev.items[0].ingestion_ms, 1396035394997LL);
    assert_string_equal(ev.items[0].event_id, "31132629274945519779805322857203735586714454643391594505");
    assert_string_equal(ev.items[2].message, "ERROR Event 3");
    assert_string_equal(ev.items[3].group, "/ecs/web");
    assert_string_equal(ev.items[3].stream, "ecs/web/154bdb1df5b446b280fe900d12c452a1");
    assert_int_equal(ev.items[3].timestamp_ms, 1738616600123LL);
    log_events_cleanup(&ev);
    json_decref(d1);
    json_decref(d2);
    free(p1);
    free(p2);
}

static void sample_start_query(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "logs/StartQuery.json");
    json_t *d = parse_json(text);
    char *id = NULL;
    struct err e = {0};
    assert_int_equal(logs_parse_start_query(d, &id, &e), 0);
    assert_string_equal(id, "12ab3456-12ab-123a-789e-1234567890ab");
    free(id);
    json_decref(d);
    free(text);
}

static void sample_query_results(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "logs/GetQueryResults.json");
    json_t *d = parse_json(text);
    struct logs_query_result r;
    struct err e = {0};
    assert_int_equal(logs_parse_query_results(d, &r, &e), 0);
    assert_string_equal(r.status, "Complete");
    assert_int_equal(r.n_rows, 3);
    assert_int_equal(r.rows[0].n_fields, 4);
    assert_string_equal(logs_query_row_get(&r.rows[0], "@message"), "Test BENCHMARK 3");
    assert_string_equal(logs_query_row_get(&r.rows[2], "@timestamp"), "2024-05-19 06:10:16.682");
    assert_string_equal(logs_query_row_get(&r.rows[1], "@logStream"), "TestStream");
    assert_null(logs_query_row_get(&r.rows[1], "@log"));
    assert_true(r.records_matched == 3.0);
    assert_true(r.records_scanned == 3.0);
    assert_true(r.bytes_scanned == 141.0);
    logs_query_result_cleanup(&r);
    json_decref(d);
    free(text);
}

static void sample_query_running(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "logs/GetQueryResults-running.json");
    json_t *d = parse_json(text);
    struct logs_query_result r;
    struct err e = {0};
    assert_int_equal(logs_parse_query_results(d, &r, &e), 0);
    assert_string_equal(r.status, "Running");
    assert_int_equal(r.n_rows, 0);
    assert_true(r.records_matched == 0.0);
    logs_query_result_cleanup(&r);
    json_decref(d);
    free(text);
}

/* An empty page that still carries a token is not the last page. */
static void synthetic_empty_page_with_token(void **state)
{
    (void)state;
    json_t *d = parse_json("{\"events\":[],\"nextToken\":\"t2\",\"searchedLogStreams\":[]}");
    struct log_events ev;
    log_events_init(&ev);
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(logs_parse_filter_page(d, "g", &ev, 0, &next, &e), 0);
    assert_int_equal(ev.n, 0);
    assert_non_null(next);
    assert_string_equal(next, "t2");
    free(next);
    json_decref(d);
    /* An empty token means done, as an absent one does. */
    d = parse_json("{\"events\":[],\"nextToken\":\"\"}");
    assert_int_equal(logs_parse_filter_page(d, "g", &ev, 0, &next, &e), 0);
    assert_null(next);
    json_decref(d);
    log_events_cleanup(&ev);
}

/* The event cap keeps the first events and says it capped; moto's answer
 * (no eventId, no ingestionTime) parses. */
static void synthetic_event_cap_and_moto_form(void **state)
{
    (void)state;
    json_t *d = parse_json(
        "{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":1,\"message\":\"a\"},"
        "{\"logStreamName\":\"s\",\"timestamp\":2,\"message\":\"b\",\"extra\":true},"
        "{\"logStreamName\":\"s\",\"timestamp\":3,\"message\":\"c\"}],\"nextToken\":\"n\"}");
    struct log_events ev;
    log_events_init(&ev);
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(logs_parse_filter_page(d, "g", &ev, 2, &next, &e), 0);
    assert_int_equal(ev.n, 2);
    assert_true(ev.capped);
    assert_string_equal(ev.items[1].message, "b");
    assert_null(ev.items[1].event_id);
    assert_int_equal(ev.items[1].ingestion_ms, 0);
    assert_int_equal(ev.items[1].timestamp_ms, 2);
    free(next);
    json_decref(d);
    log_events_cleanup(&ev);
}

/* Many pages accumulate into one list (the capacity grows geometrically). */
static void synthetic_many_pages(void **state)
{
    (void)state;
    struct log_events ev;
    log_events_init(&ev);
    struct err e = {0};
    for (int p = 0; p < 50; p++) {
        json_t *events = json_array();
        for (int i = 0; i < 20; i++) {
            json_t *x = json_pack("{s:s, s:I, s:s}", "logStreamName", "s", "timestamp",
                                  (json_int_t)(p * 100 + i), "message", "m");
            json_array_append_new(events, x);
        }
        json_t *d = json_pack("{s:o}", "events", events);
        char *next = NULL;
        assert_int_equal(logs_parse_filter_page(d, "g", &ev, 0, &next, &e), 0);
        json_decref(d);
    }
    assert_int_equal(ev.n, 1000);
    assert_int_equal(ev.items[999].timestamp_ms, 4919);
    log_events_cleanup(&ev);
}

enum which { W_GROUPS, W_FILTER, W_START, W_RESULTS };

static const struct {
    const char *name;
    enum which which;
    const char *json;
    const char *want;
} malformed[] = {
    {"groups not an object", W_GROUPS, "\"x\"", "DescribeLogGroups: the answer is not a JSON object"},
    {"logGroups not an array", W_GROUPS, "{\"logGroups\":1}", "DescribeLogGroups: logGroups is not an array"},
    {"group without name", W_GROUPS, "{\"logGroups\":[{\"arn\":\"a\"}]}",
     "DescribeLogGroups: logGroups[0]: log group without logGroupName"},
    {"creationTime a string", W_GROUPS, "{\"logGroups\":[{\"logGroupName\":\"g\",\"creationTime\":\"1\"}]}",
     "DescribeLogGroups: logGroups[0]: creationTime is not a number"},
    {"events not an array", W_FILTER, "{\"events\":{}}", "FilterLogEvents: events is not an array"},
    {"event without message", W_FILTER, "{\"events\":[{\"timestamp\":1}]}",
     "FilterLogEvents: events[0]: event without message"},
    {"timestamp a string", W_FILTER, "{\"events\":[{\"message\":\"m\",\"timestamp\":\"now\"}]}",
     "FilterLogEvents: events[0]: timestamp is not a number"},
    {"message a number", W_FILTER, "{\"events\":[{\"message\":5}]}",
     "FilterLogEvents: events[0]: message is not a string"},
    {"token an array", W_FILTER, "{\"events\":[],\"nextToken\":[]}", "FilterLogEvents: nextToken is not a string"},
    {"no queryId", W_START, "{}", "StartQuery: answer without queryId"},
    {"queryId a number", W_START, "{\"queryId\":1}", "StartQuery: queryId is not a string"},
    {"no status", W_RESULTS, "{\"results\":[]}", "GetQueryResults: answer without status"},
    {"row not an array", W_RESULTS, "{\"status\":\"Complete\",\"results\":[{}]}",
     "GetQueryResults: results[0] is not an array"},
    {"cell without field", W_RESULTS, "{\"status\":\"Complete\",\"results\":[[{\"value\":\"v\"}]]}",
     "GetQueryResults: results[0][0]: cell without field"},
    {"statistics not an object", W_RESULTS, "{\"status\":\"Complete\",\"statistics\":[]}",
     "GetQueryResults: statistics is not an object"},
};

static int run_parser(enum which w, json_t *d, struct err *e)
{
    int rc = -1;
    char *s = NULL;
    switch (w) {
    case W_GROUPS: {
        struct log_group *g = NULL;
        size_t n = 0;
        rc = logs_parse_log_groups(d, &g, &n, &s, e);
        logs_free_groups(g, n);
        break;
    }
    case W_FILTER: {
        struct log_events ev;
        log_events_init(&ev);
        rc = logs_parse_filter_page(d, "g", &ev, 0, &s, e);
        log_events_cleanup(&ev);
        break;
    }
    case W_START:
        rc = logs_parse_start_query(d, &s, e);
        break;
    case W_RESULTS: {
        struct logs_query_result r;
        rc = logs_parse_query_results(d, &r, e);
        logs_query_result_cleanup(&r);
        break;
    }
    }
    free(s);
    return rc;
}

static void malformed_answers_are_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        json_t *d = parse_json(malformed[i].json);
        struct err e = {0};
        int rc = run_parser(malformed[i].which, d, &e);
        json_decref(d);
        if (rc != -1 || e.code != ERR_PARSE || !strstr(e.msg, malformed[i].want))
            fail_msg("case '%s': rc %d, code %d, message \"%s\", wanted \"%s\"", malformed[i].name,
                     rc, e.code, e.msg, malformed[i].want);
    }
}

static void truncated_json_never_crashes(void **state)
{
    (void)state;
    static const char text[] =
        "{\"status\":\"Complete\",\"results\":[[{\"field\":\"@message\",\"value\":\"x\"},"
        "{\"field\":\"@log\",\"value\":\"1:/ecs/a\"}]],\"statistics\":{\"recordsMatched\":1}}";
    size_t len = strlen(text);
    for (size_t cut = 0; cut <= len; cut++) {
        json_error_t je;
        json_t *d = json_loadb(text, cut, 0, &je);
        if (!d)
            continue;
        struct err e = {0};
        assert_int_equal(run_parser(W_RESULTS, d, &e), cut == len ? 0 : -1);
        json_decref(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_log_groups_pages),
        cmocka_unit_test(sample_filter_pages),
        cmocka_unit_test(sample_start_query),
        cmocka_unit_test(sample_query_results),
        cmocka_unit_test(sample_query_running),
        cmocka_unit_test(synthetic_empty_page_with_token),
        cmocka_unit_test(synthetic_event_cap_and_moto_form),
        cmocka_unit_test(synthetic_many_pages),
        cmocka_unit_test(malformed_answers_are_errors),
        cmocka_unit_test(truncated_json_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
