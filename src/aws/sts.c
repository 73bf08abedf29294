/* sts.c — STS GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity (see sts.h). */
#include "aws/sts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/xml.h"
#include "util/xmalloc.h"

void sts_identity_cleanup(struct sts_identity *id)
{
    if (!id)
        return;
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

/* The <opResult> element of an answer whose root is <opResponse>. */
static xmlNodePtr result_node(xmlDocPtr doc, const char *op, struct err *e)
{
    char name[96];
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    snprintf(name, sizeof name, "%sResponse", op);
    if (!root || strcmp((const char *)root->name, name) != 0) {
        err_set(e, ERR_PARSE, "%s: unexpected answer: no <%s>", op, name);
        return NULL;
    }
    snprintf(name, sizeof name, "%sResult", op);
    xmlNodePtr r = xml_child(root, name);
    if (!r)
        err_set(e, ERR_PARSE, "%s: unexpected answer: no <%s>", op, name);
    return r;
}

/* Text of a required, non-empty child; NULL with e set when missing. */
static char *required(xmlNodePtr parent, const char *name, const char *op, struct err *e)
{
    char *s = xml_child_text(parent, name);
    if (!s || !*s) {
        free(s);
        err_set(e, ERR_PARSE, "%s: the answer has no %s", op, name);
        return NULL;
    }
    return s;
}

int sts_parse_caller_identity(xmlDocPtr doc, struct sts_identity *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const char *op = "GetCallerIdentity";
    xmlNodePtr r = result_node(doc, op, e);
    if (!r)
        return -1;
    if (!(out->account = required(r, "Account", op, e)) ||
        !(out->arn = required(r, "Arn", op, e)) ||
        !(out->user_id = required(r, "UserId", op, e))) {
        sts_identity_cleanup(out);
        return -1;
    }
    return 0;
}

int sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = NULL;
    if (aws_query_call(c, AWS_SVC_STS, "GetCallerIdentity", NULL, &doc, e) < 0)
        return -1;
    int rc = sts_parse_caller_identity(doc, out, e);
    xmlFreeDoc(doc);
    return rc;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

int sts_parse_iso8601(const char *s, int64_t *out_s)
{
    if (!s)
        return -1;
    const char *p = s;
    int Y, M, D, h, m, sec;
    while (isspace((unsigned char)*p))
        p++;
    if (digits(&p, 4, &Y) || expect(&p, '-') || digits(&p, 2, &M) || expect(&p, '-') ||
        digits(&p, 2, &D) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &m) || expect(&p, ':') ||
        digits(&p, 2, &sec))
        return -1;
    if (*p == '.' || *p == ',') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long offset_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om))
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        offset_s = sign * (oh * 3600L + om * 60L);
    } else {
        return -1;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && !(Y == 1969 && M == 12 && D == 31))
        return -1;
    *out_s = (int64_t)t - offset_s;
    return 0;
}

int sts_parse_credentials(xmlDocPtr doc, const char *op, struct aws_creds *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    char *exp = NULL;
    int rc = -1;
    xmlNodePtr r = result_node(doc, op, e);
    if (!r)
        goto out;
    xmlNodePtr cr = xml_child(r, "Credentials");
    if (!cr) {
        err_set(e, ERR_PARSE, "%s: the answer has no Credentials", op);
        goto out;
    }
    if (!(out->access_key_id = required(cr, "AccessKeyId", op, e)) ||
        !(out->secret_access_key = required(cr, "SecretAccessKey", op, e)) ||
        !(out->session_token = required(cr, "SessionToken", op, e)) ||
        !(exp = required(cr, "Expiration", op, e)))
        goto out;
    if (sts_parse_iso8601(exp, &out->expiration_s) < 0) {
        err_set(e, ERR_PARSE, "%s: the credentials' Expiration '%s' is not an ISO 8601 time", op,
                exp);
        goto out;
    }
    rc = 0;
out:
    free(exp);
    if (rc < 0)
        aws_creds_cleanup(out);
    return rc;
}

static int credentials_call(struct aws_client *c, const char *op, const struct aws_query *q,
                            struct aws_creds *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = NULL;
    if (aws_query_call(c, AWS_SVC_STS, op, q, &doc, e) < 0)
        return -1;
    int rc = sts_parse_credentials(doc, op, out, e);
    xmlFreeDoc(doc);
    return rc;
}

int sts_assume_role(struct aws_client *c, const struct sts_assume_role_params *p,
                    struct aws_creds *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!p->role_arn || !*p->role_arn || !p->session_name || !*p->session_name)
        return err_set(e, ERR_CONFIG, "AssumeRole: a role ARN and a session name are needed");
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "RoleArn", p->role_arn);
    aws_query_add(&q, "RoleSessionName", p->session_name);
    if (p->external_id && *p->external_id)
        aws_query_add(&q, "ExternalId", p->external_id);
    if (p->duration_s > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", p->duration_s);
        aws_query_add(&q, "DurationSeconds", d);
    }
    int rc = credentials_call(c, "AssumeRole", &q, out, e);
    aws_query_cleanup(&q);
    return rc;
}

int sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
                                      const char *session_name, const char *token,
                                      int duration_s, struct aws_creds *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!role_arn || !*role_arn || !session_name || !*session_name || !token || !*token)
        return err_set(e, ERR_CONFIG,
                       "AssumeRoleWithWebIdentity: a role ARN, a session name and a token are "
                       "needed");
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "RoleArn", role_arn);
    aws_query_add(&q, "RoleSessionName", session_name);
    aws_query_add(&q, "WebIdentityToken", token);
    if (duration_s > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", duration_s);
        aws_query_add(&q, "DurationSeconds", d);
    }
    int rc = credentials_call(c, "AssumeRoleWithWebIdentity", &q, out, e);
    aws_query_cleanup(&q);
    return rc;
}
