/* session.c — region, endpoints, retries and credentials for the CLI (see session.h). */
#include "cli/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* A non-empty environment variable, or NULL. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Seam: the region.  The profile's `region` joins here with the config files. */
static const char *session_region(const struct cli_globals *g)
{
    if (g->region && *g->region)
        return g->region;
    if (env("AWS_REGION"))
        return env("AWS_REGION");
    return env("AWS_DEFAULT_REGION");
}

/* Environment credentials, copied at start-up; handed out as fresh copies. */
struct env_creds {
    struct aws_creds creds;
};

static int env_creds_get(void *ctx, struct aws_creds *out, struct err *e)
{
    (void)e;
    const struct env_creds *ec = ctx;
    aws_creds_copy(out, &ec->creds);
    return 0;
}

static void env_creds_free(void *ctx)
{
    struct env_creds *ec = ctx;
    if (!ec)
        return;
    aws_creds_cleanup(&ec->creds);
    free(ec);
}

/* Seam: the credentials source.  The provider chain (branch creds) replaces
 * this function; *ctx_free tells session_client_free how to release out->ctx. */
static int session_creds_source(const struct cli_globals *g, struct aws_creds_source *out,
                                void (**ctx_free)(void *), struct err *e)
{
    if (g->profile)
        return err_set(e, ERR_CONFIG,
                       "profiles are not read yet (--profile %s): set AWS_ACCESS_KEY_ID and "
                       "AWS_SECRET_ACCESS_KEY instead",
                       g->profile);
    const char *id = env("AWS_ACCESS_KEY_ID");
    const char *secret = env("AWS_SECRET_ACCESS_KEY");
    if (!id && !secret)
        return err_set(e, ERR_CONFIG,
                       "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                       "(tried: environment)");
    if (!id || !secret)
        return err_set(e, ERR_CONFIG, "incomplete AWS credentials in the environment: %s is set "
                                      "but %s is not",
                       id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    struct env_creds *ec = xcalloc(1, sizeof *ec);
    ec->creds.access_key_id = xstrdup(id);
    ec->creds.secret_access_key = xstrdup(secret);
    ec->creds.session_token = xstrdup(env("AWS_SESSION_TOKEN"));
    ec->creds.source = xstrdup("environment");
    out->get = env_creds_get;
    out->ctx = ec;
    *ctx_free = env_creds_free;
    return 0;
}

int session_retry_settings(struct aws_client_opts *o, struct err *e)
{
    const char *mode = env("AWS_RETRY_MODE");
    if (mode) {
        if (strcmp(mode, "standard") == 0)
            o->retry_mode = AWS_RETRY_STANDARD;
        else if (strcmp(mode, "legacy") == 0)
            o->retry_mode = AWS_RETRY_LEGACY;
        else if (strcmp(mode, "adaptive") == 0)
            o->retry_mode = AWS_RETRY_ADAPTIVE;
        else
            return err_set(e, ERR_USAGE,
                           "AWS_RETRY_MODE must be standard, legacy or adaptive, not '%s'", mode);
    }
    const char *max = env("AWS_MAX_ATTEMPTS");
    if (max) {
        char *end;
        errno = 0;
        long v = strtol(max, &end, 10);
        if (errno || end == max || *end || v < 1 || v > 100)
            return err_set(e, ERR_USAGE,
                           "AWS_MAX_ATTEMPTS must be a whole number from 1 to 100, not '%s'", max);
        o->max_attempts = (int)v;
    }
    return 0;
}

/* What the client's credentials ctx points to: the source session.c chose
 * and how to release it, so session_client_free() needs no knowledge of it. */
struct session_ctx {
    struct aws_creds_source inner;
    void (*inner_free)(void *ctx);
};

static int session_creds_get(void *ctx, struct aws_creds *out, struct err *e)
{
    struct session_ctx *sc = ctx;
    return sc->inner.get(sc->inner.ctx, out, e);
}

static void session_ctx_free(struct session_ctx *sc)
{
    if (!sc)
        return;
    if (sc->inner_free)
        sc->inner_free(sc->inner.ctx);
    free(sc);
}

struct aws_client *session_client_new(const struct cli_globals *g, struct err *e)
{
    struct aws_client_opts o;
    memset(&o, 0, sizeof o);
    struct session_ctx *sc = NULL;
    struct aws_client *c = NULL;

    o.region = session_region(g);
    if (!o.region) {
        err_set(e, ERR_USAGE, "no AWS region: use --region, AWS_REGION or AWS_DEFAULT_REGION, "
                              "or set region in the profile");
        goto out;
    }
    for (int s = 0; s < AWS_SVC_COUNT; s++) {
        const struct aws_service_info *si = aws_service_info((enum aws_service)s);
        char name[96];
        snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", si->env_suffix);
        o.endpoints[s] = g->endpoint_url ? g->endpoint_url
                         : env(name)     ? env(name)
                                         : env("AWS_ENDPOINT_URL");
    }
    if (session_retry_settings(&o, e) < 0)
        goto out;
    sc = xcalloc(1, sizeof *sc);
    if (session_creds_source(g, &sc->inner, &sc->inner_free, e) < 0)
        goto out;
    o.creds.get = session_creds_get;
    o.creds.ctx = sc;
    c = aws_client_new(&o, e);
    if (c)
        sc = NULL; /* owned by the client now, freed by session_client_free */
out:
    session_ctx_free(sc);
    return c;
}

void session_client_free(struct aws_client *c)
{
    if (!c)
        return;
    struct session_ctx *sc = aws_client_creds_ctx(c);
    aws_client_free(c);
    session_ctx_free(sc);
}
