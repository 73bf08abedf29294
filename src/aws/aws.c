/* aws.c — the service table and credential helpers (see aws.h). */
#include "aws/aws.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static const struct aws_service_info services[AWS_SVC_COUNT] = {
    [AWS_SVC_ELBV2] = {AWS_SVC_ELBV2, "ELBv2", "elasticloadbalancing", "elasticloadbalancing",
                       "ELASTIC_LOAD_BALANCING_V2", "elastic_load_balancing_v2", AWS_PROTO_QUERY,
                       "2015-12-01", "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
                       NULL},
    [AWS_SVC_ECS] = {AWS_SVC_ECS, "ECS", "ecs", "ecs", "ECS", "ecs", AWS_PROTO_JSON11, NULL, NULL,
                     "AmazonEC2ContainerServiceV20141113"},
    [AWS_SVC_LOGS] = {AWS_SVC_LOGS, "Logs", "logs", "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs",
                      AWS_PROTO_JSON11, NULL, NULL, "Logs_20140328"},
    [AWS_SVC_STS] = {AWS_SVC_STS, "STS", "sts", "sts", "STS", "sts", AWS_PROTO_QUERY, "2011-06-15",
                     "https://sts.amazonaws.com/doc/2011-06-15/", NULL},
    [AWS_SVC_CFN] = {AWS_SVC_CFN, "CloudFormation", "cloudformation", "cloudformation",
                     "CLOUDFORMATION", "cloudformation", AWS_PROTO_QUERY, "2010-05-15",
                     "http://cloudformation.amazonaws.com/doc/2010-05-15/", NULL},
};

const struct aws_service_info *aws_service_info(enum aws_service svc)
{
    if ((unsigned)svc >= AWS_SVC_COUNT)
        return NULL;
    return &services[svc];
}

void aws_creds_cleanup(struct aws_creds *c)
{
    if (!c)
        return;
    /* Wipe secrets before freeing so they do not linger in freed memory. */
    if (c->secret_access_key)
        memset(c->secret_access_key, 0, strlen(c->secret_access_key));
    if (c->session_token)
        memset(c->session_token, 0, strlen(c->session_token));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    free(c->source);
    memset(c, 0, sizeof *c);
}

void aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
    dst->access_key_id = xstrdup(src->access_key_id);
    dst->secret_access_key = xstrdup(src->secret_access_key);
    dst->session_token = xstrdup(src->session_token);
    dst->expiration_s = src->expiration_s;
    dst->source = xstrdup(src->source);
}
