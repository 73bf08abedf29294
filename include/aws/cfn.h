/* cfn.h — the one CloudFormation call discovery needs: DescribeStackResources.
 *
 * Discovery finds a stack's load balancer as the resource whose type is
 * AWS::ElasticLoadBalancingV2::LoadBalancer (its physical id is the ARN).
 * Parser pure, as in elbv2.h; a malformed answer is an ERR_PARSE error naming
 * the operation and the field.
 */
#ifndef ALBCHECK_AWS_CFN_H
#define ALBCHECK_AWS_CFN_H

#include <libxml/tree.h>
#include <stddef.h>

#include "aws/client.h"
#include "util/err.h"

struct cfn_resource {
    char *logical_id;
    char *physical_id;      /* NULL while the resource is being created */
    char *type;             /* "AWS::ElasticLoadBalancingV2::LoadBalancer" */
    char *status;           /* CREATE_COMPLETE, … */
};

void cfn_resource_cleanup(struct cfn_resource *r);
void cfn_free_resources(struct cfn_resource *v, size_t n);

/* Appends the stack's resources to (*out, *n). */
int cfn_parse_stack_resources(xmlDocPtr doc, struct cfn_resource **out, size_t *n,
                              struct err *e);
/* New array on success (caller frees with cfn_free_resources); NULL/0 on failure. */
int cfn_describe_stack_resources(struct aws_client *c, const char *stack_name,
                                 struct cfn_resource **out, size_t *n, struct err *e);
/* The first resource of this type (borrowed), or NULL. */
const struct cfn_resource *cfn_find_type(const struct cfn_resource *v, size_t n,
                                         const char *type);

#endif
