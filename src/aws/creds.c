/* creds.c — the credential provider chain: which provider applies (a "plan"
 * built once, on first use, from the environment and the profile), fetching
 * through it, caching, and refreshing before expiry (see aws/creds.h). */
#include "aws/creds.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "creds_internal.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MAX_PROFILE_DEPTH 32

enum node_kind { N_ENV, N_STATIC, N_PROCESS, N_WEBID, N_ASSUME, N_CONTAINER, N_IMDS };

/* One way to get credentials; N_ASSUME nodes own the node of their source. */
struct node {
    enum node_kind kind;
    char *desc;                 /* aws_creds.source for what it yields */
    char *profile;              /* N_STATIC, N_PROCESS, N_IMDS */
    bool credentials_file;      /* N_STATIC: which file */
    char *command;              /* N_PROCESS */
    char *role_arn, *session_name, *external_id, *token_file; /* N_WEBID, N_ASSUME */
    int duration_s;
    struct node *source;        /* N_ASSUME */
};

struct creds_chain {
    pthread_mutex_t mu;
    struct creds_chain_opts o;
    struct node *plan;          /* NULL until resolved */
    struct aws_creds cached;
    bool have;
};

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static void node_free(struct node *n)
{
    if (!n)
        return;
    node_free(n->source);
    free(n->desc);
    free(n->profile);
    free(n->command);
    free(n->role_arn);
    free(n->session_name);
    free(n->external_id);
    free(n->token_file);
    free(n);
}

static struct node *node_new(enum node_kind kind, char *desc)
{
    struct node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->desc = desc;
    return n;
}

static long chain_now(const struct creds_chain *c)
{
    return c->o.clock_s ? c->o.clock_s() : (long)time(NULL);
}

static struct creds_http_opts container_opts(const struct creds_chain *c)
{
    struct creds_http_opts h = {c->o.container_timeout_ms, c->o.container_attempts, c->o.sleep_ms};
    return h;
}

static struct creds_http_opts imds_opts(const struct creds_chain *c)
{
    struct creds_http_opts h = {c->o.imds_timeout_ms, 1, c->o.sleep_ms};
    return h;
}

static const struct aws_config *chain_cfg(const struct creds_chain *c)
{
    return &c->o.settings->cfg;
}

/* ------------------------------------------------------------ fetching */

static int fetch_env(struct aws_creds *out, struct err *e)
{
    const char *ak = env_nonempty("AWS_ACCESS_KEY_ID");
    const char *sk = env_nonempty("AWS_SECRET_ACCESS_KEY");
    const char *tk = env_nonempty("AWS_SESSION_TOKEN");
    const char *exp = env_nonempty("AWS_CREDENTIAL_EXPIRATION");
    int64_t exp_s = 0;
    if (!tk)
        tk = env_nonempty("AWS_SECURITY_TOKEN");
    if (!ak)
        return err_set(e, ERR_CONFIG, "environment: AWS_ACCESS_KEY_ID is not set");
    if (!sk)
        return err_set(e, ERR_CONFIG, "environment: AWS_ACCESS_KEY_ID is set but "
                       "AWS_SECRET_ACCESS_KEY is not");
    if (exp && creds_parse_time(exp, &exp_s) < 0)
        return err_set(e, ERR_CONFIG, "environment: AWS_CREDENTIAL_EXPIRATION is not an "
                       "ISO 8601 time");
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = xstrdup(tk);
    out->expiration_s = exp_s;
    return 0;
}

static int fetch_static(const struct creds_chain *c, const struct node *n, struct aws_creds *out,
                        struct err *e)
{
    const struct aws_ini *ini = n->credentials_file ? &chain_cfg(c)->credentials
                                                    : &chain_cfg(c)->config;
    const struct aws_ini_section *s = aws_ini_section(ini, AWS_INI_PROFILE, n->profile);
    const char *ak = aws_ini_get(s, "aws_access_key_id");
    const char *sk = aws_ini_get(s, "aws_secret_access_key");
    const char *tk = aws_ini_get(s, "aws_session_token");
    if (!tk || !*tk)
        tk = aws_ini_get(s, "aws_security_token");
    if (!ak || !*ak)
        return err_set(e, ERR_CONFIG, "%s: profile '%s' has no aws_access_key_id", ini->path,
                       n->profile);
    if (!sk || !*sk)
        return err_set(e, ERR_CONFIG, "%s: profile '%s' has aws_access_key_id but no "
                       "aws_secret_access_key", ini->path, n->profile);
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = (tk && *tk) ? xstrdup(tk) : NULL;
    out->expiration_s = 0;
    return 0;
}

static char *session_name(const struct creds_chain *c, const char *configured)
{
    if (configured && *configured)
        return xstrdup(configured);
    return xasprintf("albcheck-%ld", chain_now(c));
}

static int fetch_node(struct creds_chain *c, const struct node *n, struct aws_creds *out,
                      struct err *e);

static int fetch_webid(struct creds_chain *c, const struct node *n, struct aws_creds *out,
                       struct err *e)
{
    if (!c->o.sts.assume_role_with_web_identity)
        return err_set(e, ERR_INTERNAL, "%s: no STS AssumeRoleWithWebIdentity available", n->desc);
    /* Re-read the token every time: the issuer rotates the file. */
    char *tok = creds_read_small_file(n->token_file, 64 * 1024, "web identity token file", e);
    if (!tok)
        return -1;
    char *sn = session_name(c, n->session_name);
    int rc = c->o.sts.assume_role_with_web_identity(c->o.sts.ctx, n->role_arn, sn, tok,
                                                    n->duration_s, out, e);
    memset(tok, 0, strlen(tok));
    free(tok);
    free(sn);
    if (rc < 0)
        err_prefix(e, "%s", n->desc);
    return rc;
}

static int fetch_assume(struct creds_chain *c, const struct node *n, struct aws_creds *out,
                        struct err *e)
{
    struct aws_creds src = {0};
    if (!c->o.sts.assume_role)
        return err_set(e, ERR_INTERNAL, "%s: no STS AssumeRole available", n->desc);
    if (fetch_node(c, n->source, &src, e) < 0) {
        err_prefix(e, "%s", n->desc);
        return -1;
    }
    char *sn = session_name(c, n->session_name);
    int rc = c->o.sts.assume_role(c->o.sts.ctx, &src, n->role_arn, sn, n->external_id,
                                  n->duration_s, out, e);
    free(sn);
    aws_creds_cleanup(&src);
    if (rc < 0)
        err_prefix(e, "%s", n->desc);
    return rc;
}

static int fetch_node(struct creds_chain *c, const struct node *n, struct aws_creds *out,
                      struct err *e)
{
    int rc = -1;
    char *why = NULL;
    memset(out, 0, sizeof *out);
    switch (n->kind) {
    case N_ENV:
        rc = fetch_env(out, e);
        break;
    case N_STATIC:
        rc = fetch_static(c, n, out, e);
        break;
    case N_PROCESS:
        rc = creds_process_fetch(n->command, c->o.process_timeout_ms, n->desc, out, e);
        break;
    case N_WEBID:
        rc = fetch_webid(c, n, out, e);
        break;
    case N_ASSUME:
        rc = fetch_assume(c, n, out, e);
        break;
    case N_CONTAINER: {
        struct creds_http_opts ho = container_opts(c);
        enum creds_found f = creds_container_fetch(&ho, out, &why, e);
        if (f == CREDS_NOT_FOUND)
            err_set(e, ERR_CONFIG, "container credentials: %s", why);
        rc = f == CREDS_FOUND ? 0 : -1;
        break;
    }
    case N_IMDS: {
        struct creds_http_opts ho = imds_opts(c);
        enum creds_found f = creds_imds_fetch(&ho, chain_cfg(c), n->profile, out, &why, e);
        if (f == CREDS_NOT_FOUND)
            err_set(e, ERR_NET, "instance metadata: %s", why);
        rc = f == CREDS_FOUND ? 0 : -1;
        break;
    }
    }
    free(why);
    if (rc < 0) {
        aws_creds_cleanup(out);
        return -1;
    }
    if (n->kind != N_IMDS || !out->source) {
        free(out->source);
        out->source = xstrdup(n->desc);
    }
    return 0;
}

/* ------------------------------------------------------------ planning */

static void tried_add(struct buf *tried, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tried_add(struct buf *tried, const char *fmt, ...)
{
    if (!tried)
        return;
    if (tried->len)
        buf_appends(tried, ", ");
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(tried, fmt, ap);
    va_end(ap);
}

static bool has_static(const struct aws_config *cfg, const char *profile)
{
    return aws_config_get(cfg, profile, "aws_access_key_id") ||
           aws_config_get(cfg, profile, "aws_secret_access_key");
}

static bool has_assume_role(const struct aws_config *cfg, const char *profile)
{
    return aws_config_get(cfg, profile, "role_arn") &&
           !aws_config_get(cfg, profile, "web_identity_token_file");
}

static int parse_duration(const char *profile, const char *v, int *out, struct err *e)
{
    *out = 0;
    if (!v || !*v)
        return 0;
    char *end;
    long d = strtol(v, &end, 10);
    if (*end || d < 900 || d > 43200)
        return err_set(e, ERR_CONFIG, "profile '%s': duration_seconds must be a whole number "
                       "from 900 to 43200, not '%s'", profile, v);
    *out = (int)d;
    return 0;
}

/* Web identity, shared credentials file, credential_process, config file:
 * the providers a profile itself can hold.  1 with *out, 0 none, -1 error. */
static int plan_profile(struct creds_chain *c, const char *profile, bool disable_env,
                        struct node **out, struct buf *tried, struct err *e)
{
    const struct aws_config *cfg = chain_cfg(c);
    *out = NULL;

    /* Web identity: each setting from the environment first (unless the
     * profile was explicit), else from the profile. */
    const char *tf = disable_env ? NULL : env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE");
    const char *arn = disable_env ? NULL : env_nonempty("AWS_ROLE_ARN");
    const char *sn = disable_env ? NULL : env_nonempty("AWS_ROLE_SESSION_NAME");
    if (!tf)
        tf = aws_config_get(cfg, profile, "web_identity_token_file");
    if (tf && *tf) {
        if (!arn)
            arn = aws_config_get(cfg, profile, "role_arn");
        if (!sn)
            sn = aws_config_get(cfg, profile, "role_session_name");
        if (!arn || !*arn)
            return err_set(e, ERR_CONFIG, "web identity: a token file is configured but no role: "
                           "set AWS_ROLE_ARN or role_arn in profile '%s'", profile);
        struct node *n = node_new(N_WEBID, xasprintf("web identity (role %s)", arn));
        n->role_arn = xstrdup(arn);
        n->session_name = xstrdup(sn);
        n->token_file = xstrdup(tf);
        *out = n;
        return 1;
    }
    tried_add(tried, "web identity");

    const struct aws_ini_section *s = aws_ini_section(&cfg->credentials, AWS_INI_PROFILE, profile);
    if (aws_ini_get(s, "aws_access_key_id")) {
        struct node *n = node_new(N_STATIC, xasprintf("shared credentials file (profile %s)",
                                                      profile));
        n->profile = xstrdup(profile);
        n->credentials_file = true;
        *out = n;
        return 1;
    }
    tried_add(tried, "shared credentials file %s (profile %s: %s)", cfg->credentials.path,
              profile, !cfg->credentials.found ? "no such file"
                       : s ? "no aws_access_key_id" : "not found");

    const char *cp = aws_config_get(cfg, profile, "credential_process");
    if (cp && *cp) {
        struct node *n = node_new(N_PROCESS, xasprintf("credential_process (profile %s)", profile));
        n->command = xstrdup(cp);
        n->profile = xstrdup(profile);
        *out = n;
        return 1;
    }

    s = aws_ini_section(&cfg->config, AWS_INI_PROFILE, profile);
    if (aws_ini_get(s, "aws_access_key_id")) {
        struct node *n = node_new(N_STATIC, xasprintf("config file (profile %s)", profile));
        n->profile = xstrdup(profile);
        *out = n;
        return 1;
    }
    tried_add(tried, "config file %s (profile %s: %s)", cfg->config.path, profile,
              !cfg->config.found ? "no such file" : s ? "no aws_access_key_id" : "not found");
    return 0;
}

struct visited {
    const char *names[MAX_PROFILE_DEPTH];
    int n;
};

static bool visited_has(const struct visited *v, const char *name)
{
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return true;
    return false;
}

static int plan_assume(struct creds_chain *c, const char *profile, struct visited *v,
                       struct node **out, struct err *e)
{
    const struct aws_config *cfg = chain_cfg(c);
    const char *arn = aws_config_get(cfg, profile, "role_arn");
    const char *sp = aws_config_get(cfg, profile, "source_profile");
    const char *cs = aws_config_get(cfg, profile, "credential_source");
    struct node *src = NULL;
    char *via = NULL;
    int dur;
    *out = NULL;

    if (sp && cs)
        return err_set(e, ERR_CONFIG, "profile '%s' has both source_profile and "
                       "credential_source: use one", profile);
    if (!sp && !cs)
        return err_set(e, ERR_CONFIG, "profile '%s' has role_arn but neither source_profile "
                       "nor credential_source", profile);
    if (parse_duration(profile, aws_config_get(cfg, profile, "duration_seconds"), &dur, e) < 0)
        return -1;
    if (cs) {
        if (strcasecmp(cs, "Environment") == 0) {
            if (!env_nonempty("AWS_ACCESS_KEY_ID"))
                return err_set(e, ERR_CONFIG, "profile '%s': credential_source Environment, but "
                               "AWS_ACCESS_KEY_ID is not set", profile);
            src = node_new(N_ENV, xstrdup("environment"));
        } else if (strcasecmp(cs, "EcsContainer") == 0) {
            if (!env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
                !env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
                return err_set(e, ERR_CONFIG, "profile '%s': credential_source EcsContainer, but "
                               "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
                               "AWS_CONTAINER_CREDENTIALS_FULL_URI is set", profile);
            src = node_new(N_CONTAINER, xstrdup("container credentials"));
        } else if (strcasecmp(cs, "Ec2InstanceMetadata") == 0) {
            src = node_new(N_IMDS, xstrdup("instance metadata"));
            src->profile = xstrdup(profile);
        } else {
            return err_set(e, ERR_CONFIG, "profile '%s': credential_source '%s' is not valid: use "
                           "Environment, Ec2InstanceMetadata or EcsContainer", profile, cs);
        }
        via = xasprintf("credential_source %s", cs);
    } else {
        if (!aws_config_has_profile(cfg, sp))
            return err_set(e, ERR_CONFIG, "profile '%s': source_profile '%s' does not exist",
                           profile, sp);
        if (visited_has(v, sp) && !(strcmp(sp, profile) == 0 && has_static(cfg, sp))) {
            struct buf b;
            buf_init(&b, 900);
            for (int i = 0; i < v->n; i++)
                buf_printf(&b, "%s -> ", v->names[i]);
            buf_appends(&b, sp);
            err_set(e, ERR_CONFIG, "source_profile loop: %s", buf_str(&b));
            buf_cleanup(&b);
            return -1;
        }
        if (v->n >= MAX_PROFILE_DEPTH)
            return err_set(e, ERR_CONFIG, "source_profile chain deeper than %d profiles",
                           MAX_PROFILE_DEPTH);
        v->names[v->n++] = sp;
        if (has_static(cfg, sp) || !has_assume_role(cfg, sp)) {
            int r = plan_profile(c, sp, true, &src, NULL, e);
            if (r < 0)
                return -1;
            if (r == 0)
                return err_set(e, ERR_CONFIG, "profile '%s': source_profile '%s' has no "
                               "credentials", profile, sp);
        } else if (plan_assume(c, sp, v, &src, e) < 0) {
            return -1;
        }
        via = xasprintf("profile %s", sp);
    }
    struct node *n = node_new(N_ASSUME, xasprintf("assume role %s via %s", arn, via));
    free(via);
    n->role_arn = xstrdup(arn);
    n->session_name = xstrdup(aws_config_get(cfg, profile, "role_session_name"));
    n->external_id = xstrdup(aws_config_get(cfg, profile, "external_id"));
    n->duration_s = dur;
    n->source = src;
    *out = n;
    return 0;
}

/* Walk the chain in order.  Returns 0 with c->plan set and *out filled, or
 * -1 with e set (ERR_CONFIG "no AWS credentials found; tried: …" when
 * nothing applied). */
static int resolve(struct creds_chain *c, struct aws_creds *out, struct err *e)
{
    const struct aws_settings *st = c->o.settings;
    const struct aws_config *cfg = chain_cfg(c);
    const char *profile = st->profile;
    struct node *plan = NULL;
    char *why = NULL;
    int rc = -1;
    struct buf tried;
    buf_init(&tried, 4096);

    if (st->profile_explicit) {
        tried_add(&tried, "environment (skipped: profile given with --profile)");
    } else if (env_nonempty("AWS_ACCESS_KEY_ID")) {
        plan = node_new(N_ENV, xstrdup("environment"));
        goto fetch;
    } else {
        tried_add(&tried, "environment");
    }

    if (has_assume_role(cfg, profile)) {
        struct visited v = {{profile}, 1};
        if (plan_assume(c, profile, &v, &plan, e) < 0)
            goto out;
        goto fetch;
    }

    int r = plan_profile(c, profile, st->profile_explicit, &plan, &tried, e);
    if (r < 0)
        goto out;
    if (r > 0)
        goto fetch;

    if (env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
        env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        plan = node_new(N_CONTAINER, xstrdup("container credentials"));
        goto fetch;
    }
    tried_add(&tried, "container credentials (not configured)");

    struct creds_http_opts ho = imds_opts(c);
    enum creds_found f = creds_imds_fetch(&ho, cfg, profile, out, &why, e);
    if (f == CREDS_ERROR)
        goto out;
    if (f == CREDS_FOUND) {
        c->plan = node_new(N_IMDS, xstrdup("instance metadata"));
        c->plan->profile = xstrdup(profile);
        rc = 0;
        goto out;
    }
    tried_add(&tried, "instance metadata (%s)", why);
    err_set(e, ERR_CONFIG, "no AWS credentials found; tried: %s", buf_str(&tried));
    goto out;

fetch:
    if (fetch_node(c, plan, out, e) < 0)
        goto out;
    c->plan = plan;
    plan = NULL;
    rc = 0;
out:
    node_free(plan);
    free(why);
    buf_cleanup(&tried);
    return rc;
}

/* ------------------------------------------------------------ the chain */

struct creds_chain *creds_chain_new(const struct creds_chain_opts *opts, struct err *e)
{
    if (!opts || !opts->settings || !opts->settings->profile) {
        err_set(e, ERR_INTERNAL, "creds_chain_new: resolved settings are required");
        return NULL;
    }
    struct creds_chain *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->o = *opts;
    return c;
}

void creds_chain_free(struct creds_chain *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    node_free(c->plan);
    aws_creds_cleanup(&c->cached);
    free(c);
}

int creds_chain_get(struct creds_chain *c, struct aws_creds *out, struct err *e)
{
    int rc = -1;
    struct aws_creds fresh = {0};
    struct err e2;
    err_clear(&e2);
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->mu);
    long now = chain_now(c);
    if (!c->have) {
        if (resolve(c, &fresh, e) < 0)
            goto out;
        c->cached = fresh;
        memset(&fresh, 0, sizeof fresh);
        c->have = true;
        log_trace(1, "credentials: from %s", c->cached.source);
    } else if (c->cached.expiration_s && c->cached.expiration_s - now < CREDS_ADVISORY_REFRESH_S) {
        bool mandatory = c->cached.expiration_s - now < CREDS_MANDATORY_REFRESH_S;
        int r = fetch_node(c, c->plan, &fresh, &e2);
        if (r == 0 && fresh.expiration_s && fresh.expiration_s <= now) {
            r = err_set(&e2, ERR_CONFIG, "%s: refreshed credentials are already expired",
                        c->plan->desc);
            aws_creds_cleanup(&fresh);
        }
        if (r == 0) {
            aws_creds_cleanup(&c->cached);
            c->cached = fresh;
            memset(&fresh, 0, sizeof fresh);
            log_trace(1, "credentials: refreshed from %s", c->cached.source);
        } else if (mandatory || c->cached.expiration_s <= now) {
            if (e)
                *e = e2;
            goto out;
        } else {
            log_warn("refreshing credentials failed (advisory; using the current ones): %s",
                     e2.msg);
        }
    }
    aws_creds_copy(out, &c->cached);
    rc = 0;
out:
    pthread_mutex_unlock(&c->mu);
    aws_creds_cleanup(&fresh);
    return rc;
}

static int chain_get_cb(void *ctx, struct aws_creds *out, struct err *e)
{
    return creds_chain_get(ctx, out, e);
}

struct aws_creds_source creds_chain_source(struct creds_chain *c)
{
    struct aws_creds_source s = {chain_get_cb, c};
    return s;
}

static int static_get_cb(void *ctx, struct aws_creds *out, struct err *e)
{
    (void)e;
    aws_creds_copy(out, ctx);
    return 0;
}

struct aws_creds_source creds_static_source(const struct aws_creds *creds)
{
    struct aws_creds_source s = {static_get_cb, (void *)creds};
    return s;
}
