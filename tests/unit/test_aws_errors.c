/* test_aws_errors.c — AWS error answers → struct err, and answer parsing.
 *
 * The shared samples ($SHARED/aws/samples/{elbv2,sts}/error-*.xml and
 * {ecs,logs}/error-*.json, each with a .source.txt giving status and headers)
 * are checked when present; synthetic cases cover what the samples do not:
 * an XML body on a JSON service (moto), "__type" with '#' and ':', a
 * capitalised "Message", a header-only error, a proxy's HTML 502.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/protocol.h"
#include "util/err.h"

struct error_case {
    const char *name;
    int status;
    const char *body;
    const char *request_id_header;
    const char *error_type_header;
    const char *content_type;
    enum err_code want_code;
    const char *want_aws_code;
    const char *want_request_id;
    const char *want_msg;        /* exact, or NULL */
    const char *want_substr[4];  /* each must appear in the message */
};

static const struct error_case cases[] = {
    {"query error", 400,
     "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
     "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
     "<RequestId>1a2b3c</RequestId></ErrorResponse>",
     NULL, NULL, "text/xml", ERR_AWS, "Throttling", "1a2b3c",
     "DescribeRules: Throttling: Rate exceeded (HTTP 400, request id 1a2b3c)", {NULL}},
    {"query error, elements in another order, RequestID spelling", 400,
     "<?xml version=\"1.0\"?>\n<ErrorResponse><RequestID>zz9</RequestID>"
     "<Error><Message>Rule 'x' not found</Message><Code>RuleNotFound</Code></Error></ErrorResponse>",
     NULL, NULL, NULL, ERR_AWS, "RuleNotFound", "zz9",
     "DescribeRules: RuleNotFound: Rule 'x' not found (HTTP 400, request id zz9)", {NULL}},
    {"XML error body on a JSON service (moto)", 403,
     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Errors><Error>"
     "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not "
     "match the signature you provided.</Message></Error></Errors>"
     "<RequestId>moto-1</RequestId></ErrorResponse>",
     NULL, NULL, "text/html", ERR_AUTH, "SignatureDoesNotMatch", "moto-1",
     "DescribeRules: SignatureDoesNotMatch: The request signature we calculated does not match "
     "the signature you provided. (HTTP 403, request id moto-1)",
     {NULL}},
    {"__type with namespace and URI", 400,
     "{\"__type\":\"com.amazonaws.ecs#ClusterNotFoundException:http://internal.amazon.com/\","
     "\"message\":\"Cluster not found.\"}",
     "req-9", NULL, "application/x-amz-json-1.1", ERR_AWS, "ClusterNotFoundException", "req-9",
     "DescribeRules: ClusterNotFoundException: Cluster not found. (HTTP 400, request id req-9)",
     {NULL}},
    {"Message capitalised", 400, "{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}",
     "abc", NULL, NULL, ERR_AWS, "ThrottlingException", "abc",
     "DescribeRules: ThrottlingException: Rate exceeded (HTTP 400, request id abc)", {NULL}},
    {"empty body, only X-Amzn-Errortype", 403, "", "r-7",
     "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/", NULL,
     ERR_AUTH, "AccessDeniedException", "r-7",
     "DescribeRules: AccessDeniedException (HTTP 403, request id r-7)", {NULL}},
    {"header type used when the body has none", 400, "{\"message\":\"bad input\"}", NULL,
     "ValidationException", NULL, ERR_AWS, "ValidationException", "",
     "DescribeRules: ValidationException: bad input (HTTP 400)", {NULL}},
    {"HTML 502 from a proxy", 502,
     "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
     "Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
     NULL, NULL, "text/html", ERR_AWS, "", "", NULL,
     {"DescribeRules: HTTP 502 Bad Gateway", "not an AWS answer", "text/html",
      "<title>502 Bad Gateway</title>"}},
    {"malformed JSON 500", 500, "{\"__type\": \"Internal", NULL, NULL,
     "application/x-amz-json-1.1", ERR_AWS, "", "", NULL,
     {"HTTP 500 Internal Server Error", "not an AWS answer", "{\"__type\": \"Internal", NULL}},
    {"short non-AWS body is shown whole", 404, "  Not Found\n", NULL, NULL, "text/plain", ERR_AWS,
     "", "", "DescribeRules: HTTP 404 Not Found, not an AWS answer (text/plain): Not Found", {NULL}},
    {"long non-AWS body is cut with an ellipsis", 500,
     "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
     "1234567890123456789012345678901234567890123456789012345678901234567890123456789",
     NULL, NULL, NULL, ERR_AWS, "", "", NULL, {"(no content type): 0123", "3456789…", NULL}},
    {"empty 503", 503, "", NULL, NULL, NULL, ERR_AWS, "", "",
     "DescribeRules: HTTP 503 Service Unavailable with an empty body, not an AWS answer", {NULL}},
    {"expired token is an auth failure", 400,
     "{\"__type\":\"ExpiredTokenException\",\"message\":\"The security token included in the "
     "request is expired\"}",
     NULL, NULL, NULL, ERR_AUTH, "ExpiredTokenException", "", NULL, {"(HTTP 400)", NULL}},
    {"unknown key", 403,
     "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token "
     "included in the request is invalid.</Message></Error><RequestId>q</RequestId>"
     "</ErrorResponse>",
     NULL, NULL, NULL, ERR_AUTH, "InvalidClientTokenId", "q", NULL, {"InvalidClientTokenId: ", NULL}},
    {"message on several lines becomes one", 400,
     "<ErrorResponse><Error><Code>ValidationError</Code><Message>line one\n  line\ttwo"
     "</Message></Error></ErrorResponse>",
     NULL, NULL, NULL, ERR_AWS, "ValidationError", "",
     "DescribeRules: ValidationError: line one line two (HTTP 400)", {NULL}},
    {"code without message", 500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error>"
     "<RequestId>x1</RequestId></ErrorResponse>",
     NULL, NULL, NULL, ERR_AWS, "InternalFailure", "x1",
     "DescribeRules: InternalFailure (HTTP 500, request id x1)", {NULL}},
};

static void synthetic_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct error_case *c = &cases[i];
        struct aws_answer a = {
            .http_status = c->status,
            .body = c->body,
            .len = strlen(c->body),
            .content_type = c->content_type,
            .request_id = c->request_id_header,
            .error_type = c->error_type_header,
        };
        struct err e;
        err_clear(&e);
        assert_int_equal(aws_error_from_answer("DescribeRules", &a, &e), -1);
        if (e.code != c->want_code || strcmp(e.aws_code, c->want_aws_code) != 0 ||
            strcmp(e.request_id, c->want_request_id) != 0)
            fail_msg("case '%s': code %d aws_code '%s' request id '%s' (%s)", c->name, e.code,
                     e.aws_code, e.request_id, e.msg);
        assert_int_equal(e.http_status, c->status);
        assert_null(strchr(e.msg, '\n'));
        if (c->want_msg && strcmp(e.msg, c->want_msg) != 0)
            fail_msg("case '%s':\n got '%s'\nwant '%s'", c->name, e.msg, c->want_msg);
        for (size_t k = 0; k < 4 && c->want_substr[k]; k++)
            if (!strstr(e.msg, c->want_substr[k]))
                fail_msg("case '%s': '%s' not in '%s'", c->name, c->want_substr[k], e.msg);
    }
}

static void sanitize_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } t[] = {
        {"FooError", "FooError"},
        {"FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError"},
        {"aws.protocoltests.restjson#FooError", "FooError"},
        {"aws.protocoltests.restjson#FooError:http://internal.amazon.com/", "FooError"},
        {" FooError ", "FooError"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[64];
        aws_error_code_sanitize(t[i].in, out, sizeof out);
        assert_string_equal(out, t[i].out);
    }
    char small[4];
    aws_error_code_sanitize("ThrottlingException", small, sizeof small);
    assert_string_equal(small, "Thr");
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = calloc(1, 1 << 20);
    *len = fread(data, 1, (1 << 20) - 1, f);
    fclose(f);
    return data;
}

/* Status and a header's value from a sample's .source.txt ("HTTP/1.1 403 …"). */
static int source_status(const char *src)
{
    const char *p = strstr(src, "HTTP/1.1 ");
    return p ? atoi(p + 9) : 0;
}

static void source_header(const char *src, const char *name, char *out, size_t out_size)
{
    out[0] = '\0';
    for (const char *line = src; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        size_t nl = strlen(name);
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r\n");
            snprintf(out, out_size, "%.*s", (int)n, v);
            return;
        }
        if (*line == '\n' || *line == '\r')
            return; /* end of the header block */
    }
}

static void body_request_id(const char *body, char *out, size_t out_size)
{
    out[0] = '\0';
    const char *p = strstr(body, "<RequestId>");
    if (!p)
        return;
    p += strlen("<RequestId>");
    snprintf(out, out_size, "%.*s", (int)strcspn(p, "<"), p);
}

static void shared_samples(void **state)
{
    (void)state;
    const char *shared = getenv("SHARED");
    char dir[1024];
    static const char *const services[] = {"elbv2", "sts", "ecs", "logs"};
    int seen = 0;
    assert_non_null(shared);
    for (size_t s = 0; s < 4; s++) {
        snprintf(dir, sizeof dir, "%s/aws/samples/%s", shared, services[s]);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d))) {
            const char *n = de->d_name;
            size_t l = strlen(n);
            if (strncmp(n, "error-", 6) != 0 || l < 11 || strstr(n, ".source.txt"))
                continue;
            const char *dot = strrchr(n, '.');
            char path[1400], srcpath[1400], code[128];
            snprintf(code, sizeof code, "%.*s", (int)(dot - n - 6), n + 6);
            snprintf(path, sizeof path, "%s/%s", dir, n);
            snprintf(srcpath, sizeof srcpath, "%s/%.*s.source.txt", dir, (int)(dot - n), n);
            size_t blen = 0, slen = 0;
            char *body = slurp(path, &blen);
            char *src = slurp(srcpath, &slen);
            assert_non_null(body);
            assert_non_null(src);
            char rid[128], etype[128], want_rid[128];
            source_header(src, "x-amzn-RequestId", rid, sizeof rid);
            source_header(src, "x-amzn-ErrorType", etype, sizeof etype);
            body_request_id(body, want_rid, sizeof want_rid);
            if (!want_rid[0])
                snprintf(want_rid, sizeof want_rid, "%s", rid);
            struct aws_answer a = {
                .http_status = source_status(src),
                .body = body,
                .len = blen,
                .request_id = rid[0] ? rid : NULL,
                .error_type = etype[0] ? etype : NULL,
            };
            struct err e;
            err_clear(&e);
            assert_int_equal(aws_error_from_answer("Op", &a, &e), -1);
            if (strcmp(e.aws_code, code) != 0)
                fail_msg("%s: aws_code '%s'", path, e.aws_code);
            assert_string_equal(e.request_id, want_rid);
            assert_int_equal(e.http_status, a.http_status);
            assert_true(a.http_status >= 400);
            bool auth = strcmp(code, "SignatureDoesNotMatch") == 0 ||
                        strcmp(code, "InvalidClientTokenId") == 0;
            assert_int_equal(e.code, auth ? ERR_AUTH : ERR_AWS);
            char prefix[200], tail[300];
            snprintf(prefix, sizeof prefix, "Op: %s: ", code);
            snprintf(tail, sizeof tail, " (HTTP %d, request id %s)", a.http_status, want_rid);
            assert_memory_equal(e.msg, prefix, strlen(prefix));
            size_t ml = strlen(e.msg);
            assert_true(ml > strlen(tail) + strlen(prefix));
            assert_string_equal(e.msg + ml - strlen(tail), tail);
            free(body);
            free(src);
            seen++;
        }
        closedir(d);
    }
    assert_true(seen >= 4);
}

static struct aws_answer ok_answer(const char *body)
{
    struct aws_answer a = {.http_status = 200, .body = body, .len = body ? strlen(body) : 0};
    return a;
}

static void query_answers(void **state)
{
    (void)state;
    xmlDocPtr doc = NULL;
    struct err e;
    struct aws_answer a = ok_answer("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/"
                                    "doc/2011-06-15/\"><GetCallerIdentityResult/>"
                                    "</GetCallerIdentityResponse>");
    assert_int_equal(aws_query_parse_answer("GetCallerIdentity", &a, &doc, &e), 0);
    assert_non_null(doc);
    xmlFreeDoc(doc);

    a = ok_answer("<DescribeRulesResponse><DescribeRulesResult><Rules><member>");
    err_clear(&e);
    assert_int_equal(aws_query_parse_answer("DescribeRules", &a, &doc, &e), -1);
    assert_null(doc);
    assert_int_equal(e.code, ERR_PARSE);
    assert_true(strncmp(e.msg, "DescribeRules: malformed XML answer", 35) == 0);

    a = ok_answer("<OtherResponse/>");
    assert_int_equal(aws_query_parse_answer("DescribeRules", &a, &doc, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_non_null(strstr(e.msg, "<OtherResponse>"));

    a = ok_answer("<DescribeRulesResponseX/>");
    assert_int_equal(aws_query_parse_answer("DescribeRules", &a, &doc, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);

    a = ok_answer("");
    assert_int_equal(aws_query_parse_answer("DescribeRules", &a, &doc, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);

    a = ok_answer("<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message>"
                  "</Error><RequestId>r</RequestId></ErrorResponse>");
    assert_int_equal(aws_query_parse_answer("DescribeRules", &a, &doc, &e), -1);
    assert_int_equal(e.code, ERR_AWS);
    assert_string_equal(e.aws_code, "Throttling");
}

static void json_answers(void **state)
{
    (void)state;
    json_t *j = NULL;
    struct err e;
    static const char *const empties[] = {"", " \r\n", NULL};
    for (size_t i = 0; i < 3; i++) {
        struct aws_answer a = ok_answer(empties[i]);
        assert_int_equal(aws_json_parse_answer("CreateLogGroup", &a, &j, &e), 0);
        assert_true(json_is_object(j));
        assert_int_equal(json_object_size(j), 0);
        json_decref(j);
    }
    struct aws_answer a = ok_answer("{\"serviceArns\":[\"a\"],\"nextToken\":\"t\"}");
    assert_int_equal(aws_json_parse_answer("ListServices", &a, &j, &e), 0);
    assert_string_equal(json_string_value(json_object_get(j, "nextToken")), "t");
    json_decref(j);

    a = ok_answer("{\"serviceArns\":[\"a\",");
    err_clear(&e);
    assert_int_equal(aws_json_parse_answer("ListServices", &a, &j, &e), -1);
    assert_null(j);
    assert_int_equal(e.code, ERR_PARSE);
    assert_true(strncmp(e.msg, "ListServices: malformed JSON answer", 35) == 0);

    a = ok_answer("[1,2]");
    assert_int_equal(aws_json_parse_answer("ListServices", &a, &j, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
}

/* Regression (fuzz_aws_xml): an answer that declares a charset its bytes do
 * not follow made libxml2 print "encoding error : …" on stderr despite
 * XML_PARSE_NOERROR.  Parsing it must fail with a message and print nothing. */
static void hostile_encoding_is_quiet(void **state)
{
    (void)state;
    static const char body[] = "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>"
                               "<DescribeRulesResponse>\x1b$B\xff\xff</DescribeRulesResponse>";
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(tmp), 2), 2);

    xmlDocPtr doc = NULL;
    struct err e1, e2;
    err_clear(&e1);
    err_clear(&e2);
    struct aws_answer a = ok_answer(body);
    int rc1 = aws_query_parse_answer("DescribeRules", &a, &doc, &e1);
    a.http_status = 500;
    int rc2 = aws_error_from_answer("DescribeRules", &a, &e2);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    long written = ftell(tmp);
    fclose(tmp);

    assert_int_equal(rc1, -1);
    assert_null(doc);
    assert_int_equal(e1.code, ERR_PARSE);
    assert_true(strncmp(e1.msg, "DescribeRules: malformed XML answer", 35) == 0);
    assert_int_equal(rc2, -1);
    assert_int_equal(e2.code, ERR_AWS);
    assert_non_null(strstr(e2.msg, "HTTP 500"));
    assert_int_equal(written, 0);
}

/* shared_samples runs only when $SHARED has the samples; otherwise it is left
 * out with a SKIP line (cmocka's skip() prints "not ok … # SKIP", which
 * tests/run-tests would count as a failure). */
int main(void)
{
    const struct CMUnitTest all[] = {
        cmocka_unit_test(synthetic_errors),
        cmocka_unit_test(sanitize_table),
        cmocka_unit_test(query_answers),
        cmocka_unit_test(json_answers),
        cmocka_unit_test(hostile_encoding_is_quiet),
        cmocka_unit_test(shared_samples),
    };
    size_t n = sizeof all / sizeof all[0];
    const char *shared = getenv("SHARED");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/aws/samples/sts", shared ? shared : "");
    DIR *d = shared && *shared ? opendir(dir) : NULL;
    if (!d) {
        n--;
        printf("# SKIP error samples: $SHARED/aws/samples not found\n");
    } else {
        closedir(d);
    }
    return _cmocka_run_group_tests("aws_errors", all, n, NULL, NULL);
}
