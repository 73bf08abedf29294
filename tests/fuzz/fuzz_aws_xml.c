/* fuzz_aws_xml.c — libFuzzer target: every Query (XML) answer parser.
 *
 * Input: byte 0 selects the HTTP status and content type of the answer, the
 * rest is the body.  The body goes through the client's answer handling
 * (aws_query_parse_answer for a 2xx, aws_error_from_answer otherwise — the
 * error sniffing also reads JSON bodies), and the parsed document through
 * every ELBv2, CloudFormation and STS parser, whatever its root.  The text of
 * the body is also given to sts_parse_iso8601.  Nothing may crash, leak or
 * read out of bounds; every failure must fill its error; libxml2 must never
 * print on stderr.
 */
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/cfn.h"
#include "aws/elbv2.h"
#include "aws/protocol.h"
#include "aws/sts.h"
#include "aws/xml.h"
#include "util/err.h"
#include "util/xmalloc.h"

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

static void all_parsers(xmlDocPtr doc)
{
    struct err e;
    char *marker = NULL;
    int rc;

    struct load_balancer *lbs = NULL;
    size_t n = 0;
    err_clear(&e);
    rc = elbv2_parse_load_balancers(doc, &lbs, &n, &marker, &e);
    need_msg(rc, &e, "load balancers");
    elbv2_free_load_balancers(lbs, n);
    free(marker);
    marker = NULL;

    struct listener *ls = NULL;
    n = 0;
    err_clear(&e);
    rc = elbv2_parse_listeners(doc, &ls, &n, &marker, &e);
    need_msg(rc, &e, "listeners");
    elbv2_free_listeners(ls, n);
    free(marker);
    marker = NULL;

    struct rule *rules = NULL;
    n = 0;
    err_clear(&e);
    rc = elbv2_parse_rules(doc, &rules, &n, &marker, &e);
    need_msg(rc, &e, "rules");
    elbv2_sort_rules(rules, n);
    elbv2_free_rules(rules, n);
    free(marker);
    marker = NULL;

    struct target_group *tgs = NULL;
    n = 0;
    err_clear(&e);
    rc = elbv2_parse_target_groups(doc, &tgs, &n, &marker, &e);
    need_msg(rc, &e, "target groups");
    elbv2_free_target_groups(tgs, n);
    free(marker);
    marker = NULL;

    struct target *ts = NULL;
    n = 0;
    err_clear(&e);
    rc = elbv2_parse_target_health(doc, &ts, &n, &e);
    need_msg(rc, &e, "target health");
    elbv2_free_targets(ts, n);

    struct elbv2_tags *tags = NULL;
    n = 0;
    err_clear(&e);
    rc = elbv2_parse_tags(doc, &tags, &n, &e);
    need_msg(rc, &e, "tags");
    elbv2_free_tags(tags, n);

    struct cfn_resource *res = NULL;
    n = 0;
    err_clear(&e);
    rc = cfn_parse_stack_resources(doc, &res, &n, &e);
    need_msg(rc, &e, "stack resources");
    (void)cfn_find_type(res, n, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    cfn_free_resources(res, n);

    struct sts_identity id;
    memset(&id, 0, sizeof id);
    err_clear(&e);
    rc = sts_parse_caller_identity(doc, &id, &e);
    need_msg(rc, &e, "caller identity");
    sts_identity_cleanup(&id);

    static const char *const ops[] = {"AssumeRole", "AssumeRoleWithWebIdentity"};
    for (size_t i = 0; i < 2; i++) {
        struct aws_creds c;
        memset(&c, 0, sizeof c);
        err_clear(&e);
        rc = sts_parse_credentials(doc, ops[i], &c, &e);
        need_msg(rc, &e, "credentials");
        aws_creds_cleanup(&c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = {200, 400, 403, 500, 503, 404, 302, 0};
    static const char *const types[] = {"text/xml", "application/x-amz-json-1.1", NULL,
                                        "text/html"};
    static const char *const ops[] = {"DescribeLoadBalancers", "DescribeRules",
                                      "GetCallerIdentity", "DescribeStackResources"};
    if (size < 1)
        return 0;
    xmlSetGenericErrorFunc(NULL, generic_error_trap);
    uint8_t sel = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct aws_answer a = {
        .http_status = statuses[sel & 7],
        .body = len ? body : NULL,
        .len = len,
        .content_type = types[(sel >> 3) & 3],
        .request_id = (sel & 0x20) ? "req-1" : NULL,
        .error_type = (sel & 0x40) ? "Throttling:http://internal" : NULL,
    };
    const char *op = ops[(sel >> 6) & 3];
    struct err e;
    err_clear(&e);
    if (a.http_status / 100 == 2) {
        xmlDocPtr doc = NULL;
        int rc = aws_query_parse_answer(op, &a, &doc, &e);
        need_msg(rc, &e, "query answer");
        if (rc == 0) {
            if (!doc)
                abort();
            all_parsers(doc);
            xmlFreeDoc(doc);
        }
        /* The parsers must also cope with any well-formed document. */
        err_clear(&e);
        if (xml_parse(body, len, "fuzz", &doc, &e) == 0) {
            all_parsers(doc);
            xmlFreeDoc(doc);
        } else {
            need_msg(-1, &e, "xml_parse");
        }
    } else {
        int rc = aws_error_from_answer(op, &a, &e);
        if (rc != -1)
            abort();
        need_msg(rc, &e, "error answer");
    }

    char code[64];
    char *text = xstrndup(body, len);
    aws_error_code_sanitize(text, code, sizeof code);
    if (strlen(code) >= sizeof code)
        abort();
    int64_t t;
    (void)sts_parse_iso8601(text, &t);
    free(text);
    return 0;
}
