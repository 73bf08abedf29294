/* creds.h — the AWS CLI's credential provider chain.
 *
 * Order (botocore create_credential_resolver, NOTES §4):
 *   1. environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *      or AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION) — skipped when the
 *      profile was given with --profile;
 *   2. assume role from the profile (role_arn + source_profile, recursively,
 *      or credential_source = Environment | Ec2InstanceMetadata | EcsContainer);
 *   3. web identity (env AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      [+ AWS_ROLE_SESSION_NAME], env skipped with --profile; else the
 *      profile's web_identity_token_file + role_arn), token file re-read on
 *      every refresh;
 *   4. the shared credentials file;  5. credential_process;
 *   6. the config file's static keys;
 *   7. ECS container credentials;  8. EC2 instance metadata (IMDSv2, v1 fallback).
 * (IAM Identity Center / SSO and the legacy boto2 files are not supported.)
 *
 * A provider that is configured but fails (a bad credential_process, an
 * unreachable container endpoint, a broken assume-role setup) is an error
 * naming it; only instance metadata falls through quietly, as in botocore.
 * When nothing is found the error (ERR_CONFIG) lists what was tried.  No
 * message ever contains a secret key, session token or web identity token.
 *
 * STS is reached only through the callbacks in struct creds_sts_ops, so this
 * module does not depend on the client.
 */
#ifndef ALBCHECK_AWS_CREDS_H
#define ALBCHECK_AWS_CREDS_H

#include <stdbool.h>
#include <stdint.h>

#include "aws/aws.h"
#include "aws/config.h"
#include "util/err.h"

/* Refresh windows (botocore): try a refresh 15 min before expiry (a failure
 * keeps the current keys), insist 10 min before (a failure is an error). */
#define CREDS_ADVISORY_REFRESH_S (15 * 60)
#define CREDS_MANDATORY_REFRESH_S (10 * 60)

/* The STS calls the chain needs.  Each fills *out with new credentials
 * (access key, secret, session token, expiration_s; source may stay NULL)
 * or returns -1 with e set.  session_name is never NULL (a default
 * "albcheck-<epoch>" is made up); external_id may be NULL; duration_s 0
 * means "not given". */
struct creds_sts_ops {
    /* AssumeRole signed with the source credentials. */
    int (*assume_role)(void *ctx, const struct aws_creds *source, const char *role_arn,
                       const char *session_name, const char *external_id, int duration_s,
                       struct aws_creds *out, struct err *e);
    /* AssumeRoleWithWebIdentity (unsigned; the token is the credential). */
    int (*assume_role_with_web_identity)(void *ctx, const char *role_arn,
                                         const char *session_name, const char *token,
                                         int duration_s, struct aws_creds *out, struct err *e);
    void *ctx;
};

struct creds_chain_opts {
    /* Profile, whether it was explicit, and both files.  Borrowed: must
     * outlive the chain. */
    const struct aws_settings *settings;
    struct creds_sts_ops sts;
    long (*clock_s)(void);         /* epoch seconds; NULL → time() */
    void (*sleep_ms)(long ms);     /* between container retries; NULL → nanosleep */
    long imds_timeout_ms;          /* 0 → 1000 (botocore: 1 s) */
    long container_timeout_ms;     /* 0 → 2000 (botocore: 2 s) */
    int container_attempts;        /* 0 → 3 (network errors and 5xx only), 1 s apart */
    long process_timeout_ms;       /* credential_process; 0 → 60000 */
};

struct creds_chain;

/* A new chain (caller frees with creds_chain_free), or NULL with e set.
 * Nothing is looked up until the first get (or creds_chain_resolve). */
struct creds_chain *creds_chain_new(const struct creds_chain_opts *opts, struct err *e);
void creds_chain_free(struct creds_chain *c);
/* The source to put in aws_client_opts.creds; valid while the chain lives.
 * get() is thread-safe, caches, and refreshes temporary credentials. */
struct aws_creds_source creds_chain_source(struct creds_chain *c);
/* Get credentials now (what the source's get does): *out is a new deep copy
 * (aws_creds_cleanup), out->source names the provider. */
int creds_chain_get(struct creds_chain *c, struct aws_creds *out, struct err *e);

/* A source that always hands out a copy of *creds (borrowed; must outlive
 * the source) — e.g. for the short-lived client that signs AssumeRole. */
struct aws_creds_source creds_static_source(const struct aws_creds *creds);

/* Parse an ISO 8601 / RFC 3339 UTC time ("2026-11-28T13:00:00Z", fractions
 * and ±hh:mm offsets accepted) into epoch seconds.  0, or -1 when malformed. */
int creds_parse_time(const char *s, int64_t *out_s);

/* --- providers, exposed for tests and for the chain's own files ---------- */

/* Run `/bin/sh -c cmd` (stdin /dev/null, stdout capped at 64 KiB, killed
 * after timeout_ms) and parse its JSON (Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken, Expiration).  what names the
 * source in messages ("credential_process (profile dev)"). */
int creds_process_fetch(const char *cmd, long timeout_ms, const char *what, struct aws_creds *out,
                        struct err *e);

/* Result of an HTTP provider that may "not apply" rather than fail. */
enum creds_found { CREDS_ERROR = -1, CREDS_NOT_FOUND = 0, CREDS_FOUND = 1 };

struct creds_http_opts {
    long timeout_ms;
    int attempts;
    void (*sleep_ms)(long ms);
};
/* ECS/EKS container credentials from the environment.  CREDS_NOT_FOUND with
 * *why "not configured" when neither URI variable is set; a configured
 * endpoint that fails is CREDS_ERROR. */
enum creds_found creds_container_fetch(const struct creds_http_opts *o, struct aws_creds *out,
                                       char **why, struct err *e);
/* EC2 instance metadata.  base_url NULL → AWS_EC2_METADATA_SERVICE_ENDPOINT,
 * the profile's ec2_metadata_service_endpoint (cfg/profile may be NULL), the
 * endpoint mode, else http://169.254.169.254.  Unreachable or answering
 * without credentials → CREDS_NOT_FOUND with *why (new string) saying why. */
enum creds_found creds_imds_fetch(const struct creds_http_opts *o, const struct aws_config *cfg,
                                  const char *profile, struct aws_creds *out, char **why,
                                  struct err *e);
/* Is this container-credentials URL allowed (https, a loopback address, or
 * 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost)? */
bool creds_container_url_allowed(const char *url);

#endif
