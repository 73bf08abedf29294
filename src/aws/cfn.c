/* cfn.c — CloudFormation DescribeStackResources (see cfn.h); the answer is read
 * by the pure parser in cfn_parse.c.
 */
#include "aws/cfn.h"

#include <stdlib.h>
#include <string.h>

int cfn_describe_stack_resources(struct aws_client *c, const char *stack_name,
                                 struct cfn_resource **out, size_t *n, struct err *e)
{
    struct aws_query q;
    xmlDocPtr doc = NULL;
    *out = NULL;
    *n = 0;
    aws_query_init(&q);
    aws_query_add(&q, "StackName", stack_name);
    int rc = aws_query_call(c, AWS_SVC_CFN, "DescribeStackResources", &q, &doc, e);
    if (rc == 0)
        rc = cfn_parse_stack_resources(doc, out, n, e);
    xmlFreeDoc(doc);
    aws_query_cleanup(&q);
    if (rc) {
        cfn_free_resources(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
