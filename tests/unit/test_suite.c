/* test_suite.c — unit tests for the suite loader and validator.
 *
 * Bad suites: a table of texts with the exact LINE:COLUMN the error must
 * point at and fragments its message must hold.  Good suites: the model the
 * loader builds, with every default applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite/suite.h"
#include "util/err.h"

struct bad_case {
    const char *text;
    int line, column;
    const char *fragment;
    const char *fragment2;  /* or NULL */
};

static const struct bad_case bad_cases[] = {
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\",\"probes\":[{\"path\":\"/x\",\"timout_ms\":5}]}]}",
     1, 82, "unknown key 'timout_ms' in a probe", "did you mean 'timeout_ms'?"},
    {"{\"name\":\"x\",\"zzzzzz\":1}",
     1, 13, "unknown key 'zzzzzz' in the suite", "allowed: '$schema', 'name'"},
    {"{\"name\": 3}",
     1, 10, "name: expected a string, got a number", NULL},
    {"{\"name\":\"x\",\"defaults\":{\"timeout_ms\":\"5000\"}}",
     1, 38, "defaults.timeout_ms: expected a whole number, got a string", NULL},
    {"{\"name\":\"x\",\"defaults\":{\"timeout_ms\":5.5}}",
     1, 38, "expected a whole number, got a number with a fraction", NULL},
    {"{}",
     1, 1, "missing required field 'name'", NULL},
    {"  {\n  \"region\": \"us-east-1\"\n}",
     1, 3, "missing required field 'name'", NULL},
    {"{\"name\":\"x\",\n \"probes\":[ {\"name\":\"p\"} ]}",
     2, 13, "probes[0]: missing required field 'path'", NULL},
    {"{\"name\":\"x\",\n \"services\":[\n  {\"name\":\"a\"}\n ]}",
     3, 3, "services[0]: missing required field 'target_group'", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"body\":\"a(b\"}}]}",
     1, 53, "probes[0].expect.body: invalid regex: missing closing parenthesis", "at offset 3 of the pattern"},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"headers\":{\"Server\":{\"regex\":\"[z\"}}}}]}",
     1, 75, "probes[0].expect.headers.Server.regex: invalid regex: missing terminating ]", "offset 2"},
    {"{\"name\":\"x\",\n \"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":700}}]}",
     2, 44, "status 700 is outside 100-599", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":[200,\"6xx\"]}}]}",
     1, 60, "probes[0].expect.status[1]: '6xx' is not a status", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":\"299-200\"}}]}",
     1, 55, "status range '299-200' runs backwards", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":[]}}]}",
     1, 55, "the status list is empty", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":99}}]}",
     1, 55, "status 99 is outside 100-599", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"\"}]}",
     1, 31, "probes[0].path: the path is empty", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"auth/login\"}]}",
     1, 31, "path 'auth/login' must start with '/'", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"timeout_ms\":-5}]}",
     1, 49, "timeout_ms must not be negative (got -5)", NULL},
    {"{\"name\":\"x\",\"defaults\":{\"retry_delay_ms\":-1}}",
     1, 42, "retry_delay_ms must not be negative", NULL},
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\",\"min_healthy\":-1}]}",
     1, 73, "services[0].min_healthy: min_healthy must not be negative", NULL},
    {"{\"name\":\"x\",\n\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\"},\n {\"name\":\"a\",\"target_group\":\"b-tg\"}]}",
     3, 10, "duplicate service name 'a' (first at line 2, column 13)", NULL},
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\",\"probes\":[{\"path\":\"/x\"},{\"path\":\"/x\"}]}]}",
     1, 83, "duplicate probe id 'a:GET /x'", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"service\":\"nope\"}]}",
     1, 46, "probes[0].service: no service is named 'nope'", NULL},
    {"{\"name\":\"x\",\"logs\":{\"wait_s\":4000}}",
     1, 30, "logs.wait_s: wait_s must be from 0 to 3600, got 4000", NULL},
    {"{\"name\":\"x\",\"logs\":{\"mode\":\"insight\"}}",
     1, 28, "unknown mode 'insight'; did you mean 'insights'?", "allowed: 'filter', 'insights'"},
    {"{\"name\":\"x\",\"logs\":{\"correlation\":\"sometimes\"}}",
     1, 35, "unknown correlation 'sometimes' (allowed: 'both', 'query', 'header', 'off')", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"from\":\"alb\"}}]}",
     1, 53, "unknown from 'alb'", "'any', 'service', 'load_balancer'"},
    {"{\"name\":\"x\",\"load_balancer\":{\"name\":\"a\",\"arn\":\"arn:aws:x\"}}",
     1, 41, "'name' and 'arn' both select the load balancer", NULL},
    {"{\"name\":\"x\",\"load_balancer\":{\"scheme\":\"internal\"}}",
     1, 29, "load_balancer: give one of 'name', 'arn', 'tags' or 'cloudformation_stack'", NULL},
    {"{\"name\":\"x\",\"load_balancer\":{\"name\":\"a\",\"scheme\":\"public\"}}",
     1, 50, "unknown scheme 'public'", "'internet-facing', 'internal'"},
    {"{\"name\":\"x\",\"load_balancer\":{\"tags\":{\"a/b~c\":5}}}",
     1, 46, "load_balancer.tags.a/b~c: expected a string, got a number", NULL},
    {"{\"name\":\"x\",\"load_balancer\":{\"name\":\"a\",\"listeners\":[{\"protocol\":\"HTTP\",\"port\":70000}]}}",
     1, 80, "port must be from 1 to 65535, got 70000", NULL},
    {"[1,2]",
     1, 1, "a suite must be a JSON object, got an array", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"logs\":true}]}",
     1, 43, "probes[0].logs: a logs check needs a service", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"method\":\"get\"}]}",
     1, 45, "method 'get' must be upper case", NULL},
    {"{\"name\":\"\xc3""\xa9""\xc3""\xa9""\xc3""\xa9""\",\"zz\":1}",
     1, 15, "unknown key 'zz'", NULL},
    {"{\"na\\u006de\":\"x\", \"b\\\"ad\": 1}",
     1, 19, "unknown key 'b\"ad'", NULL},
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a b\",\"target_group\":\"a-tg\"}]}",
     1, 33, "service name 'a b' may hold only", NULL},
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a\",\"target_group\":\"-bad-\"}]}",
     1, 52, "'-bad-' is not a target group name", NULL},
    {"{\"name\":\"x\",\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\",\"ecs\":{\"cluster\":\"c\",\"containerport\":5000}}]}",
     1, 80, "did you mean 'container_port'?", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"headers\":{\"X-A\":\"a\\nb\"}}]}",
     1, 53, "must not contain CR, LF or NUL", NULL},
    {"{\"name\":\"x\",\"region\":\"US East\"}",
     1, 22, "'US East' is not a region name", NULL},
    {"{\"name\":\"x\",\"probes\":[{\"path\":\"/x\",\"expect\":{\"headers\":{\"X\":{\"equals\":\"a\",\"absent\":true}}}}]}",
     1, 61, "give exactly one of 'equals', 'regex' or 'absent'", NULL},
    {"{\"name\":\"x\",\"defaults\":{\"expect\":{\"from\":\"service\"}}}",
     1, 35, "unknown key 'from' in expect", NULL},
    {"{\"name\":\"x\",\"probes\":{\"path\":\"/x\"}}",
     1, 22, "probes: expected an array of probes, got an object", NULL},
};

static void bad_suites_point_at_the_error(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct suite *s = (struct suite *)1;
        struct err e;
        err_clear(&e);
        int rc = suite_load_buffer(c->text, strlen(c->text), "t.json", &s, &e);
        char want[64];
        snprintf(want, sizeof want, "t.json:%d:%d: ", c->line, c->column);
        if (rc != -1 || s != NULL || e.code != ERR_SUITE ||
            strncmp(e.msg, want, strlen(want)) != 0 || !strstr(e.msg, c->fragment) ||
            (c->fragment2 && !strstr(e.msg, c->fragment2))) {
            print_error("case %zu: %s\n  want: %s... %s %s\n  got rc=%d code=%d: %s\n", i,
                        c->text, want, c->fragment, c->fragment2 ? c->fragment2 : "", rc,
                        (int)e.code, e.msg);
            failures++;
        }
        suite_free(rc == 0 ? s : NULL);
    }
    assert_int_equal(failures, 0);
}

static void syntax_errors_carry_jansson_positions(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *prefix;
    } cases[] = {
        {"{\"name\":\"x\",}", "t.json:1:13: JSON syntax error: "},
        {"{\n  \"name\": \"x\",\n  \"region\": \n}", "t.json:4:1: JSON syntax error: "},
        {"{\"name\":\"x\", \"name\":\"y\"}", "t.json:1:19: JSON syntax error: duplicate object key"},
        {"", "t.json:1:1: JSON syntax error: "},
        {"{\"name\": \"\xff\"}", "t.json:1:10: JSON syntax error: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct suite *s = NULL;
        struct err e;
        err_clear(&e);
        assert_int_equal(suite_load_buffer(cases[i].text, strlen(cases[i].text), "t.json", &s, &e),
                         -1);
        assert_null(s);
        assert_int_equal(e.code, ERR_SUITE);
        if (strncmp(e.msg, cases[i].prefix, strlen(cases[i].prefix)) != 0) {
            print_error("case %zu: want %s..., got %s\n", i, cases[i].prefix, e.msg);
            fail();
        }
    }
}

static const char good[] =
    "{\n"
    "  \"name\": \"shop\",\n"
    "  \"region\": \"eu-west-1\",\n"
    "  \"load_balancer\": { \"tags\": {\"app\": \"shop\", \"env\": \"prod\"},\n"
    "                     \"scheme\": \"internal\",\n"
    "                     \"listeners\": [{\"protocol\": \"HTTPS\", \"port\": 443}] },\n"
    "  \"defaults\": { \"retries\": 2, \"min_healthy\": 2,\n"
    "                \"expect\": { \"status\": [\"2xx\", 304], \"max_ms\": 800 } },\n"
    "  \"logs\": { \"wait_s\": 30, \"mode\": \"insights\", \"correlation\": \"header\" },\n"
    "  \"services\": [\n"
    "    { \"name\": \"cart\", \"target_group\": \"cart-tg\",\n"
    "      \"ecs\": { \"cluster\": \"Shop\", \"service\": \"cart-svc\", \"container_port\": 8080,\n"
    "               \"container_name\": \"cart\", \"image\": \"cart:1.2\" },\n"
    "      \"log_group\": \"/ecs/cart\", \"min_healthy\": 0,\n"
    "      \"probes\": [\n"
    "        { \"path\": \"/cart/1?x=1\", \"expect\": { \"body\": \"^Cart [0-9]+$\",\n"
    "            \"headers\": { \"Content-Type\": \"text/plain\",\n"
    "                         \"X-Trace\": {\"regex\": \"^Root=\"},\n"
    "                         \"X-Powered-By\": {\"absent\": true} } } },\n"
    "        { \"method\": \"POST\", \"path\": \"/cart\", \"body\": \"{}\", \"logs\": false,\n"
    "          \"headers\": {\"Content-Type\": \"application/json\"}, \"timeout_ms\": 100,\n"
    "          \"expect\": { \"status\": \"200-201\" } }\n"
    "      ] },\n"
    "    { \"name\": \"pay\", \"target_group\": \"pay-tg\" }\n"
    "  ],\n"
    "  \"probes\": [\n"
    "    { \"name\": \"missing\", \"path\": \"/nope\", \"host\": \"shop.example.com\",\n"
    "      \"expect\": { \"status\": 404, \"from\": \"load_balancer\" } },\n"
    "    { \"path\": \"/pay/health\", \"service\": \"pay\", \"expect\": {\"cert_min_days\": 14} }\n"
    "  ]\n"
    "}\n";

static bool re_matches(pcre2_code *re, const char *s)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

static void good_suite_builds_the_model(void **state)
{
    (void)state;
    struct suite *s = NULL;
    struct err e;
    err_clear(&e);
    int rc = suite_load_buffer(good, strlen(good), "good.json", &s, &e);
    if (rc != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, 0);
    assert_non_null(s);
    assert_string_equal(s->path, "good.json");
    assert_string_equal(s->name, "shop");
    assert_string_equal(s->region, "eu-west-1");
    assert_int_equal(s->lb.kind, LB_SEL_TAGS);
    assert_int_equal(s->lb.n_tags, 2);
    assert_string_equal(s->lb.tags[1].key, "env");
    assert_string_equal(s->lb.tags[1].value, "prod");
    assert_string_equal(s->expect_scheme, "internal");
    assert_int_equal(s->n_listeners, 1);
    assert_string_equal(s->listeners[0].protocol, "HTTPS");
    assert_int_equal(s->listeners[0].port, 443);
    assert_int_equal(s->logs.wait_s, 30);
    assert_int_equal(s->logs.mode, LOGS_INSIGHTS);
    assert_int_equal(s->logs.correlation, CORR_HEADER);
    assert_true(s->logs.enabled);
    assert_int_equal(s->logs.skew_s, 60);
    assert_string_equal(s->logs.query_param, "albcheck");

    assert_int_equal(s->n_services, 2);
    const struct service_spec *cart = &s->services[0], *pay = &s->services[1];
    assert_string_equal(cart->name, "cart");
    assert_string_equal(cart->target_group, "cart-tg");
    assert_string_equal(cart->cluster, "Shop");
    assert_string_equal(cart->ecs_service, "cart-svc");
    assert_string_equal(cart->container_name, "cart");
    assert_int_equal(cart->container_port, 8080);
    assert_string_equal(cart->image, "cart:1.2");
    assert_string_equal(cart->log_group, "/ecs/cart");
    assert_int_equal(cart->min_healthy, 0);
    assert_int_equal(cart->line, 11);
    assert_int_equal(cart->column, 5);
    assert_int_equal(pay->min_healthy, 2); /* from defaults */
    assert_null(pay->log_group);

    assert_int_equal(s->n_probes, 4);
    const struct probe_spec *p = &s->probes[0];
    assert_string_equal(p->id, "cart:GET /cart/1?x=1");
    assert_string_equal(p->name, "GET /cart/1?x=1");
    assert_int_equal(p->service, 0);
    assert_string_equal(p->method, "GET");
    assert_int_equal(p->timeout_ms, 5000);
    assert_int_equal(p->retries, 2);
    assert_int_equal(p->retry_delay_ms, 500);
    assert_true(p->check_logs);
    assert_string_equal(p->expect_target_group, "cart-tg");
    assert_int_equal(p->line, 16);
    assert_int_equal(p->column, 9);
    /* defaults.expect.status, kept because the probe gives none */
    assert_int_equal(p->expect.n_status, 2);
    assert_int_equal(p->expect.status[0].lo, 200);
    assert_int_equal(p->expect.status[0].hi, 299);
    assert_int_equal(p->expect.status[1].lo, 304);
    assert_int_equal(p->expect.status[1].hi, 304);
    assert_int_equal(p->expect.max_ms, 800);
    assert_int_equal(p->expect.from, FROM_ANY);
    assert_int_equal(p->expect.cert_min_days, -1);
    assert_non_null(p->expect.body_re);
    assert_true(re_matches(p->expect.body_re, "Cart 42"));
    assert_false(re_matches(p->expect.body_re, "Cart x"));
    assert_int_equal(p->expect.n_headers, 3);
    assert_string_equal(p->expect.headers[0].name, "Content-Type");
    assert_string_equal(p->expect.headers[0].equals, "text/plain");
    assert_non_null(p->expect.headers[1].regex);
    assert_true(re_matches(p->expect.headers[1].regex, "Root=1-abc"));
    assert_true(p->expect.headers[2].absent);

    p = &s->probes[1];
    assert_string_equal(p->id, "cart:POST /cart");
    assert_string_equal(p->method, "POST");
    assert_string_equal(p->body, "{}");
    assert_false(p->check_logs);
    assert_int_equal(p->timeout_ms, 100);
    assert_int_equal(p->n_headers, 1);
    assert_string_equal(p->headers[0].key, "Content-Type");
    assert_int_equal(p->expect.n_status, 1);
    assert_int_equal(p->expect.status[0].lo, 200);
    assert_int_equal(p->expect.status[0].hi, 201);
    assert_null(p->expect.body_re);

    p = &s->probes[2];
    assert_string_equal(p->id, "probe:missing");
    assert_string_equal(p->name, "missing");
    assert_int_equal(p->service, -1);
    assert_string_equal(p->host, "shop.example.com");
    assert_int_equal(p->expect.from, FROM_LOAD_BALANCER);
    assert_string_equal(p->expect_target_group, "");
    assert_false(p->check_logs);
    assert_int_equal(p->expect.status[0].lo, 404);

    p = &s->probes[3];
    assert_string_equal(p->id, "probe:GET /pay/health");
    assert_int_equal(p->service, 1);
    assert_string_equal(p->expect_target_group, "pay-tg");
    assert_true(p->check_logs);
    assert_int_equal(p->expect.cert_min_days, 14);
    suite_free(s);
}

static void minimal_suite_gets_every_default(void **state)
{
    (void)state;
    const char *text = "{\"name\":\"m\",\"load_balancer\":{\"name\":\"ALB\"},"
                       "\"services\":[{\"name\":\"a\",\"target_group\":\"a-tg\","
                       "\"probes\":[{\"path\":\"/a\"}]}],"
                       "\"probes\":[{\"path\":\"/b\"}]}";
    struct suite *s = NULL;
    struct err e;
    err_clear(&e);
    assert_int_equal(suite_load_buffer(text, strlen(text), "m.json", &s, &e), 0);
    assert_int_equal(s->lb.kind, LB_SEL_NAME);
    assert_string_equal(s->lb.value, "ALB");
    assert_null(s->region);
    assert_null(s->expect_scheme);
    assert_int_equal(s->default_timeout_ms, 5000);
    assert_true(s->logs.enabled);
    assert_int_equal(s->logs.wait_s, 60);
    assert_int_equal(s->logs.mode, LOGS_FILTER);
    assert_int_equal(s->logs.correlation, CORR_BOTH);
    assert_int_equal(s->logs.skew_s, 60);
    assert_string_equal(s->logs.query_param, "albcheck");
    assert_int_equal(s->services[0].min_healthy, 1);
    for (size_t i = 0; i < 2; i++) {
        const struct probe_spec *p = &s->probes[i];
        assert_string_equal(p->method, "GET");
        assert_int_equal(p->timeout_ms, 5000);
        assert_int_equal(p->retries, 0);
        assert_int_equal(p->expect.n_status, 1);
        assert_int_equal(p->expect.status[0].lo, 200);
        assert_int_equal(p->expect.status[0].hi, 200);
        assert_int_equal(p->expect.max_ms, 0);
        assert_int_equal(p->expect.from, FROM_ANY);
    }
    assert_true(s->probes[0].check_logs);
    assert_false(s->probes[1].check_logs);     /* top-level, no service */
    assert_null(s->probes[1].expect_target_group); /* nothing to check */
    assert_string_equal(s->probes[1].id, "probe:GET /b");
    suite_free(s);

    /* logs disabled or correlation off: no probe gets a logs check */
    const char *off[] = {
        "{\"name\":\"m\",\"logs\":{\"enabled\":false},\"services\":[{\"name\":\"a\","
        "\"target_group\":\"a-tg\",\"probes\":[{\"path\":\"/a\"}]}]}",
        "{\"name\":\"m\",\"logs\":{\"correlation\":\"off\"},\"services\":[{\"name\":\"a\","
        "\"target_group\":\"a-tg\",\"probes\":[{\"path\":\"/a\"}]}]}",
    };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(suite_load_buffer(off[i], strlen(off[i]), "m.json", &s, &e), 0);
        assert_false(s->probes[0].check_logs);
        suite_free(s);
    }
}

static void new_defaults_and_free_null(void **state)
{
    (void)state;
    struct suite *s = suite_new_defaults();
    assert_true(s->logs.enabled);
    assert_int_equal(s->logs.wait_s, 60);
    assert_int_equal(s->logs.skew_s, 60);
    assert_string_equal(s->logs.query_param, "albcheck");
    assert_int_equal(s->default_timeout_ms, 5000);
    assert_int_equal(s->n_probes, 0);
    suite_free(s);
    suite_free(NULL);
}

static void missing_file_is_an_io_error(void **state)
{
    (void)state;
    struct suite *s = (struct suite *)1;
    struct err e;
    err_clear(&e);
    assert_int_equal(suite_load_file("/nonexistent/suite.json", &s, &e), -1);
    assert_null(s);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/suite.json: "));
}

static void file_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/albcheck-test-suite-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"name\":\"f\",\n\"probes\":[{\"path\":\"/x\",\"expect\":{\"status\":600}}]}", f);
    fclose(f);
    struct suite *s = NULL;
    struct err e;
    err_clear(&e);
    assert_int_equal(suite_load_file(path, &s, &e), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:2:43: probes[0].expect.status: status 600", path);
    assert_true(strncmp(e.msg, want, strlen(want)) == 0);
    assert_int_equal(err_exit_status(e.code), 2);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_suites_point_at_the_error),
        cmocka_unit_test(syntax_errors_carry_jansson_positions),
        cmocka_unit_test(good_suite_builds_the_model),
        cmocka_unit_test(minimal_suite_gets_every_default),
        cmocka_unit_test(new_defaults_and_free_null),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(file_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
