/* elbv2.c — typed ELBv2 calls: DescribeLoadBalancers, DescribeListeners,
 * DescribeRules, DescribeTargetGroups, DescribeTargetHealth, DescribeTags
 * (see elbv2.h).  This file builds the Query requests, follows NextMarker and
 * batches ARNs; the answers are read by the pure parsers in elbv2_parse.c.
 */
#include "aws/elbv2.h"

#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define PAGE_SIZE_STR STR(ELBV2_PAGE_SIZE)

/* ------------------------------------------------------------ calls */

/* Page parsers with one signature, so that paginate() can take any of them. */
static int lb_page(xmlDocPtr d, void *out, size_t *n, char **next, struct err *e)
{
    return elbv2_parse_load_balancers(d, (struct load_balancer **)out, n, next, e);
}

static int listener_page(xmlDocPtr d, void *out, size_t *n, char **next, struct err *e)
{
    return elbv2_parse_listeners(d, (struct listener **)out, n, next, e);
}

static int rule_page(xmlDocPtr d, void *out, size_t *n, char **next, struct err *e)
{
    return elbv2_parse_rules(d, (struct rule **)out, n, next, e);
}

static int tg_page(xmlDocPtr d, void *out, size_t *n, char **next, struct err *e)
{
    return elbv2_parse_target_groups(d, (struct target_group **)out, n, next, e);
}

/* Call `action` with `base` params, following NextMarker to the end; each
 * page is handed to parse(), which appends to out/n. */
static int paginate(struct aws_client *c, const char *action, const struct aws_query *base,
                    int (*parse)(xmlDocPtr, void *, size_t *, char **, struct err *),
                    void *out, size_t *n, struct err *e)
{
    char *marker = NULL;
    int rc = -1;
    unsigned pages = 0;
    do {
        struct aws_query q;
        aws_query_init(&q);
        for (size_t i = 0; i < base->n; i++)
            aws_query_add(&q, base->items[i].key, base->items[i].value);
        aws_query_add(&q, "PageSize", PAGE_SIZE_STR);
        if (marker)
            aws_query_add(&q, "Marker", marker);
        xmlDocPtr doc = NULL;
        int crc = aws_query_call(c, AWS_SVC_ELBV2, action, &q, &doc, e);
        aws_query_cleanup(&q);
        if (crc)
            goto out;
        char *next = NULL;
        int prc = parse(doc, out, n, &next, e);
        xmlFreeDoc(doc);
        if (prc) {
            free(next);
            goto out;
        }
        if (next && marker && strcmp(next, marker) == 0) {
            free(next);
            err_set(e, ERR_PARSE, "%s: NextMarker repeats the previous marker", action);
            goto out;
        }
        free(marker);
        marker = next;
        if (++pages > 10000 && marker) {
            err_set(e, ERR_LIMIT, "%s: more than 10000 pages", action);
            goto out;
        }
    } while (marker);
    rc = 0;
out:
    free(marker);
    return rc;
}

/* Query params "<prefix>.member.<i>" for v[from..from+count). */
static void add_members(struct aws_query *q, const char *prefix, const char *const *v,
                        size_t from, size_t count)
{
    for (size_t i = 0; i < count; i++)
        aws_query_addf(q, v[from + i], "%s.member.%zu", prefix, i + 1);
}

int elbv2_describe_load_balancers(struct aws_client *c, const char *const *names,
                                  size_t n_names, const char *const *arns, size_t n_arns,
                                  struct load_balancer **out, size_t *n, struct err *e)
{
    static const char op[] = "DescribeLoadBalancers";
    const char *const *sel = n_names ? names : arns;
    size_t n_sel = n_names ? n_names : n_arns;
    const char *prefix = n_names ? "Names" : "LoadBalancerArns";
    int rc = -1;
    *out = NULL;
    *n = 0;
    size_t from = 0;
    do {
        size_t count = n_sel - from > ELBV2_MAX_ARNS ? ELBV2_MAX_ARNS : n_sel - from;
        struct aws_query q;
        aws_query_init(&q);
        add_members(&q, prefix, sel, from, count);
        int prc = paginate(c, op, &q, lb_page, out, n, e);
        aws_query_cleanup(&q);
        if (prc)
            goto out;
        from += count;
    } while (from < n_sel);
    rc = 0;
out:
    if (rc) {
        elbv2_free_load_balancers(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int elbv2_describe_listeners(struct aws_client *c, const char *lb_arn,
                             struct listener **out, size_t *n, struct err *e)
{
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "LoadBalancerArn", lb_arn);
    *out = NULL;
    *n = 0;
    int rc = paginate(c, "DescribeListeners", &q, listener_page, out, n, e);
    aws_query_cleanup(&q);
    if (rc) {
        elbv2_free_listeners(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int elbv2_describe_rules(struct aws_client *c, const char *listener_arn, struct rule **out,
                         size_t *n, struct err *e)
{
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "ListenerArn", listener_arn);
    *out = NULL;
    *n = 0;
    int rc = paginate(c, "DescribeRules", &q, rule_page, out, n, e);
    aws_query_cleanup(&q);
    if (rc) {
        elbv2_free_rules(*out, *n);
        *out = NULL;
        *n = 0;
    } else {
        elbv2_sort_rules(*out, *n);
    }
    return rc;
}

int elbv2_describe_target_groups(struct aws_client *c, const char *lb_arn,
                                 const char *const *names, size_t n_names,
                                 const char *const *arns, size_t n_arns,
                                 struct target_group **out, size_t *n, struct err *e)
{
    static const char op[] = "DescribeTargetGroups";
    const char *const *sel = n_names ? names : arns;
    size_t n_sel = lb_arn ? 0 : n_names ? n_names : n_arns;
    const char *prefix = n_names ? "Names" : "TargetGroupArns";
    int rc = -1;
    *out = NULL;
    *n = 0;
    size_t from = 0;
    do {
        size_t count = n_sel - from > ELBV2_MAX_ARNS ? ELBV2_MAX_ARNS : n_sel - from;
        struct aws_query q;
        aws_query_init(&q);
        if (lb_arn)
            aws_query_add(&q, "LoadBalancerArn", lb_arn);
        else
            add_members(&q, prefix, sel, from, count);
        int prc = paginate(c, op, &q, tg_page, out, n, e);
        aws_query_cleanup(&q);
        if (prc)
            goto out;
        from += count;
    } while (from < n_sel);
    rc = 0;
out:
    if (rc) {
        elbv2_free_target_groups(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int elbv2_describe_target_health(struct aws_client *c, const char *tg_arn,
                                 struct target **out, size_t *n, struct err *e)
{
    struct aws_query q;
    xmlDocPtr doc = NULL;
    aws_query_init(&q);
    aws_query_add(&q, "TargetGroupArn", tg_arn);
    *out = NULL;
    *n = 0;
    int rc = aws_query_call(c, AWS_SVC_ELBV2, "DescribeTargetHealth", &q, &doc, e);
    if (rc == 0)
        rc = elbv2_parse_target_health(doc, out, n, e);
    xmlFreeDoc(doc);
    aws_query_cleanup(&q);
    if (rc) {
        elbv2_free_targets(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int elbv2_describe_tags(struct aws_client *c, const char *const *arns, size_t n_arns,
                        struct elbv2_tags **out, size_t *n, struct err *e)
{
    int rc = 0;
    *out = NULL;
    *n = 0;
    for (size_t from = 0; rc == 0 && from < n_arns; from += ELBV2_MAX_ARNS) {
        size_t count = n_arns - from > ELBV2_MAX_ARNS ? ELBV2_MAX_ARNS : n_arns - from;
        struct aws_query q;
        xmlDocPtr doc = NULL;
        aws_query_init(&q);
        add_members(&q, "ResourceArns", arns, from, count);
        rc = aws_query_call(c, AWS_SVC_ELBV2, "DescribeTags", &q, &doc, e);
        if (rc == 0)
            rc = elbv2_parse_tags(doc, out, n, e);
        xmlFreeDoc(doc);
        aws_query_cleanup(&q);
    }
    if (rc) {
        elbv2_free_tags(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
