/* fuzz_elbv2_xml.c — libFuzzer target: arbitrary bytes through xml_parse()
 * and every Query-protocol answer parser (ELBv2's six and CloudFormation's
 * DescribeStackResources).  Each parser must either succeed or fail with an
 * error message naming its operation; never crash, leak or read out of
 * bounds.  Run: make fuzz (FUZZ_SECONDS=N)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cfn.h"
#include "aws/elbv2.h"
#include "aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const struct err *e, const char *op)
{
    /* A failure always names the operation first. */
    if (rc != 0 && strncmp(e->msg, op, strlen(op)) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmlDocPtr doc = NULL;
    struct err e = {0};
    if (xml_parse((const char *)data, size, "Fuzz", &doc, &e) != 0)
        return 0;
    char *next = NULL;
    size_t n = 0;
    int rc;

    struct load_balancer *lbs = NULL;
    rc = elbv2_parse_load_balancers(doc, &lbs, &n, &next, &e);
    check_err(rc, &e, "DescribeLoadBalancers");
    elbv2_free_load_balancers(lbs, n);
    free(next);

    struct listener *ls = NULL;
    n = 0;
    rc = elbv2_parse_listeners(doc, &ls, &n, &next, &e);
    check_err(rc, &e, "DescribeListeners");
    elbv2_free_listeners(ls, n);
    free(next);

    struct rule *rules = NULL;
    n = 0;
    rc = elbv2_parse_rules(doc, &rules, &n, &next, &e);
    check_err(rc, &e, "DescribeRules");
    elbv2_sort_rules(rules, n);
    for (size_t i = 1; i < n; i++)
        if (rules[i - 1].priority > rules[i].priority)
            abort();
    elbv2_free_rules(rules, n);
    free(next);

    struct target_group *tgs = NULL;
    n = 0;
    rc = elbv2_parse_target_groups(doc, &tgs, &n, &next, &e);
    check_err(rc, &e, "DescribeTargetGroups");
    elbv2_free_target_groups(tgs, n);
    free(next);

    struct target *ts = NULL;
    n = 0;
    rc = elbv2_parse_target_health(doc, &ts, &n, &e);
    check_err(rc, &e, "DescribeTargetHealth");
    elbv2_free_targets(ts, n);

    struct elbv2_tags *tags = NULL;
    n = 0;
    rc = elbv2_parse_tags(doc, &tags, &n, &e);
    check_err(rc, &e, "DescribeTags");
    elbv2_free_tags(tags, n);

    struct cfn_resource *res = NULL;
    n = 0;
    rc = cfn_parse_stack_resources(doc, &res, &n, &e);
    check_err(rc, &e, "DescribeStackResources");
    cfn_free_resources(res, n);

    xmlFreeDoc(doc);
    return 0;
}
