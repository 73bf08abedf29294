/* test_elbv2_parse.c — the ELBv2 and CloudFormation parsers on the shared AWS
 * samples ($SHARED/aws/samples/elbv2, skipped when absent) and on synthetic
 * answers: moto's forms, both condition forms, reordered and unknown
 * elements, namespace prefixes, and malformed answers that must be errors
 * naming the operation and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cfn.h"
#include "aws/elbv2.h"
#include "aws/xml.h"
#include "typed_test_util.h"

#define NS "xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\""

static xmlDocPtr parse_doc(const char *text, const char *op)
{
    xmlDocPtr doc = NULL;
    struct err e = {0};
    if (xml_parse(text, strlen(text), op, &doc, &e) != 0)
        fail_msg("cannot parse test document: %s", e.msg);
    return doc;
}

/* ------------------------------------------------------------ samples */

static void sample_load_balancers(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeLoadBalancers.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeLoadBalancers");
    struct load_balancer *lbs = NULL;
    size_t n = 0;
    char *next = (char *)"unset";
    struct err e = {0};
    assert_int_equal(elbv2_parse_load_balancers(doc, &lbs, &n, &next, &e), 0);
    assert_null(next);
    assert_int_equal(n, 1);
    assert_string_equal(lbs[0].name, "my-load-balancer");
    assert_string_equal(lbs[0].arn, "arn:aws:elasticloadbalancing:us-west-2:123456789012:"
                                    "loadbalancer/app/my-load-balancer/50dc6c495c0c9188");
    assert_string_equal(lbs[0].dns_name, "my-load-balancer-424835706.us-west-2.elb.amazonaws.com");
    assert_string_equal(lbs[0].scheme, "internet-facing");
    assert_string_equal(lbs[0].type, "application");
    assert_string_equal(lbs[0].state, "active");
    assert_null(lbs[0].state_reason);
    assert_string_equal(lbs[0].vpc_id, "vpc-3ac0fb5f");
    assert_string_equal(lbs[0].canonical_hosted_zone_id, "Z2P70J7EXAMPLE");
    assert_int_equal(lbs[0].n_availability_zones, 2);
    assert_string_equal(lbs[0].availability_zones[0], "us-west-2a");
    assert_string_equal(lbs[0].availability_zones[1], "us-west-2b");
    assert_int_equal(lbs[0].n_security_groups, 1);
    assert_string_equal(lbs[0].security_groups[0], "sg-5943793c");
    assert_int_equal(lbs[0].created_s, 1458941172); /* 2016-03-25T21:26:12.920Z */
    elbv2_free_load_balancers(lbs, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_load_balancers_page(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeLoadBalancers-page1.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeLoadBalancers");
    struct load_balancer *lbs = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_load_balancers(doc, &lbs, &n, &next, &e), 0);
    assert_int_equal(n, 1);
    assert_non_null(next);
    assert_string_equal(next, "c29tZS1vcGFxdWUtbWFya2VyLXZhbHVlLWZvci1wYWdlLTI=");
    free(next);
    elbv2_free_load_balancers(lbs, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_listeners(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeListeners.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeListeners");
    struct listener *ls = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_listeners(doc, &ls, &n, &next, &e), 0);
    assert_null(next);
    assert_int_equal(n, 2);
    assert_string_equal(ls[0].protocol, "HTTPS");
    assert_int_equal(ls[0].port, 443);
    assert_string_equal(ls[0].ssl_policy, "ELBSecurityPolicy-2016-08");
    assert_int_equal(ls[0].n_certificate_arns, 1);
    assert_string_equal(ls[0].certificate_arns[0],
                        "arn:aws:iam::123456789012:server-certificate/my-server-cert");
    assert_string_equal(ls[1].protocol, "HTTP");
    assert_int_equal(ls[1].port, 80);
    assert_null(ls[1].ssl_policy);
    assert_int_equal(ls[1].n_certificate_arns, 0);
    assert_true(strstr(ls[1].arn, "/f2f7dc8efc522ab2") != NULL);
    assert_int_equal(ls[1].n_default_actions, 1);
    assert_string_equal(ls[1].default_actions[0].type, "forward");
    assert_int_equal(ls[1].default_actions[0].n_targets, 1);
    assert_string_equal(ls[1].default_actions[0].targets[0].target_group_arn,
                        "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/"
                        "my-targets/73e2d6bc24d8a067");
    assert_int_equal(ls[1].default_actions[0].targets[0].weight, 1);
    elbv2_free_listeners(ls, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_rules(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeRules.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeRules");
    struct rule *r = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_rules(doc, &r, &n, &next, &e), 0);
    elbv2_sort_rules(r, n);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].priority, 10);
    assert_false(r[0].is_default);
    assert_int_equal(r[0].n_conditions, 1);
    assert_string_equal(r[0].conditions[0].field, "path-pattern");
    assert_int_equal(r[0].conditions[0].n_values, 1);
    assert_string_equal(r[0].conditions[0].values[0], "/img/*");
    assert_int_equal(r[0].n_actions, 1);
    assert_string_equal(r[0].actions[0].type, "forward");
    assert_true(r[1].is_default);
    assert_int_equal(r[1].priority, INT_MAX);
    assert_int_equal(r[1].n_conditions, 0);
    assert_true(strstr(r[1].arn, "fd906cf3d7a9d36d") != NULL);
    elbv2_free_rules(r, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_target_groups(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeTargetGroups.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeTargetGroups");
    struct target_group *tg = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_target_groups(doc, &tg, &n, &next, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(tg[0].name, "my-targets");
    assert_string_equal(tg[0].protocol, "HTTP");
    assert_int_equal(tg[0].port, 80);
    assert_string_equal(tg[0].vpc_id, "vpc-3ac0fb5f");
    assert_string_equal(tg[0].hc_protocol, "HTTP");
    assert_string_equal(tg[0].hc_port, "traffic-port");
    assert_string_equal(tg[0].hc_path, "/");
    assert_true(tg[0].hc_enabled);
    assert_int_equal(tg[0].hc_interval_s, 30);
    assert_int_equal(tg[0].hc_timeout_s, 5);
    assert_int_equal(tg[0].healthy_threshold, 5);
    assert_int_equal(tg[0].unhealthy_threshold, 2);
    assert_string_equal(tg[0].matcher, "200");
    assert_null(tg[0].target_type);
    assert_int_equal(tg[0].n_load_balancer_arns, 1);
    assert_true(strstr(tg[0].load_balancer_arns[0], "my-load-balancer/50dc6c495c0c9188") != NULL);
    elbv2_free_target_groups(tg, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_target_health_mixed(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeTargetHealth-mixed.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeTargetHealth");
    struct target *t = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(elbv2_parse_target_health(doc, &t, &n, &e), 0);
    static const struct {
        const char *id, *state, *reason, *az, *hc_port;
    } want[] = {
        {"10.0.1.45", "healthy", NULL, "us-west-2a", "8080"},
        {"10.0.2.78", "unhealthy", "Target.ResponseCodeMismatch", "us-west-2b", "8080"},
        {"10.0.3.112", "unhealthy", "Target.Timeout", "us-west-2c", "8080"},
        {"10.0.1.99", "initial", "Elb.RegistrationInProgress", "us-west-2a", "8080"},
        {"10.0.2.10", "draining", "Target.DeregistrationInProgress", "us-west-2b", "8080"},
        {"i-0b314f9c31a99621c", "unused", "Target.InvalidState", NULL, NULL},
    };
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(t[i].id, want[i].id);
        assert_int_equal(t[i].port, 8080);
        assert_string_equal(t[i].state, want[i].state);
        if (want[i].reason)
            assert_string_equal(t[i].reason, want[i].reason);
        else
            assert_null(t[i].reason);
        if (want[i].az)
            assert_string_equal(t[i].availability_zone, want[i].az);
        else
            assert_null(t[i].availability_zone);
        if (want[i].hc_port)
            assert_string_equal(t[i].health_check_port, want[i].hc_port);
        else
            assert_null(t[i].health_check_port);
    }
    assert_null(t[0].description);
    assert_string_equal(t[1].description, "Health checks failed with these codes: [503]");
    elbv2_free_targets(t, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_target_health(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeTargetHealth.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeTargetHealth");
    struct target *t = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(elbv2_parse_target_health(doc, &t, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(t[1].id, "i-0f76fade");
    assert_int_equal(t[1].port, 80);
    assert_string_equal(t[1].health_check_port, "80");
    assert_string_equal(t[1].state, "healthy");
    elbv2_free_targets(t, n);
    xmlFreeDoc(doc);
    free(text);
}

static void sample_tags(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/DescribeTags.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeTags");
    struct elbv2_tags *t = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(elbv2_parse_tags(doc, &t, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(strstr(t[0].resource_arn, "loadbalancer/app/my-load-balancer") != NULL);
    assert_int_equal(t[0].n_tags, 2);
    assert_string_equal(t[0].tags[0].key, "project");
    assert_string_equal(t[0].tags[0].value, "lima");
    assert_string_equal(t[0].tags[1].key, "department");
    assert_string_equal(t[0].tags[1].value, "digital-media");
    elbv2_free_tags(t, n);
    xmlFreeDoc(doc);
    free(text);
}

/* An error answer handed to a parser (the client normally catches these) is
 * a parse error naming the operation, never a crash. */
static void sample_error_is_parse_error(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "elbv2/error-Throttling.xml");
    xmlDocPtr doc = parse_doc(text, "DescribeRules");
    struct rule *r = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_rules(doc, &r, &n, &next, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_true(strncmp(e.msg, "DescribeRules: ", 15) == 0);
    assert_non_null(strstr(e.msg, "ErrorResponse"));
    elbv2_free_rules(r, n);
    xmlFreeDoc(doc);
    free(text);
}

/* ------------------------------------------------------------ synthetic rules */

/* Rules in moto's and AWS's forms, out of order, with unknown elements and
 * elements in unusual order: the default rule first, a Config-only path rule
 * (moto), a legacy Field+Values rule, a rule with both forms and every other
 * condition type, weighted forward, fixed-response and redirect actions. */
static const char rules_doc[] =
    "<DescribeRulesResponse " NS ">"
    "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
    "<DescribeRulesResult><Rules>"
    "<member><Priority>default</Priority><IsDefault>true</IsDefault><Conditions/>"
    "<RuleArn>arn:rule/default</RuleArn>"
    "<Actions><member><Type>fixed-response</Type><FixedResponseConfig>"
    "<ContentType>text/plain</ContentType><StatusCode>404</StatusCode>"
    "<MessageBody>Not found</MessageBody></FixedResponseConfig></member></Actions></member>"
    "<member><RuleArn>arn:rule/orders</RuleArn><Priority>20</Priority>"
    "<Conditions><member><PathPatternConfig><Values><member>/orders/*</member>"
    "<member>/orders</member></Values></PathPatternConfig></member></Conditions>"
    "<Actions><member><TargetGroupArn>arn:tg/order</TargetGroupArn><Type>forward</Type>"
    "<Order>1</Order></member></Actions><FutureElement><x>1</x></FutureElement></member>"
    "<member><Actions><member><Type>forward</Type><TargetGroupArn>arn:tg/auth</TargetGroupArn>"
    "</member></Actions><Priority>10</Priority><IsDefault>false</IsDefault>"
    "<Conditions><member><Values><member>/auth/*</member></Values><Field>path-pattern</Field>"
    "</member></Conditions><RuleArn>arn:rule/auth</RuleArn></member>"
    "<member><RuleArn>arn:rule/mixed</RuleArn><Priority>5</Priority><Conditions>"
    "<member><Field>host-header</Field><Values><member>api.example.com</member></Values>"
    "<HostHeaderConfig><Values><member>api.example.com</member></Values></HostHeaderConfig></member>"
    "<member><Field>http-header</Field><HttpHeaderConfig><HttpHeaderName>X-Env</HttpHeaderName>"
    "<Values><member>blue</member><member>green*</member></Values></HttpHeaderConfig></member>"
    "<member><QueryStringConfig><Values><member><Key>v</Key><Value>2</Value></member>"
    "<member><Value>beta</Value></member></Values></QueryStringConfig><Field>query-string</Field></member>"
    "<member><HttpRequestMethodConfig><Values><member>GET</member><member>HEAD</member></Values>"
    "</HttpRequestMethodConfig></member>"
    "<member><SourceIpConfig><Values><member>10.0.0.0/8</member></Values></SourceIpConfig></member>"
    "<member><Field>path-pattern</Field><PathPatternConfig><RegexValues><member>^/api/v[0-9]+/</member>"
    "</RegexValues></PathPatternConfig></member>"
    "</Conditions><Actions>"
    "<member><Order>2</Order><Type>forward</Type><TargetGroupArn>arn:tg/a</TargetGroupArn>"
    "<ForwardConfig><TargetGroups><member><TargetGroupArn>arn:tg/a</TargetGroupArn><Weight>80</Weight></member>"
    "<member><Weight>20</Weight><TargetGroupArn>arn:tg/b</TargetGroupArn></member></TargetGroups>"
    "<TargetGroupStickinessConfig><Enabled>false</Enabled></TargetGroupStickinessConfig></ForwardConfig></member>"
    "<member><Type>authenticate-oidc</Type><Order>1</Order></member>"
    "</Actions></member>"
    "<member><RuleArn>arn:rule/redirect</RuleArn><Priority>30</Priority><Conditions>"
    "<member><Field>path-pattern</Field><Values><member>/old/*</member></Values></member></Conditions>"
    "<Actions><member><Type>redirect</Type><RedirectConfig><Protocol>HTTPS</Protocol><Port>443</Port>"
    "<Host>#{host}</Host><Path>/new/#{path}</Path><Query>#{query}</Query><StatusCode>HTTP_301</StatusCode>"
    "</RedirectConfig></member></Actions></member>"
    "</Rules><NextMarker></NextMarker></DescribeRulesResult></DescribeRulesResponse>";

static void synthetic_rules_sorted_and_normalised(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_doc(rules_doc, "DescribeRules");
    struct rule *r = NULL;
    size_t n = 0;
    char *next = (char *)"unset";
    struct err e = {0};
    assert_int_equal(elbv2_parse_rules(doc, &r, &n, &next, &e), 0);
    assert_null(next); /* an empty NextMarker ends the paging */
    elbv2_sort_rules(r, n);
    assert_int_equal(n, 5);
    static const int prio[] = {5, 10, 20, 30, INT_MAX};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r[i].priority, prio[i]);
    assert_true(r[4].is_default);
    assert_false(r[0].is_default);

    /* Rule 5: both forms for host-header, no duplicates. */
    struct rule *m = &r[0];
    assert_int_equal(m->n_conditions, 6);
    assert_string_equal(m->conditions[0].field, "host-header");
    assert_int_equal(m->conditions[0].n_values, 1);
    assert_string_equal(m->conditions[0].values[0], "api.example.com");
    assert_string_equal(m->conditions[1].field, "http-header");
    assert_string_equal(m->conditions[1].header_name, "X-Env");
    assert_int_equal(m->conditions[1].n_values, 2);
    assert_string_equal(m->conditions[1].values[1], "green*");
    assert_string_equal(m->conditions[2].field, "query-string");
    assert_int_equal(m->conditions[2].n_query, 2);
    assert_string_equal(m->conditions[2].query[0].key, "v");
    assert_string_equal(m->conditions[2].query[0].value, "2");
    assert_null(m->conditions[2].query[1].key);
    assert_string_equal(m->conditions[2].query[1].value, "beta");
    assert_int_equal(m->conditions[2].n_values, 0);
    assert_string_equal(m->conditions[3].field, "http-request-method"); /* inferred */
    assert_int_equal(m->conditions[3].n_values, 2);
    assert_string_equal(m->conditions[3].values[1], "HEAD");
    assert_string_equal(m->conditions[4].field, "source-ip");
    assert_string_equal(m->conditions[4].values[0], "10.0.0.0/8");
    assert_string_equal(m->conditions[5].field, "path-pattern");
    assert_int_equal(m->conditions[5].n_values, 0);
    assert_int_equal(m->conditions[5].n_regex_values, 1);
    assert_string_equal(m->conditions[5].regex_values[0], "^/api/v[0-9]+/");
    /* Actions ordered by Order; weighted forward without a duplicate target. */
    assert_int_equal(m->n_actions, 2);
    assert_string_equal(m->actions[0].type, "authenticate-oidc");
    assert_string_equal(m->actions[1].type, "forward");
    assert_int_equal(m->actions[1].order, 2);
    assert_int_equal(m->actions[1].n_targets, 2);
    assert_string_equal(m->actions[1].targets[0].target_group_arn, "arn:tg/a");
    assert_int_equal(m->actions[1].targets[0].weight, 80);
    assert_string_equal(m->actions[1].targets[1].target_group_arn, "arn:tg/b");
    assert_int_equal(m->actions[1].targets[1].weight, 20);

    /* Legacy form (Field + Values) and moto's Config-only form. */
    assert_string_equal(r[1].arn, "arn:rule/auth");
    assert_string_equal(r[1].conditions[0].field, "path-pattern");
    assert_string_equal(r[1].conditions[0].values[0], "/auth/*");
    assert_string_equal(r[1].actions[0].targets[0].target_group_arn, "arn:tg/auth");
    assert_string_equal(r[2].arn, "arn:rule/orders");
    assert_string_equal(r[2].conditions[0].field, "path-pattern");
    assert_int_equal(r[2].conditions[0].n_values, 2);
    assert_string_equal(r[2].conditions[0].values[0], "/orders/*");
    assert_string_equal(r[2].conditions[0].values[1], "/orders");
    assert_int_equal(r[2].actions[0].n_targets, 1);
    assert_int_equal(r[2].actions[0].order, 1);

    /* Redirect and fixed-response. */
    struct rule_action *rd = &r[3].actions[0];
    assert_string_equal(rd->type, "redirect");
    assert_string_equal(rd->redirect_protocol, "HTTPS");
    assert_string_equal(rd->redirect_port, "443");
    assert_string_equal(rd->redirect_host, "#{host}");
    assert_string_equal(rd->redirect_path, "/new/#{path}");
    assert_string_equal(rd->redirect_query, "#{query}");
    assert_string_equal(rd->redirect_status, "HTTP_301");
    struct rule_action *fr = &r[4].actions[0];
    assert_string_equal(fr->type, "fixed-response");
    assert_int_equal(fr->fixed_status, 404);
    assert_string_equal(fr->fixed_content_type, "text/plain");
    assert_string_equal(fr->fixed_body, "Not found");
    assert_int_equal(fr->n_targets, 0);
    elbv2_free_rules(r, n);
    xmlFreeDoc(doc);
}

/* Namespace prefixes are honoured: elements are found by local name. */
static void synthetic_prefixed_namespace(void **state)
{
    (void)state;
    static const char doc_text[] =
        "<?xml version=\"1.0\"?><e:DescribeTargetHealthResponse "
        "xmlns:e=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
        "<e:DescribeTargetHealthResult><e:TargetHealthDescriptions><e:member>"
        "<e:TargetHealth><e:Description>d</e:Description><e:State>unhealthy</e:State>"
        "<e:Reason>Target.Timeout</e:Reason></e:TargetHealth>"
        "<e:Target><e:Id>127.0.0.2</e:Id><e:Port>8001</e:Port></e:Target>"
        "</e:member></e:TargetHealthDescriptions></e:DescribeTargetHealthResult>"
        "</e:DescribeTargetHealthResponse>";
    xmlDocPtr doc = parse_doc(doc_text, "DescribeTargetHealth");
    struct target *t = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(elbv2_parse_target_health(doc, &t, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].id, "127.0.0.2");
    assert_int_equal(t[0].port, 8001);
    assert_string_equal(t[0].state, "unhealthy");
    assert_string_equal(t[0].reason, "Target.Timeout");
    assert_string_equal(t[0].description, "d");
    elbv2_free_targets(t, n);
    xmlFreeDoc(doc);
}

/* Empty and absent lists are empty results, not errors. */
static void synthetic_empty_lists(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_doc("<DescribeTargetGroupsResponse " NS "><DescribeTargetGroupsResult>"
                              "<TargetGroups/></DescribeTargetGroupsResult>"
                              "</DescribeTargetGroupsResponse>", "DescribeTargetGroups");
    struct target_group *tg = NULL;
    size_t n = 0;
    char *next = NULL;
    struct err e = {0};
    assert_int_equal(elbv2_parse_target_groups(doc, &tg, &n, &next, &e), 0);
    assert_int_equal(n, 0);
    assert_null(tg);
    xmlFreeDoc(doc);
    doc = parse_doc("<DescribeLoadBalancersResponse><DescribeLoadBalancersResult/>"
                    "</DescribeLoadBalancersResponse>", "DescribeLoadBalancers");
    struct load_balancer *lbs = NULL;
    assert_int_equal(elbv2_parse_load_balancers(doc, &lbs, &n, &next, &e), 0);
    assert_int_equal(n, 0);
    xmlFreeDoc(doc);
}

/* A second page appends to the first: callers accumulate across pages. */
static void synthetic_pages_accumulate(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>"
        "<member><TargetGroupArn>arn:tg/1</TargetGroupArn><TargetType>ip</TargetType>"
        "<HealthCheckEnabled>false</HealthCheckEnabled><Matcher><GrpcCode>12</GrpcCode></Matcher></member>"
        "</TargetGroups><NextMarker>m2</NextMarker></DescribeTargetGroupsResult>"
        "</DescribeTargetGroupsResponse>",
        "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>"
        "<member><TargetGroupArn>arn:tg/2</TargetGroupArn><TargetGroupName>two</TargetGroupName></member>"
        "<member><TargetGroupArn>arn:tg/3</TargetGroupArn></member>"
        "</TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>",
    };
    struct target_group *tg = NULL;
    size_t n = 0;
    struct err e = {0};
    for (size_t p = 0; p < 2; p++) {
        xmlDocPtr doc = parse_doc(pages[p], "DescribeTargetGroups");
        char *next = NULL;
        assert_int_equal(elbv2_parse_target_groups(doc, &tg, &n, &next, &e), 0);
        if (p == 0)
            assert_string_equal(next, "m2");
        else
            assert_null(next);
        free(next);
        xmlFreeDoc(doc);
    }
    assert_int_equal(n, 3);
    assert_string_equal(tg[0].target_type, "ip");
    assert_false(tg[0].hc_enabled);
    assert_string_equal(tg[0].matcher, "12");
    assert_string_equal(tg[1].name, "two");
    assert_true(tg[1].hc_enabled);
    assert_string_equal(tg[2].arn, "arn:tg/3");
    elbv2_free_target_groups(tg, n);
}

/* ------------------------------------------------------------ malformed */

enum which { W_LB, W_LISTENERS, W_RULES, W_TGS, W_HEALTH, W_TAGS, W_CFN };

static const struct malformed_case {
    const char *name;
    enum which which;
    const char *doc;
    const char *want;       /* substring of the error message */
} malformed[] = {
    {"rule without Priority", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Actions><member><Type>forward</Type><TargetGroupArn>t</TargetGroupArn></member></Actions>"
     "</member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: rule without Priority"},
    {"rule with a bad Priority", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>ten</Priority></member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: rule Priority is not a number"},
    {"rule without RuleArn", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><Priority>1</Priority>"
     "</member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: rule without RuleArn"},
    {"condition without Field", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>1</Priority><Conditions><member><Values><member>/x</member></Values></member>"
     "</Conditions></member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: condition without Field"},
    {"forward without target group", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>1</Priority><Actions><member><Type>forward</Type></member></Actions>"
     "</member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: forward action without a target group"},
    {"action without Type", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>1</Priority><Actions><member><Order>1</Order></member></Actions>"
     "</member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: action without Type"},
    {"rule without actions", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>1</Priority></member></Rules></DescribeRulesResult></DescribeRulesResponse>",
     "DescribeRules: rule a without Actions"},
    {"http-header without name", W_RULES,
     "<DescribeRulesResponse><DescribeRulesResult><Rules><member><RuleArn>a</RuleArn>"
     "<Priority>1</Priority><Conditions><member><HttpHeaderConfig><Values><member>v</member>"
     "</Values></HttpHeaderConfig></member></Conditions></member></Rules></DescribeRulesResult>"
     "</DescribeRulesResponse>",
     "DescribeRules: http-header condition without HttpHeaderName"},
    {"wrong root element", W_RULES,
     "<DescribeListenersResponse><DescribeListenersResult/></DescribeListenersResponse>",
     "DescribeRules: unexpected answer <DescribeListenersResponse>"},
    {"missing Result element", W_LISTENERS,
     "<DescribeListenersResponse><ResponseMetadata/></DescribeListenersResponse>",
     "DescribeListeners: answer without DescribeListenersResult"},
    {"listener port not a number", W_LISTENERS,
     "<DescribeListenersResponse><DescribeListenersResult><Listeners><member>"
     "<ListenerArn>l</ListenerArn><Port>eighty</Port></member></Listeners>"
     "</DescribeListenersResult></DescribeListenersResponse>",
     "DescribeListeners: Port is not an integer"},
    {"listener without ListenerArn", W_LISTENERS,
     "<DescribeListenersResponse><DescribeListenersResult><Listeners><member>"
     "<Port>80</Port></member></Listeners></DescribeListenersResult></DescribeListenersResponse>",
     "DescribeListeners: listener without ListenerArn"},
    {"load balancer without ARN", W_LB,
     "<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers><member>"
     "<LoadBalancerName>x</LoadBalancerName></member></LoadBalancers>"
     "</DescribeLoadBalancersResult></DescribeLoadBalancersResponse>",
     "DescribeLoadBalancers: load balancer without LoadBalancerArn"},
    {"target group interval not a number", W_TGS,
     "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups><member>"
     "<TargetGroupArn>t</TargetGroupArn><HealthCheckIntervalSeconds>9999999999999</HealthCheckIntervalSeconds>"
     "</member></TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>",
     "DescribeTargetGroups: HealthCheckIntervalSeconds is not an integer"},
    {"target without Id", W_HEALTH,
     "<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions>"
     "<member><Target><Port>1</Port></Target><TargetHealth><State>healthy</State></TargetHealth>"
     "</member></TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>",
     "DescribeTargetHealth: target without Id"},
    {"target without State", W_HEALTH,
     "<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions>"
     "<member><Target><Id>i</Id></Target></member></TargetHealthDescriptions>"
     "</DescribeTargetHealthResult></DescribeTargetHealthResponse>",
     "DescribeTargetHealth: target i without TargetHealth State"},
    {"tag without Key", W_TAGS,
     "<DescribeTagsResponse><DescribeTagsResult><TagDescriptions><member>"
     "<ResourceArn>r</ResourceArn><Tags><member><Value>v</Value></member></Tags>"
     "</member></TagDescriptions></DescribeTagsResult></DescribeTagsResponse>",
     "DescribeTags: tag without Key"},
    {"stack resource without type", W_CFN,
     "<DescribeStackResourcesResponse><DescribeStackResourcesResult><StackResources><member>"
     "<LogicalResourceId>ALB</LogicalResourceId></member></StackResources>"
     "</DescribeStackResourcesResult></DescribeStackResourcesResponse>",
     "DescribeStackResources: resource without ResourceType"},
};

static int run_parser(enum which w, xmlDocPtr doc, struct err *e)
{
    char *next = NULL;
    size_t n = 0;
    int rc = -1;
    switch (w) {
    case W_LB: {
        struct load_balancer *v = NULL;
        rc = elbv2_parse_load_balancers(doc, &v, &n, &next, e);
        elbv2_free_load_balancers(v, n);
        break;
    }
    case W_LISTENERS: {
        struct listener *v = NULL;
        rc = elbv2_parse_listeners(doc, &v, &n, &next, e);
        elbv2_free_listeners(v, n);
        break;
    }
    case W_RULES: {
        struct rule *v = NULL;
        rc = elbv2_parse_rules(doc, &v, &n, &next, e);
        elbv2_free_rules(v, n);
        break;
    }
    case W_TGS: {
        struct target_group *v = NULL;
        rc = elbv2_parse_target_groups(doc, &v, &n, &next, e);
        elbv2_free_target_groups(v, n);
        break;
    }
    case W_HEALTH: {
        struct target *v = NULL;
        rc = elbv2_parse_target_health(doc, &v, &n, e);
        elbv2_free_targets(v, n);
        break;
    }
    case W_TAGS: {
        struct elbv2_tags *v = NULL;
        rc = elbv2_parse_tags(doc, &v, &n, e);
        elbv2_free_tags(v, n);
        break;
    }
    case W_CFN: {
        struct cfn_resource *v = NULL;
        rc = cfn_parse_stack_resources(doc, &v, &n, e);
        cfn_free_resources(v, n);
        break;
    }
    }
    free(next);
    return rc;
}

static void malformed_answers_are_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        const struct malformed_case *c = &malformed[i];
        xmlDocPtr doc = parse_doc(c->doc, "test");
        struct err e = {0};
        int rc = run_parser(c->which, doc, &e);
        xmlFreeDoc(doc);
        if (rc != -1 || e.code != ERR_PARSE || !strstr(e.msg, c->want))
            fail_msg("case '%s': rc %d, code %d, message \"%s\", wanted \"%s\"", c->name, rc,
                     e.code, e.msg, c->want);
    }
}

/* Truncated and broken XML fail in xml_parse with the operation's name. */
static void truncated_xml_is_an_error(void **state)
{
    (void)state;
    size_t len = strlen(rules_doc);
    static const size_t cuts[] = {0, 1, 10, 100, 1000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        xmlDocPtr doc = NULL;
        struct err e = {0};
        assert_int_equal(xml_parse(rules_doc, cuts[i] < len ? cuts[i] : len - 1, "DescribeRules",
                                   &doc, &e), -1);
        assert_null(doc);
        assert_int_equal(e.code, ERR_PARSE);
        assert_true(strncmp(e.msg, "DescribeRules: malformed XML", 28) == 0);
    }
    /* Every prefix of the document either fails to parse or, if it parses,
     * never crashes a parser (ASan checks the latter). */
    for (size_t cut = 0; cut < len; cut += 7) {
        xmlDocPtr doc = NULL;
        struct err e = {0};
        if (xml_parse(rules_doc, cut, "DescribeRules", &doc, &e) == 0) {
            run_parser(W_RULES, doc, &e);
            xmlFreeDoc(doc);
        }
    }
}

/* ------------------------------------------------------------ CloudFormation */

static void synthetic_stack_resources(void **state)
{
    (void)state;
    static const char doc_text[] =
        "<DescribeStackResourcesResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
        "<DescribeStackResourcesResult><StackResources>"
        "<member><StackName>s</StackName><LogicalResourceId>Cluster</LogicalResourceId>"
        "<ResourceType>AWS::ECS::Cluster</ResourceType><PhysicalResourceId>MicroservicesCluster"
        "</PhysicalResourceId><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>"
        "<member><ResourceStatus>CREATE_COMPLETE</ResourceStatus>"
        "<PhysicalResourceId>arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/M/1"
        "</PhysicalResourceId><ResourceType>AWS::ElasticLoadBalancingV2::LoadBalancer</ResourceType>"
        "<LogicalResourceId>ALB</LogicalResourceId></member>"
        "<member><LogicalResourceId>Pending</LogicalResourceId><ResourceType>AWS::Logs::LogGroup"
        "</ResourceType><PhysicalResourceId/><ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus></member>"
        "</StackResources></DescribeStackResourcesResult></DescribeStackResourcesResponse>";
    xmlDocPtr doc = parse_doc(doc_text, "DescribeStackResources");
    struct cfn_resource *r = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(cfn_parse_stack_resources(doc, &r, &n, &e), 0);
    assert_int_equal(n, 3);
    const struct cfn_resource *lb =
        cfn_find_type(r, n, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    assert_non_null(lb);
    assert_string_equal(lb->logical_id, "ALB");
    assert_string_equal(lb->physical_id, "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/M/1");
    assert_string_equal(lb->status, "CREATE_COMPLETE");
    assert_null(r[2].physical_id);
    assert_null(cfn_find_type(r, n, "AWS::EC2::VPC"));
    cfn_free_resources(r, n);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_load_balancers),
        cmocka_unit_test(sample_load_balancers_page),
        cmocka_unit_test(sample_listeners),
        cmocka_unit_test(sample_rules),
        cmocka_unit_test(sample_target_groups),
        cmocka_unit_test(sample_target_health),
        cmocka_unit_test(sample_target_health_mixed),
        cmocka_unit_test(sample_tags),
        cmocka_unit_test(sample_error_is_parse_error),
        cmocka_unit_test(synthetic_rules_sorted_and_normalised),
        cmocka_unit_test(synthetic_prefixed_namespace),
        cmocka_unit_test(synthetic_empty_lists),
        cmocka_unit_test(synthetic_pages_accumulate),
        cmocka_unit_test(malformed_answers_are_errors),
        cmocka_unit_test(truncated_xml_is_an_error),
        cmocka_unit_test(synthetic_stack_resources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
