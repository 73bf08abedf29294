/* sts.h — AWS STS: who am I, and temporary credentials.
 *
 * GetCallerIdentity for `albcheck whoami`; AssumeRole and
 * AssumeRoleWithWebIdentity for the credential provider chain (aws/creds.h).
 * Each call has a separate parse function over the XML answer, so the
 * parsing is tested against samples without a server.
 *
 * AssumeRoleWithWebIdentity is sent unsigned: call it with a client whose
 * credentials source has a NULL get (the OIDC token is the credential).
 */
#ifndef ALBCHECK_AWS_STS_H
#define ALBCHECK_AWS_STS_H

#include <libxml/tree.h>
#include <stdint.h>

#include "aws/aws.h"
#include "aws/client.h"
#include "util/err.h"

struct sts_identity {
    char *account;      /* "123456789012" */
    char *arn;          /* "arn:aws:iam::123456789012:user/Alice" */
    char *user_id;      /* "AIDACKCEVSQ6C2EXAMPLE" */
};

void sts_identity_cleanup(struct sts_identity *id);

/* Read a GetCallerIdentityResponse document into *out (caller cleans up). */
int sts_parse_caller_identity(xmlDocPtr doc, struct sts_identity *out, struct err *e);
/* Call STS GetCallerIdentity. */
int sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct err *e);

/* Read the <Credentials> of an AssumeRole / AssumeRoleWithWebIdentity answer
 * (`op` names the operation for messages) into *out (caller runs
 * aws_creds_cleanup; out->source is left NULL for the provider to set).
 * Expiration is parsed from ISO 8601; the four fields are required. */
int sts_parse_credentials(xmlDocPtr doc, const char *op, struct aws_creds *out, struct err *e);

struct sts_assume_role_params {
    const char *role_arn;       /* required */
    const char *session_name;   /* required */
    const char *external_id;    /* or NULL */
    int duration_s;             /* 0 → STS default (3600) */
};

/* Call STS AssumeRole with the client's (source) credentials. */
int sts_assume_role(struct aws_client *c, const struct sts_assume_role_params *p,
                    struct aws_creds *out, struct err *e);

/* Call STS AssumeRoleWithWebIdentity (unsigned: use a client without
 * credentials) with the OIDC token text. duration_s 0 → STS default. */
int sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
                                      const char *session_name, const char *token,
                                      int duration_s, struct aws_creds *out, struct err *e);

/* Parse an ISO 8601 UTC timestamp as STS and the credential endpoints write
 * it ("2019-11-09T13:34:41Z", optional fraction, 'Z' or ±hh:mm offset) into
 * epoch seconds.  Returns 0, or -1 when s is not one. */
int sts_parse_iso8601(const char *s, int64_t *out_s);

#endif
