/* aws.h — what every part of the AWS client shares: services, credentials.
 *
 * The services albcheck talks to, their wire protocol and SigV4 signing name,
 * and the credentials type handed from the provider chain (aws/creds.h) to the
 * client (aws/client.h).  The client never knows where credentials come from:
 * it asks a struct aws_creds_source before signing each request.
 */
#ifndef ALBCHECK_AWS_AWS_H
#define ALBCHECK_AWS_AWS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

enum aws_service {
    AWS_SVC_ELBV2 = 0,      /* Query, XML;  "elasticloadbalancing" */
    AWS_SVC_ECS,            /* JSON 1.1;    "ecs" */
    AWS_SVC_LOGS,           /* JSON 1.1;    "logs" */
    AWS_SVC_STS,            /* Query, XML;  "sts" */
    AWS_SVC_CFN,            /* Query, XML;  "cloudformation" (DescribeStackResources) */
    AWS_SVC_COUNT
};

enum aws_protocol {
    AWS_PROTO_QUERY,
    AWS_PROTO_JSON11,
};

struct aws_service_info {
    enum aws_service svc;
    const char *short_name;     /* for traces and call counts: "ELBv2", "ECS", "Logs", "STS", "CloudFormation" */
    const char *signing_name;   /* SigV4 service name */
    const char *endpoint_prefix;/* host prefix: "elasticloadbalancing", "ecs", "logs", "sts", "cloudformation" */
    const char *env_suffix;     /* AWS_ENDPOINT_URL_<suffix> */
    const char *config_key;     /* services-section key: "elastic_load_balancing_v2", … */
    enum aws_protocol protocol;
    const char *api_version;    /* Query: Version=…; NULL for JSON */
    const char *xml_ns;         /* Query: response namespace */
    const char *json_target_prefix; /* JSON: X-Amz-Target prefix */
};

/* Static table entry for svc (never NULL for a valid svc). */
const struct aws_service_info *aws_service_info(enum aws_service svc);

struct aws_creds {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;        /* NULL for long-term keys */
    int64_t expiration_s;       /* epoch seconds; 0 = does not expire */
    char *source;               /* which provider gave them: "environment", "profile dev", … */
};

void aws_creds_cleanup(struct aws_creds *c);
/* Deep copy src into dst (dst must be empty/cleaned). */
void aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src);

/* Where the client gets credentials.  get() fills *out with a new deep copy
 * (the caller runs aws_creds_cleanup) and must be safe to call from several
 * threads; implementations cache and refresh before expiry.  A source whose
 * get is NULL means "unsigned requests" (AssumeRoleWithWebIdentity). */
struct aws_creds_source {
    int (*get)(void *ctx, struct aws_creds *out, struct err *e);
    void *ctx;
};

#endif
