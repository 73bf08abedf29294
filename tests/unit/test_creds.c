/* test_creds.c — the credential provider chain: order and precedence, the
 * explicit-profile rule, assume-role chains (source_profile, cycles,
 * credential_source), web identity, refresh timing on a fake clock, the
 * "tried" message, and that no secret reaches a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

extern char **environ;

static char tmpdir[256];
static char config_path[300], creds_path[300], token_path[300];
static long fake_now;

static long fake_clock(void)
{
    return fake_now;
}

/* ------------------------------------------------------------ fake STS */

struct sts_call {
    char kind[8];          /* "AR" or "WI" */
    char role_arn[128], session[128], external_id[64], source_key[64], token[128];
    int duration_s;
};

static struct {
    pthread_mutex_t mu;
    struct sts_call calls[16];
    int n;
    int fail;              /* make the next calls fail */
    long lifetime_s;       /* expiration = fake_now + lifetime_s */
} sts = {.mu = PTHREAD_MUTEX_INITIALIZER, .lifetime_s = 3600};

static int fake_answer(const char *kind, struct aws_creds *out, struct err *e)
{
    if (sts.fail)
        return err_set(e, ERR_AWS, "AccessDenied: not allowed");
    out->access_key_id = xasprintf("ASIA%s%d", kind, sts.n - 1);
    out->secret_access_key = xasprintf("sts-secret-%d", sts.n - 1);
    out->session_token = xasprintf("sts-token-%d", sts.n - 1);
    out->expiration_s = fake_now + sts.lifetime_s;
    return 0;
}

static int fake_assume_role(void *ctx, const struct aws_creds *source, const char *role_arn,
                            const char *session_name, const char *external_id, int duration_s,
                            struct aws_creds *out, struct err *e)
{
    (void)ctx;
    pthread_mutex_lock(&sts.mu);
    struct sts_call *c = &sts.calls[sts.n++ % 16];
    memset(c, 0, sizeof *c);
    snprintf(c->kind, sizeof c->kind, "AR");
    snprintf(c->role_arn, sizeof c->role_arn, "%s", role_arn);
    snprintf(c->session, sizeof c->session, "%s", session_name);
    snprintf(c->external_id, sizeof c->external_id, "%s", external_id ? external_id : "-");
    snprintf(c->source_key, sizeof c->source_key, "%s", source->access_key_id);
    c->duration_s = duration_s;
    int rc = fake_answer("AR", out, e);
    pthread_mutex_unlock(&sts.mu);
    return rc;
}

static int fake_assume_web(void *ctx, const char *role_arn, const char *session_name,
                           const char *token, int duration_s, struct aws_creds *out, struct err *e)
{
    (void)ctx;
    pthread_mutex_lock(&sts.mu);
    struct sts_call *c = &sts.calls[sts.n++ % 16];
    memset(c, 0, sizeof *c);
    snprintf(c->kind, sizeof c->kind, "WI");
    snprintf(c->role_arn, sizeof c->role_arn, "%s", role_arn);
    snprintf(c->session, sizeof c->session, "%s", session_name);
    snprintf(c->token, sizeof c->token, "%s", token);
    c->duration_s = duration_s;
    int rc = fake_answer("WI", out, e);
    pthread_mutex_unlock(&sts.mu);
    return rc;
}

/* ------------------------------------------------------------ fixture */

static void clear_aws_env(void)
{
    for (;;) {
        char *name = NULL;
        for (char **ep = environ; *ep; ep++)
            if (strncmp(*ep, "AWS_", 4) == 0) {
                name = xstrndup(*ep, strcspn(*ep, "="));
                break;
            }
        if (!name)
            break;
        unsetenv(name);
        free(name);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &l);
    close(s);
    return ntohs(a.sin_port);
}

static char imds_url[64];

static int setup(void **state)
{
    (void)state;
    clear_aws_env();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/albcheck-test-creds-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    setenv("HOME", tmpdir, 1);
    snprintf(config_path, sizeof config_path, "%s/config", tmpdir);
    snprintf(creds_path, sizeof creds_path, "%s/credentials", tmpdir);
    snprintf(token_path, sizeof token_path, "%s/token", tmpdir);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    setenv("AWS_REGION", "us-east-1", 1);
    /* Never reach a real metadata service: a closed loopback port. */
    snprintf(imds_url, sizeof imds_url, "http://127.0.0.1:%d", closed_port());
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url, 1);
    fake_now = 1800000000;
    sts.n = 0;
    sts.fail = 0;
    sts.lifetime_s = 3600;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(config_path);
    unlink(creds_path);
    unlink(token_path);
    rmdir(tmpdir);
    clear_aws_env();
    return 0;
}

struct harness {
    struct aws_settings st;
    struct creds_chain *chain;
};

static int harness_init(struct harness *h, const char *explicit_profile, struct err *e)
{
    struct aws_settings_input in = {0};
    in.profile = explicit_profile;
    in.profile_explicit = explicit_profile != NULL;
    memset(h, 0, sizeof *h);
    if (aws_settings_resolve(&in, &h->st, e) < 0)
        return -1;
    struct creds_chain_opts o = {0};
    o.settings = &h->st;
    o.clock_s = fake_clock;
    o.sts.assume_role = fake_assume_role;
    o.sts.assume_role_with_web_identity = fake_assume_web;
    o.imds_timeout_ms = 500;
    o.container_timeout_ms = 200;
    o.container_attempts = 1;
    h->chain = creds_chain_new(&o, e);
    return h->chain ? 0 : -1;
}

static void harness_cleanup(struct harness *h)
{
    creds_chain_free(h->chain);
    aws_settings_cleanup(&h->st);
}

/* Resolve with the given explicit profile (or none) and return the result. */
static int get_creds(const char *explicit_profile, struct aws_creds *out, struct err *e)
{
    struct harness h;
    err_clear(e);
    memset(out, 0, sizeof *out);
    if (harness_init(&h, explicit_profile, e) < 0)
        return -1;
    int rc = creds_chain_get(h.chain, out, e);
    harness_cleanup(&h);
    return rc;
}

static void assert_no_secret(const char *msg)
{
    static const char *const secrets[] = {"SECRET", "sts-secret", "sts-token", "tok-"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(msg, secrets[i]))
            fail_msg("secret-looking text '%s' in message: %s", secrets[i], msg);
}

/* ------------------------------------------------------------ tests */

static void env_credentials(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
    setenv("AWS_SESSION_TOKEN", "ENVTOKEN", 1);
    assert_int_equal(get_creds(NULL, &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDENV");
    assert_string_equal(c.secret_access_key, "ENVSECRET");
    assert_string_equal(c.session_token, "ENVTOKEN");
    assert_string_equal(c.source, "environment");
    assert_int_equal(c.expiration_s, 0);
    aws_creds_cleanup(&c);

    setenv("AWS_CREDENTIAL_EXPIRATION", "2027-01-15T08:00:00Z", 1);
    assert_int_equal(get_creds(NULL, &c, &e), 0);
    assert_int_equal(c.expiration_s, 1800000000);
    aws_creds_cleanup(&c);

    unsetenv("AWS_CREDENTIAL_EXPIRATION");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_string_equal(e.msg, "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY "
                               "is not");
}

static void precedence_and_explicit_profile(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    write_file(creds_path, "[default]\naws_access_key_id = AKIDFILE\n"
                           "aws_secret_access_key = FILESECRET\n"
                           "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = DEVSECRET\n"
                           "aws_session_token = DEVTOKEN\n");
    write_file(config_path, "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = C\n"
                            "[profile cfgonly]\naws_access_key_id = AKIDCFGONLY\n"
                            "aws_secret_access_key = C2\n"
                            "[profile proc]\ncredential_process = printf '{\"Version\":1,"
                            "\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"P\"}'\n"
                            "aws_access_key_id = AKIDSHADOWED\naws_secret_access_key = X\n");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);

    /* Environment first; AWS_PROFILE does not skip it. */
    setenv("AWS_PROFILE", "dev", 1);
    assert_int_equal(get_creds(NULL, &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDENV");
    aws_creds_cleanup(&c);
    unsetenv("AWS_PROFILE");

    /* --profile skips the environment. */
    assert_int_equal(get_creds("dev", &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDDEV");
    assert_string_equal(c.session_token, "DEVTOKEN");
    assert_string_equal(c.source, "shared credentials file (profile dev)");
    aws_creds_cleanup(&c);

    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    /* Credentials file before config file. */
    assert_int_equal(get_creds(NULL, &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDFILE");
    aws_creds_cleanup(&c);
    assert_int_equal(get_creds("cfgonly", &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDCFGONLY");
    assert_string_equal(c.source, "config file (profile cfgonly)");
    aws_creds_cleanup(&c);
    /* credential_process before the config file's keys. */
    assert_int_equal(get_creds("proc", &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDPROC");
    assert_string_equal(c.source, "credential_process (profile proc)");
    aws_creds_cleanup(&c);

    /* A key id without its secret is an error, and names no secret. */
    write_file(creds_path, "[default]\naws_access_key_id = AKIDHALF\n");
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "has aws_access_key_id but no aws_secret_access_key"));
}

static void assume_role_source_profile(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    write_file(creds_path, "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BSECRET\n");
    write_file(config_path,
               "[profile ops]\nrole_arn = arn:aws:iam::111:role/ops\nsource_profile = base\n"
               "external_id = ext-42\nrole_session_name = sess-ops\nduration_seconds = 1800\n"
               "[profile top]\nrole_arn = arn:aws:iam::222:role/top\nsource_profile = ops\n");
    assert_int_equal(get_creds("ops", &c, &e), 0);
    assert_int_equal(sts.n, 1);
    assert_string_equal(sts.calls[0].kind, "AR");
    assert_string_equal(sts.calls[0].role_arn, "arn:aws:iam::111:role/ops");
    assert_string_equal(sts.calls[0].session, "sess-ops");
    assert_string_equal(sts.calls[0].external_id, "ext-42");
    assert_int_equal(sts.calls[0].duration_s, 1800);
    assert_string_equal(sts.calls[0].source_key, "AKIDBASE");
    assert_string_equal(c.access_key_id, "ASIAAR0");
    assert_string_equal(c.source, "assume role arn:aws:iam::111:role/ops via profile base");
    assert_int_equal(c.expiration_s, fake_now + 3600);
    aws_creds_cleanup(&c);

    /* Two hops: top <- ops <- base.  ops is assumed first, its keys sign top's call. */
    sts.n = 0;
    assert_int_equal(get_creds("top", &c, &e), 0);
    assert_int_equal(sts.n, 2);
    assert_string_equal(sts.calls[0].role_arn, "arn:aws:iam::111:role/ops");
    assert_string_equal(sts.calls[0].source_key, "AKIDBASE");
    assert_string_equal(sts.calls[1].role_arn, "arn:aws:iam::222:role/top");
    assert_string_equal(sts.calls[1].source_key, "ASIAAR0");
    assert_string_equal(sts.calls[1].external_id, "-");
    assert_int_equal(sts.calls[1].duration_s, 0);
    assert_true(strncmp(sts.calls[1].session, "albcheck-", 9) == 0);
    assert_string_equal(c.source, "assume role arn:aws:iam::222:role/top via profile ops");
    aws_creds_cleanup(&c);

    /* Environment keys come before a role profile chosen by AWS_PROFILE. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
    setenv("AWS_PROFILE", "ops", 1);
    assert_int_equal(get_creds(NULL, &c, &e), 0);
    assert_string_equal(c.access_key_id, "AKIDENV");
    aws_creds_cleanup(&c);
}

static void assume_role_errors(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    static const struct { const char *profile, *want; } cases[] = {
        {"loop-a", "source_profile loop: loop-a -> loop-b -> loop-a"},
        {"self-nokeys", "source_profile loop: self-nokeys -> self-nokeys"},
        {"both", "profile 'both' has both source_profile and credential_source"},
        {"neither", "profile 'neither' has role_arn but neither source_profile nor credential_source"},
        {"missing-src", "profile 'missing-src': source_profile 'ghost' does not exist"},
        {"bad-cs", "credential_source 'Magic' is not valid"},
        {"empty-src", "profile 'empty-src': source_profile 'empty' has no credentials"},
        {"bad-duration", "duration_seconds must be a whole number from 900 to 43200"},
        {"ecs-cs", "credential_source EcsContainer, but neither"},
    };
    write_file(config_path,
               "[profile loop-a]\nrole_arn = arn:a\nsource_profile = loop-b\n"
               "[profile loop-b]\nrole_arn = arn:b\nsource_profile = loop-a\n"
               "[profile self-nokeys]\nrole_arn = arn:s\nsource_profile = self-nokeys\n"
               "[profile both]\nrole_arn = arn:x\nsource_profile = a\ncredential_source = Environment\n"
               "[profile neither]\nrole_arn = arn:x\n"
               "[profile missing-src]\nrole_arn = arn:x\nsource_profile = ghost\n"
               "[profile bad-cs]\nrole_arn = arn:x\ncredential_source = Magic\n"
               "[profile empty]\nregion = r\n"
               "[profile empty-src]\nrole_arn = arn:x\nsource_profile = empty\n"
               "[profile bad-duration]\nrole_arn = arn:x\nsource_profile = empty\nduration_seconds = 5\n"
               "[profile ecs-cs]\nrole_arn = arn:x\ncredential_source = EcsContainer\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(get_creds(cases[i].profile, &c, &e), -1);
        assert_int_equal(e.code, ERR_CONFIG);
        if (!strstr(e.msg, cases[i].want))
            fail_msg("%s: '%s' lacks '%s'", cases[i].profile, e.msg, cases[i].want);
    }
    assert_int_equal(sts.n, 0);
}

static void assume_role_self_and_credential_source(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    write_file(config_path,
               "[profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n"
               "aws_access_key_id = AKIDSELF\naws_secret_access_key = SELFSECRET\n"
               "[profile envsrc]\nrole_arn = arn:aws:iam::1:role/env\ncredential_source = environment\n");
    /* A profile may source its own static keys. */
    assert_int_equal(get_creds("self", &c, &e), 0);
    assert_string_equal(sts.calls[0].source_key, "AKIDSELF");
    assert_string_equal(c.source, "assume role arn:aws:iam::1:role/self via profile self");
    aws_creds_cleanup(&c);

    /* credential_source Environment works even though --profile skips the env provider. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
    sts.n = 0;
    assert_int_equal(get_creds("envsrc", &c, &e), 0);
    assert_int_equal(sts.n, 1);
    assert_string_equal(sts.calls[0].source_key, "AKIDENV");
    assert_string_equal(c.source, "assume role arn:aws:iam::1:role/env via credential_source environment");
    aws_creds_cleanup(&c);

    /* STS refusing is an error naming the provider. */
    sts.fail = 1;
    assert_int_equal(get_creds("envsrc", &c, &e), -1);
    assert_int_equal(e.code, ERR_AWS);
    assert_string_equal(e.msg, "assume role arn:aws:iam::1:role/env via credential_source "
                               "environment: AccessDenied: not allowed");
}

static void web_identity_env_and_refresh(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    struct harness h;
    write_file(token_path, "tok-one\n");
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_path, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::9:role/gha", 1);
    setenv("AWS_ROLE_SESSION_NAME", "ci-run", 1);
    assert_int_equal(harness_init(&h, NULL, &e), 0);

    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_int_equal(sts.n, 1);
    assert_string_equal(sts.calls[0].kind, "WI");
    assert_string_equal(sts.calls[0].role_arn, "arn:aws:iam::9:role/gha");
    assert_string_equal(sts.calls[0].session, "ci-run");
    assert_string_equal(sts.calls[0].token, "tok-one");
    assert_string_equal(c.source, "web identity (role arn:aws:iam::9:role/gha)");
    aws_creds_cleanup(&c);

    /* The issuer rotates the token file; the refresh must read the new one. */
    write_file(token_path, "tok-two");
    fake_now += 3600 - 15 * 60 - 1; /* 15 min + 1 s left: still cached (botocore) */
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_int_equal(sts.n, 1);
    assert_string_equal(c.access_key_id, "ASIAWI0");
    aws_creds_cleanup(&c);
    fake_now += 2; /* inside the advisory window */
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_int_equal(sts.n, 2);
    assert_string_equal(sts.calls[1].token, "tok-two");
    assert_string_equal(c.access_key_id, "ASIAWI1");
    aws_creds_cleanup(&c);
    harness_cleanup(&h);

    /* With --profile the env settings are ignored; the profile's are used. */
    FILE *f = fopen(config_path, "w");
    fprintf(f, "[profile wi]\nweb_identity_token_file = %s\nrole_arn = arn:aws:iam::9:role/prof\n",
            token_path);
    fclose(f);
    sts.n = 0;
    assert_int_equal(get_creds("wi", &c, &e), 0);
    assert_string_equal(sts.calls[0].role_arn, "arn:aws:iam::9:role/prof");
    assert_true(strncmp(sts.calls[0].session, "albcheck-", 9) == 0);
    aws_creds_cleanup(&c);

    /* A token file that cannot be read is an error, not a fall-through. */
    unlink(token_path);
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    assert_non_null(strstr(e.msg, "web identity token file"));

    /* Token file without a role. */
    unsetenv("AWS_ROLE_ARN");
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    assert_non_null(strstr(e.msg, "no role"));
}

static void refresh_windows(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    struct harness h;
    FILE *lf = fopen("/dev/null", "w");
    log_set_stream(lf);
    write_file(creds_path, "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = S\n");
    write_file(config_path, "[default]\nrole_arn = arn:r\nsource_profile = base\n");
    assert_int_equal(harness_init(&h, NULL, &e), 0);
    long t0 = fake_now;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_string_equal(c.access_key_id, "ASIAAR0");
    aws_creds_cleanup(&c);

    /* Advisory window: a failed refresh keeps the current keys. */
    sts.fail = 1;
    fake_now = t0 + 3600 - 12 * 60;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_string_equal(c.access_key_id, "ASIAAR0");
    assert_int_equal(sts.n, 2);
    aws_creds_cleanup(&c);

    /* 10 min + 1 s left is still advisory: old keys again. */
    fake_now = t0 + 3600 - 10 * 60 - 1;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_string_equal(c.access_key_id, "ASIAAR0");
    assert_int_equal(sts.n, 3);
    aws_creds_cleanup(&c);

    /* Mandatory window (under 10 min left): a failed refresh is an error. */
    fake_now = t0 + 3600 - 10 * 60 + 1;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), -1);
    assert_int_equal(e.code, ERR_AWS);
    assert_int_equal(sts.n, 4);

    /* It recovers: a successful refresh replaces the keys. */
    sts.fail = 0;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), 0);
    assert_string_equal(c.access_key_id, "ASIAAR4");
    assert_int_equal(c.expiration_s, fake_now + 3600);
    aws_creds_cleanup(&c);

    /* Refreshed credentials that are already expired are refused. */
    sts.lifetime_s = -5;
    fake_now += 3600 - 9 * 60;
    assert_int_equal(creds_chain_get(h.chain, &c, &e), -1);
    assert_non_null(strstr(e.msg, "already expired"));
    harness_cleanup(&h);
    log_set_stream(stderr);
    fclose(lf);
}

static void *getter(void *arg)
{
    struct creds_chain *chain = arg;
    for (int i = 0; i < 50; i++) {
        struct aws_creds c;
        struct err e;
        if (creds_chain_get(chain, &c, &e) < 0)
            return (void *)1;
        aws_creds_cleanup(&c);
    }
    return NULL;
}

static void concurrent_gets_fetch_once(void **state)
{
    (void)state;
    struct harness h;
    struct err e;
    write_file(creds_path, "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = S\n");
    write_file(config_path, "[default]\nrole_arn = arn:r\nsource_profile = base\n");
    assert_int_equal(harness_init(&h, NULL, &e), 0);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, getter, h.chain);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    assert_int_equal(sts.n, 1);
    harness_cleanup(&h);
}

static void nothing_found_lists_sources(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    write_file(config_path, "[default]\nregion = us-east-1\n");
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    char want[1024];
    snprintf(want, sizeof want,
             "no AWS credentials found; tried: environment, web identity, shared credentials file "
             "%s (profile default: no such file), config file %s (profile default: no "
             "aws_access_key_id), container credentials (not configured), instance metadata "
             "(%s: connection refused)", creds_path, config_path, imds_url);
    assert_string_equal(e.msg, want);

    write_file(creds_path, "[other]\naws_access_key_id = A\naws_secret_access_key = SECRET1\n");
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    assert_int_equal(get_creds("other", &c, &e), 0);
    aws_creds_cleanup(&c);
    write_file(config_path, "[profile p]\n");
    assert_int_equal(get_creds("p", &c, &e), -1);
    assert_non_null(strstr(e.msg, "environment (skipped: profile given with --profile)"));
    assert_non_null(strstr(e.msg, "(profile p: not found)"));
    assert_non_null(strstr(e.msg, "instance metadata (disabled by AWS_EC2_METADATA_DISABLED)"));
    assert_no_secret(e.msg);
}

static void process_provider_errors(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    static const struct { const char *cmd, *want; } cases[] = {
        {"echo SECRETOUT; exit 0", "output is not a JSON object"},
        {"echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'", "no SecretAccessKey"},
        {"echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETX\","
         "\"Expiration\":\"soon\"}'", "Expiration is not an ISO 8601 time"},
        {"echo oops >&2; exit 4", "credential_process (profile default) exited with status 4: oops"},
        {"kill -9 $$", "was killed by signal 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(config_path, "w");
        fprintf(f, "[default]\ncredential_process = %s\n", cases[i].cmd);
        fclose(f);
        assert_int_equal(get_creds(NULL, &c, &e), -1);
        if (!strstr(e.msg, cases[i].want))
            fail_msg("'%s': '%s' lacks '%s'", cases[i].cmd, e.msg, cases[i].want);
        assert_no_secret(e.msg);
    }
}

static void container_relative_uri(void **state)
{
    (void)state;
    struct aws_creds c;
    struct err e;
    /* The relative URI wins over the full one and goes to 169.254.170.2,
     * which is not reachable here: a configured source that fails is an
     * error naming it (no fall-through to instance metadata). */
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/full", 1);
    assert_int_equal(get_creds(NULL, &c, &e), -1);
    if (strncmp(e.msg, "container credentials: http://169.254.170.2/v2/credentials/abc", 62) != 0)
        fail_msg("%s", e.msg);
    assert_null(strstr(e.msg, "tried"));
}

static void parse_times(void **state)
{
    (void)state;
    static const struct { const char *s; int64_t want; int rc; } cases[] = {
        {"2026-11-28T13:00:00Z", 1795870800, 0},
        {"2026-11-28T13:00:00.123Z", 1795870800, 0},
        {"2026-11-28T14:00:00+01:00", 1795870800, 0},
        {"2026-11-28T08:00:00-0500", 1795870800, 0},
        {"2026-11-28 13:00:00Z", 1795870800, 0},
        {"2026-11-28T13:00:00", 0, -1},
        {"2026-13-28T13:00:00Z", 0, -1},
        {"tomorrow", 0, -1},
        {"2026-11-28T13:00:00Zjunk", 0, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = 0;
        int rc = creds_parse_time(cases[i].s, &t);
        if (rc != cases[i].rc || (rc == 0 && t != cases[i].want))
            fail_msg("%s: rc %d t %lld", cases[i].s, rc, (long long)t);
    }
}

static void container_url_check(void **state)
{
    (void)state;
    static const struct { const char *url; bool ok; } cases[] = {
        {"http://127.0.0.1:8080/creds", true},
        {"http://127.9.9.9/x", true},
        {"http://[::1]:80/x", true},
        {"http://localhost/x", true},
        {"http://169.254.170.2/v2/creds", true},
        {"http://169.254.170.23/v1/credentials", true},
        {"http://[fd00:ec2::23]/v1/credentials", true},
        {"https://creds.example.com/x", true},
        {"http://creds.example.com/x", false},
        {"http://10.0.0.1/x", false},
        {"http://169.254.169.254/x", false},
        {"ftp://127.0.0.1/x", false},
        {"not a url", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (creds_container_url_allowed(cases[i].url) != cases[i].ok)
            fail_msg("%s: expected %s", cases[i].url, cases[i].ok ? "allowed" : "refused");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(env_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(precedence_and_explicit_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(assume_role_source_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(assume_role_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(assume_role_self_and_credential_source, setup, teardown),
        cmocka_unit_test_setup_teardown(web_identity_env_and_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(refresh_windows, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_gets_fetch_once, setup, teardown),
        cmocka_unit_test_setup_teardown(nothing_found_lists_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(process_provider_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(container_relative_uri, setup, teardown),
        cmocka_unit_test(parse_times),
        cmocka_unit_test(container_url_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
