/* elbv2_parse.c — pure parsers of the ELBv2 answers (see aws/elbv2.h): a parsed
 * document in, topology structs out, no network.  The calls are in elbv2.c.
 */
#include "aws/elbv2.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "typed_util.h"
#include "util/xmalloc.h"


/* ------------------------------------------------------------ freeing */

void elbv2_free_load_balancers(struct load_balancer *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        load_balancer_cleanup(&v[i]);
    free(v);
}

void elbv2_free_listeners(struct listener *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        listener_cleanup(&v[i]);
    free(v);
}

void elbv2_free_rules(struct rule *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        rule_cleanup(&v[i]);
    free(v);
}

void elbv2_free_target_groups(struct target_group *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        target_group_cleanup(&v[i]);
    free(v);
}

void elbv2_free_targets(struct target *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        target_cleanup(&v[i]);
    free(v);
}

static void tags_cleanup(struct elbv2_tags *t)
{
    free(t->resource_arn);
    for (size_t i = 0; i < t->n_tags; i++)
        kv_cleanup(&t->tags[i]);
    free(t->tags);
    memset(t, 0, sizeof *t);
}

void elbv2_free_tags(struct elbv2_tags *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        tags_cleanup(&v[i]);
    free(v);
}

/* The list element under the result; absent lists are empty, not errors
 * (AWS omits empty lists in some answers). */
static xmlNodePtr result_list(xmlNodePtr result, const char *name)
{
    return xml_child(result, name);
}

/* ------------------------------------------------------------ load balancers */

static int parse_lb(xmlNodePtr m, struct load_balancer *lb, struct err *e)
{
    static const char op[] = "DescribeLoadBalancers";
    lb->arn = xml_child_text(m, "LoadBalancerArn");
    if (!lb->arn)
        return err_set(e, ERR_PARSE, "%s: load balancer without LoadBalancerArn", op);
    lb->name = xml_child_text(m, "LoadBalancerName");
    lb->dns_name = xml_child_text(m, "DNSName");
    lb->canonical_hosted_zone_id = xml_child_text(m, "CanonicalHostedZoneId");
    lb->scheme = xml_child_text(m, "Scheme");
    lb->type = xml_child_text(m, "Type");
    xmlNodePtr st = xml_child(m, "State");
    lb->state = xml_child_text(st, "Code");
    lb->state_reason = xml_child_text(st, "Reason");
    lb->vpc_id = xml_child_text(m, "VpcId");
    lb->ip_address_type = xml_child_text(m, "IpAddressType");
    for (xmlNodePtr az = xml_first_member(xml_child(m, "AvailabilityZones")); az;
         az = xml_next(az, "member")) {
        char *zone = xml_child_text(az, "ZoneName");
        if (zone) {
            char **slot = TYPED_PUSH(lb->availability_zones, lb->n_availability_zones);
            *slot = zone;
        }
    }
    typed_xml_strv(xml_child(m, "SecurityGroups"), &lb->security_groups,
                   &lb->n_security_groups);
    char *created = xml_child_text(m, "CreatedTime");
    lb->created_s = typed_iso8601_s(created);
    free(created);
    return 0;
}

int elbv2_parse_load_balancers(xmlDocPtr doc, struct load_balancer **out, size_t *n,
                               char **next_marker, struct err *e)
{
    xmlNodePtr result;
    *next_marker = NULL;
    if (typed_xml_result(doc, "DescribeLoadBalancers", &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "LoadBalancers")); m;
         m = xml_next(m, "member")) {
        struct load_balancer lb = {0};
        if (parse_lb(m, &lb, e)) {
            load_balancer_cleanup(&lb);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = lb;
    }
    *next_marker = typed_xml_next_marker(result);
    return 0;
}

/* ------------------------------------------------------------ actions */

static int parse_action(xmlNodePtr m, struct rule_action *a, const char *op, struct err *e)
{
    a->type = xml_child_text(m, "Type");
    if (!a->type)
        return err_set(e, ERR_PARSE, "%s: action without Type", op);
    if (typed_xml_int(m, "Order", &a->order, op, e))
        return -1;
    /* Forward: ForwardConfig.TargetGroups (weighted) and/or TargetGroupArn. */
    xmlNodePtr fc = xml_child(m, "ForwardConfig");
    for (xmlNodePtr t = xml_first_member(xml_child(fc, "TargetGroups")); t;
         t = xml_next(t, "member")) {
        char *arn = xml_child_text(t, "TargetGroupArn");
        if (!arn)
            return err_set(e, ERR_PARSE, "%s: ForwardConfig target group without TargetGroupArn",
                           op);
        struct forward_target *ft = TYPED_PUSH(a->targets, a->n_targets);
        ft->target_group_arn = arn;
        ft->weight = 1;
        if (typed_xml_int(t, "Weight", &ft->weight, op, e))
            return -1;
    }
    char *tg = xml_child_text(m, "TargetGroupArn");
    if (tg) {
        bool seen = false;
        for (size_t i = 0; i < a->n_targets; i++)
            if (strcmp(a->targets[i].target_group_arn, tg) == 0)
                seen = true;
        if (seen) {
            free(tg);
        } else {
            struct forward_target *ft = TYPED_PUSH(a->targets, a->n_targets);
            ft->target_group_arn = tg;
            ft->weight = 1;
        }
    }
    xmlNodePtr fr = xml_child(m, "FixedResponseConfig");
    if (fr) {
        if (typed_xml_int(fr, "StatusCode", &a->fixed_status, op, e))
            return -1;
        a->fixed_content_type = xml_child_text(fr, "ContentType");
        a->fixed_body = xml_child_text(fr, "MessageBody");
    }
    xmlNodePtr rd = xml_child(m, "RedirectConfig");
    if (rd) {
        a->redirect_protocol = xml_child_text(rd, "Protocol");
        a->redirect_host = xml_child_text(rd, "Host");
        a->redirect_port = xml_child_text(rd, "Port");
        a->redirect_path = xml_child_text(rd, "Path");
        a->redirect_query = xml_child_text(rd, "Query");
        a->redirect_status = xml_child_text(rd, "StatusCode");
    }
    if (strcmp(a->type, "forward") == 0 && a->n_targets == 0)
        return err_set(e, ERR_PARSE, "%s: forward action without a target group", op);
    if (strcmp(a->type, "fixed-response") == 0 && !fr)
        return err_set(e, ERR_PARSE, "%s: fixed-response action without FixedResponseConfig",
                       op);
    return 0;
}

/* Stable by Order (insertion sort: action lists are tiny). */
static void sort_actions(struct rule_action *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct rule_action x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1].order > x.order) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int parse_actions(xmlNodePtr list, struct rule_action **out, size_t *n, const char *op,
                         struct err *e)
{
    for (xmlNodePtr m = xml_first_member(list); m; m = xml_next(m, "member")) {
        struct rule_action *a = TYPED_PUSH(*out, *n);
        if (parse_action(m, a, op, e))
            return -1;
    }
    sort_actions(*out, *n);
    return 0;
}

/* ------------------------------------------------------------ listeners */

static int parse_listener(xmlNodePtr m, struct listener *l, struct err *e)
{
    static const char op[] = "DescribeListeners";
    l->arn = xml_child_text(m, "ListenerArn");
    if (!l->arn)
        return err_set(e, ERR_PARSE, "%s: listener without ListenerArn", op);
    l->protocol = xml_child_text(m, "Protocol");
    if (typed_xml_int(m, "Port", &l->port, op, e))
        return -1;
    l->ssl_policy = xml_child_text(m, "SslPolicy");
    for (xmlNodePtr c = xml_first_member(xml_child(m, "Certificates")); c;
         c = xml_next(c, "member")) {
        char *arn = xml_child_text(c, "CertificateArn");
        if (arn)
            *TYPED_PUSH(l->certificate_arns, l->n_certificate_arns) = arn;
    }
    return parse_actions(xml_child(m, "DefaultActions"), &l->default_actions,
                         &l->n_default_actions, op, e);
}

int elbv2_parse_listeners(xmlDocPtr doc, struct listener **out, size_t *n,
                          char **next_marker, struct err *e)
{
    xmlNodePtr result;
    *next_marker = NULL;
    if (typed_xml_result(doc, "DescribeListeners", &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "Listeners")); m;
         m = xml_next(m, "member")) {
        struct listener l = {0};
        if (parse_listener(m, &l, e)) {
            listener_cleanup(&l);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = l;
    }
    *next_marker = typed_xml_next_marker(result);
    return 0;
}

/* ------------------------------------------------------------ rules */

static const struct {
    const char *config;     /* element name */
    const char *field;      /* Field value */
} condition_configs[] = {
    {"PathPatternConfig", "path-pattern"},
    {"HostHeaderConfig", "host-header"},
    {"HttpRequestMethodConfig", "http-request-method"},
    {"SourceIpConfig", "source-ip"},
    {"HttpHeaderConfig", "http-header"},
    {"QueryStringConfig", "query-string"},
};

static int parse_condition(xmlNodePtr m, struct rule_condition *c, struct err *e)
{
    static const char op[] = "DescribeRules";
    c->field = xml_child_text(m, "Field");
    xmlNodePtr cfg = NULL;
    const char *cfg_field = NULL;
    for (size_t i = 0; i < sizeof condition_configs / sizeof condition_configs[0]; i++) {
        xmlNodePtr x = xml_child(m, condition_configs[i].config);
        if (x && (!c->field || strcmp(c->field, condition_configs[i].field) == 0)) {
            cfg = x;
            cfg_field = condition_configs[i].field;
            break;
        }
    }
    if (!c->field && cfg_field)
        c->field = xstrdup(cfg_field);
    if (!c->field)
        return err_set(e, ERR_PARSE, "%s: condition without Field", op);

    if (cfg && strcmp(cfg_field, "query-string") == 0) {
        for (xmlNodePtr q = xml_first_member(xml_child(cfg, "Values")); q;
             q = xml_next(q, "member")) {
            struct kv *kv = TYPED_PUSH(c->query, c->n_query);
            kv->key = xml_child_text(q, "Key");
            kv->value = xml_child_text(q, "Value");
            if (!kv->value)
                return err_set(e, ERR_PARSE, "%s: query-string condition value without Value",
                               op);
        }
    } else if (cfg) {
        typed_xml_strv(xml_child(cfg, "Values"), &c->values, &c->n_values);
        typed_xml_strv(xml_child(cfg, "RegexValues"), &c->regex_values, &c->n_regex_values);
        if (strcmp(cfg_field, "http-header") == 0) {
            c->header_name = xml_child_text(cfg, "HttpHeaderName");
            if (!c->header_name)
                return err_set(e, ERR_PARSE, "%s: http-header condition without HttpHeaderName",
                               op);
        }
    }
    /* The legacy form: Values directly under the condition.  AWS sends both
     * forms for path and host conditions; take the legacy list only when the
     * config gave none. */
    if (c->n_values == 0 && c->n_query == 0)
        typed_xml_strv(xml_child(m, "Values"), &c->values, &c->n_values);
    if (c->n_regex_values == 0)
        typed_xml_strv(xml_child(m, "RegexValues"), &c->regex_values, &c->n_regex_values);
    if (strcmp(c->field, "http-header") == 0 && !c->header_name)
        return err_set(e, ERR_PARSE, "%s: http-header condition without HttpHeaderConfig", op);
    return 0;
}

static int parse_priority(xmlNodePtr m, struct rule *r, struct err *e)
{
    static const char op[] = "DescribeRules";
    r->is_default = typed_xml_bool(m, "IsDefault", false);
    char *p = xml_child_text(m, "Priority");
    int rc = 0;
    if (!p) {
        rc = err_set(e, ERR_PARSE, "%s: rule without Priority", op);
    } else if (strcmp(p, "default") == 0) {
        r->is_default = true;
        r->priority = INT_MAX;
    } else {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || *end || v < 0 || v > 50000)
            rc = err_set(e, ERR_PARSE, "%s: rule Priority is not a number: \"%.40s\"", op, p);
        else
            r->priority = r->is_default ? INT_MAX : (int)v;
    }
    free(p);
    return rc;
}

static int parse_rule(xmlNodePtr m, struct rule *r, struct err *e)
{
    static const char op[] = "DescribeRules";
    r->arn = xml_child_text(m, "RuleArn");
    if (!r->arn)
        return err_set(e, ERR_PARSE, "%s: rule without RuleArn", op);
    if (parse_priority(m, r, e))
        return -1;
    for (xmlNodePtr c = xml_first_member(xml_child(m, "Conditions")); c;
         c = xml_next(c, "member")) {
        struct rule_condition *rc = TYPED_PUSH(r->conditions, r->n_conditions);
        if (parse_condition(c, rc, e))
            return -1;
    }
    if (parse_actions(xml_child(m, "Actions"), &r->actions, &r->n_actions, op, e))
        return -1;
    if (r->n_actions == 0)
        return err_set(e, ERR_PARSE, "%s: rule %s without Actions", op, r->arn);
    return 0;
}

int elbv2_parse_rules(xmlDocPtr doc, struct rule **out, size_t *n, char **next_marker,
                      struct err *e)
{
    xmlNodePtr result;
    *next_marker = NULL;
    if (typed_xml_result(doc, "DescribeRules", &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "Rules")); m;
         m = xml_next(m, "member")) {
        struct rule r = {0};
        if (parse_rule(m, &r, e)) {
            rule_cleanup(&r);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = r;
    }
    *next_marker = typed_xml_next_marker(result);
    return 0;
}

void elbv2_sort_rules(struct rule *v, size_t n)
{
    /* Insertion sort: stable, and rule lists are at most a few hundred long. */
    for (size_t i = 1; i < n; i++) {
        struct rule x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1].priority > x.priority) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* ------------------------------------------------------------ target groups */

static int parse_tg(xmlNodePtr m, struct target_group *tg, struct err *e)
{
    static const char op[] = "DescribeTargetGroups";
    tg->arn = xml_child_text(m, "TargetGroupArn");
    if (!tg->arn)
        return err_set(e, ERR_PARSE, "%s: target group without TargetGroupArn", op);
    tg->name = xml_child_text(m, "TargetGroupName");
    tg->protocol = xml_child_text(m, "Protocol");
    tg->target_type = xml_child_text(m, "TargetType");
    tg->vpc_id = xml_child_text(m, "VpcId");
    tg->hc_protocol = xml_child_text(m, "HealthCheckProtocol");
    tg->hc_port = xml_child_text(m, "HealthCheckPort");
    tg->hc_path = xml_child_text(m, "HealthCheckPath");
    tg->hc_enabled = typed_xml_bool(m, "HealthCheckEnabled", true);
    if (typed_xml_int(m, "Port", &tg->port, op, e) ||
        typed_xml_int(m, "HealthCheckIntervalSeconds", &tg->hc_interval_s, op, e) ||
        typed_xml_int(m, "HealthCheckTimeoutSeconds", &tg->hc_timeout_s, op, e) ||
        typed_xml_int(m, "HealthyThresholdCount", &tg->healthy_threshold, op, e) ||
        typed_xml_int(m, "UnhealthyThresholdCount", &tg->unhealthy_threshold, op, e))
        return -1;
    xmlNodePtr matcher = xml_child(m, "Matcher");
    tg->matcher = xml_child_text(matcher, "HttpCode");
    if (!tg->matcher)
        tg->matcher = xml_child_text(matcher, "GrpcCode");
    typed_xml_strv(xml_child(m, "LoadBalancerArns"), &tg->load_balancer_arns,
                   &tg->n_load_balancer_arns);
    return 0;
}

int elbv2_parse_target_groups(xmlDocPtr doc, struct target_group **out, size_t *n,
                              char **next_marker, struct err *e)
{
    xmlNodePtr result;
    *next_marker = NULL;
    if (typed_xml_result(doc, "DescribeTargetGroups", &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "TargetGroups")); m;
         m = xml_next(m, "member")) {
        struct target_group tg = {0};
        if (parse_tg(m, &tg, e)) {
            target_group_cleanup(&tg);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = tg;
    }
    *next_marker = typed_xml_next_marker(result);
    return 0;
}

/* ------------------------------------------------------------ target health */

static int parse_target(xmlNodePtr m, struct target *t, struct err *e)
{
    static const char op[] = "DescribeTargetHealth";
    xmlNodePtr tgt = xml_child(m, "Target");
    if (!tgt)
        return err_set(e, ERR_PARSE, "%s: target health description without Target", op);
    t->id = xml_child_text(tgt, "Id");
    if (!t->id)
        return err_set(e, ERR_PARSE, "%s: target without Id", op);
    if (typed_xml_int(tgt, "Port", &t->port, op, e))
        return -1;
    t->availability_zone = xml_child_text(tgt, "AvailabilityZone");
    t->health_check_port = xml_child_text(m, "HealthCheckPort");
    xmlNodePtr h = xml_child(m, "TargetHealth");
    t->state = xml_child_text(h, "State");
    if (!t->state)
        return err_set(e, ERR_PARSE, "%s: target %s without TargetHealth State", op, t->id);
    t->reason = xml_child_text(h, "Reason");
    t->description = xml_child_text(h, "Description");
    return 0;
}

int elbv2_parse_target_health(xmlDocPtr doc, struct target **out, size_t *n, struct err *e)
{
    xmlNodePtr result;
    if (typed_xml_result(doc, "DescribeTargetHealth", &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "TargetHealthDescriptions")); m;
         m = xml_next(m, "member")) {
        struct target t = {0};
        if (parse_target(m, &t, e)) {
            target_cleanup(&t);
            return -1;
        }
        *TYPED_PUSH(*out, *n) = t;
    }
    return 0;
}

/* ------------------------------------------------------------ tags */

int elbv2_parse_tags(xmlDocPtr doc, struct elbv2_tags **out, size_t *n, struct err *e)
{
    static const char op[] = "DescribeTags";
    xmlNodePtr result;
    if (typed_xml_result(doc, op, &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(result_list(result, "TagDescriptions")); m;
         m = xml_next(m, "member")) {
        struct elbv2_tags t = {0};
        t.resource_arn = xml_child_text(m, "ResourceArn");
        if (!t.resource_arn)
            return err_set(e, ERR_PARSE, "%s: tag description without ResourceArn", op);
        for (xmlNodePtr tm = xml_first_member(xml_child(m, "Tags")); tm;
             tm = xml_next(tm, "member")) {
            struct kv *kv = TYPED_PUSH(t.tags, t.n_tags);
            kv->key = xml_child_text(tm, "Key");
            kv->value = xml_child_text(tm, "Value");
            if (!kv->key) {
                tags_cleanup(&t);
                return err_set(e, ERR_PARSE, "%s: tag without Key", op);
            }
            if (!kv->value)
                kv->value = xstrdup("");
        }
        *TYPED_PUSH(*out, *n) = t;
    }
    return 0;
}
