/* creds_probe.c — resolve settings and credentials as the CLI does, and
 * print what was found: region, profile, endpoints, the provider, the access
 * key id, a SHA-256 of the secret (never the secret) and the expiration.
 *
 *   creds_probe [--region R] [--profile P] [--endpoint-url U]
 *               [--gets N] [--advance SECONDS] [--fake-sts]
 *               [--container-attempts N] [--timeout-ms MS] [--process-timeout-ms MS]
 *
 * --gets N fetches N times, moving a fake clock forward --advance seconds
 * between fetches (to exercise refresh).  --fake-sts answers AssumeRole and
 * AssumeRoleWithWebIdentity locally, printing their parameters on stderr
 * (tokens as SHA-256), so profile set-ups can be tested without AWS.
 * Exit status: 0, or err_exit_status() of the failure ("error: …" on stderr).
 */
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "util/err.h"
#include "util/xmalloc.h"

static long fake_now;
static int fake_sts_calls;

static long probe_clock(void)
{
    return fake_now;
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void fake_creds(const char *kind, struct aws_creds *out)
{
    fake_sts_calls++;
    out->access_key_id = xasprintf("ASIAFAKE%s%d", kind, fake_sts_calls);
    out->secret_access_key = xasprintf("fake-secret-%d", fake_sts_calls);
    out->session_token = xasprintf("fake-token-%d", fake_sts_calls);
    out->expiration_s = fake_now + 3600;
}

static int fake_assume_role(void *ctx, const struct aws_creds *source, const char *role_arn,
                            const char *session_name, const char *external_id, int duration_s,
                            struct aws_creds *out, struct err *e)
{
    (void)ctx;
    (void)e;
    fprintf(stderr, "sts: AssumeRole role_arn=%s session=%s external_id=%s duration=%d "
            "source_key=%s\n", role_arn, session_name, external_id ? external_id : "-",
            duration_s, source->access_key_id);
    fake_creds("AR", out);
    return 0;
}

static int fake_assume_web(void *ctx, const char *role_arn, const char *session_name,
                           const char *token, int duration_s, struct aws_creds *out,
                           struct err *e)
{
    (void)ctx;
    (void)e;
    char h[65];
    sha256_hex(token, h);
    fprintf(stderr, "sts: AssumeRoleWithWebIdentity role_arn=%s session=%s duration=%d "
            "token_sha256=%s\n", role_arn, session_name, duration_s, h);
    fake_creds("WI", out);
    return 0;
}

static void print_time(const char *label, long t)
{
    if (!t) {
        printf("%s: never\n", label);
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s: %s\n", label, b);
}

int main(int argc, char **argv)
{
    struct aws_settings_input in = {0};
    long gets = 1, advance = 0, container_attempts = 1, timeout_ms = 0, process_timeout_ms = 0;
    bool fake_sts = false;
    static const struct option opts[] = {
        {"region", required_argument, NULL, 'r'},
        {"profile", required_argument, NULL, 'p'},
        {"endpoint-url", required_argument, NULL, 'u'},
        {"gets", required_argument, NULL, 'n'},
        {"advance", required_argument, NULL, 'a'},
        {"fake-sts", no_argument, NULL, 'f'},
        {"container-attempts", required_argument, NULL, 'c'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"process-timeout-ms", required_argument, NULL, 'P'},
        {0, 0, 0, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'r': in.region = optarg; break;
        case 'p': in.profile = optarg; in.profile_explicit = true; break;
        case 'u': in.endpoint_url = optarg; break;
        case 'n': gets = atol(optarg); break;
        case 'a': advance = atol(optarg); break;
        case 'f': fake_sts = true; break;
        case 'c': container_attempts = atol(optarg); break;
        case 't': timeout_ms = atol(optarg); break;
        case 'P': process_timeout_ms = atol(optarg); break;
        default:
            fprintf(stderr, "usage: creds_probe [--region R] [--profile P] [--endpoint-url U] "
                    "[--gets N] [--advance S] [--fake-sts]\n");
            return 2;
        }
    }
    fake_now = (long)time(NULL);

    struct err e;
    err_clear(&e);
    struct aws_settings st;
    if (aws_settings_resolve(&in, &st, &e) < 0) {
        fprintf(stderr, "error: %s: %s\n", err_code_name(e.code), e.msg);
        return err_exit_status(e.code);
    }
    printf("profile: %s (from %s)\n", st.profile, st.profile_from);
    printf("region: %s (from %s)\n", st.region, st.region_from);
    for (int i = 0; i < AWS_SVC_COUNT; i++) {
        const struct aws_service_info *si = aws_service_info((enum aws_service)i);
        printf("endpoint %s: %s (from %s)\n", si->short_name,
               st.endpoints[i] ? st.endpoints[i] : "default",
               st.endpoint_from[i] ? st.endpoint_from[i] : "default");
    }
    printf("sts signing region: %s\n", st.sts_signing_region);
    printf("max attempts: %d\n", st.max_attempts);
    printf("retry mode: %s\n", st.retry_mode == AWS_RETRY_LEGACY ? "legacy"
                               : st.retry_mode == AWS_RETRY_ADAPTIVE ? "adaptive" : "standard");

    struct creds_chain_opts co = {0};
    co.settings = &st;
    co.clock_s = probe_clock;
    co.container_attempts = (int)container_attempts;
    co.imds_timeout_ms = timeout_ms;
    co.container_timeout_ms = timeout_ms;
    co.process_timeout_ms = process_timeout_ms;
    if (fake_sts) {
        co.sts.assume_role = fake_assume_role;
        co.sts.assume_role_with_web_identity = fake_assume_web;
    }
    int rc = 0;
    struct creds_chain *chain = creds_chain_new(&co, &e);
    if (!chain) {
        fprintf(stderr, "error: %s: %s\n", err_code_name(e.code), e.msg);
        aws_settings_cleanup(&st);
        return err_exit_status(e.code);
    }
    struct aws_creds_source src = creds_chain_source(chain);
    for (long i = 0; i < gets; i++) {
        if (i > 0)
            fake_now += advance;
        struct aws_creds c = {0};
        if (src.get(src.ctx, &c, &e) < 0) {
            fprintf(stderr, "error: %s: %s\n", err_code_name(e.code), e.msg);
            rc = err_exit_status(e.code);
            break;
        }
        char h[65];
        sha256_hex(c.secret_access_key, h);
        printf("get %ld\n", i + 1);
        printf("source: %s\n", c.source);
        printf("access_key_id: %s\n", c.access_key_id);
        printf("secret_sha256: %s\n", h);
        if (c.session_token)
            sha256_hex(c.session_token, h);
        printf("session_token_sha256: %s\n", c.session_token ? h : "none");
        print_time("expiration", (long)c.expiration_s);
        aws_creds_cleanup(&c);
    }
    creds_chain_free(chain);
    aws_settings_cleanup(&st);
    return rc;
}
