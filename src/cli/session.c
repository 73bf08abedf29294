/* session.c — from the command line and environment to an AWS client.
 *
 * Settings (region, profile, endpoints, retries) come from aws_settings_resolve
 * (flags, environment, shared config files); credentials from the AWS CLI's
 * provider chain (aws/creds.h), whose STS calls are made here with short-lived
 * clients: AssumeRole signed with the source credentials, AssumeRoleWithWeb-
 * Identity unsigned, both for the STS signing region.  The session lives in
 * the client's credentials context, so session_client_free() finds it.
 */
#include "cli/session.h"

#include <stdlib.h>
#include <string.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/sts.h"
#include "util/xmalloc.h"

struct cli_session {
    struct aws_settings settings;
    struct creds_chain *chain;
    struct aws_client *sts_owned;   /* STS client when it signs for another region */
    long timeout_ms;                /* --aws-timeout, per attempt; 0 → client default */
};

static int sts_client_for(const struct cli_session *s, struct aws_creds_source creds,
                          struct aws_client **out, struct err *e)
{
    struct aws_client_opts o;
    memset(&o, 0, sizeof o);
    aws_settings_client_opts(&s->settings, &o);
    if (s->timeout_ms > 0)
        o.timeout_ms = s->timeout_ms;
    o.region = s->settings.sts_signing_region;
    o.creds = creds;
    *out = aws_client_new(&o, e);
    return *out ? 0 : -1;
}

static int session_assume_role(void *ctx, const struct aws_creds *source, const char *role_arn,
                               const char *session_name, const char *external_id, int duration_s,
                               struct aws_creds *out, struct err *e)
{
    struct cli_session *s = ctx;
    struct aws_client *c = NULL;
    if (sts_client_for(s, creds_static_source(source), &c, e) < 0)
        return -1;
    struct sts_assume_role_params prm = {role_arn, session_name, external_id, duration_s};
    int rc = sts_assume_role(c, &prm, out, e);
    aws_client_free(c);
    return rc;
}

static int session_assume_role_web(void *ctx, const char *role_arn, const char *session_name,
                                   const char *token, int duration_s, struct aws_creds *out,
                                   struct err *e)
{
    struct cli_session *s = ctx;
    struct aws_client *c = NULL;
    struct aws_creds_source unsigned_src = {NULL, NULL}; /* get == NULL: unsigned */
    if (sts_client_for(s, unsigned_src, &c, e) < 0)
        return -1;
    int rc = sts_assume_role_with_web_identity(c, role_arn, session_name, token, duration_s, out, e);
    aws_client_free(c);
    return rc;
}

static int session_creds_get(void *ctx, struct aws_creds *out, struct err *e)
{
    struct cli_session *s = ctx;
    return creds_chain_get(s->chain, out, e);
}

static void session_close(struct cli_session *s)
{
    if (!s)
        return;
    aws_client_free(s->sts_owned);
    creds_chain_free(s->chain);
    aws_settings_cleanup(&s->settings);
    free(s);
}

struct aws_client *session_client_new(const struct cli_globals *g, struct err *e)
{
    struct cli_session *s = xcalloc(1, sizeof *s);
    s->timeout_ms = g->aws_timeout_ms;
    struct aws_settings_input in;
    memset(&in, 0, sizeof in);
    in.region = g->region;
    in.profile = g->profile;
    in.endpoint_url = g->endpoint_url;
    in.profile_explicit = g->profile != NULL; /* --profile: env keys are skipped */
    struct aws_client *c = NULL;
    if (aws_settings_resolve(&in, &s->settings, e) < 0)
        goto fail; /* no region → ERR_USAGE (exit 2) */
    struct creds_chain_opts co;
    memset(&co, 0, sizeof co);
    co.settings = &s->settings;
    co.sts.assume_role = session_assume_role;
    co.sts.assume_role_with_web_identity = session_assume_role_web;
    co.sts.ctx = s;
    s->chain = creds_chain_new(&co, e);
    if (!s->chain)
        goto fail;
    struct aws_client_opts o;
    memset(&o, 0, sizeof o);
    aws_settings_client_opts(&s->settings, &o);
    if (s->timeout_ms > 0)
        o.timeout_ms = s->timeout_ms;
    o.creds.get = session_creds_get;
    o.creds.ctx = s;
    c = aws_client_new(&o, e);
    if (!c)
        goto fail;
    if (strcmp(s->settings.sts_signing_region, s->settings.region) != 0) {
        struct aws_creds_source src = {session_creds_get, s};
        if (sts_client_for(s, src, &s->sts_owned, e) < 0)
            goto fail;
    }
    return c;
fail:
    aws_client_free(c);
    session_close(s);
    return NULL;
}

struct aws_client *session_sts_client(struct aws_client *c)
{
    struct cli_session *s = c ? aws_client_creds_ctx(c) : NULL;
    return s && s->sts_owned ? s->sts_owned : c;
}

void session_client_free(struct aws_client *c)
{
    if (!c)
        return;
    struct cli_session *s = aws_client_creds_ctx(c);
    aws_client_free(c);
    session_close(s);
}
