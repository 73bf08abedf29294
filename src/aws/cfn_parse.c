/* cfn_parse.c — pure parsers of the CloudFormation answers (see aws/cfn.h): a parsed
 * document in, topology structs out, no network.  The calls are in cfn.c.
 */
#include "aws/cfn.h"

#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "typed_util.h"

void cfn_resource_cleanup(struct cfn_resource *r)
{
    if (!r)
        return;
    free(r->logical_id);
    free(r->physical_id);
    free(r->type);
    free(r->status);
    memset(r, 0, sizeof *r);
}

void cfn_free_resources(struct cfn_resource *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        cfn_resource_cleanup(&v[i]);
    free(v);
}

int cfn_parse_stack_resources(xmlDocPtr doc, struct cfn_resource **out, size_t *n,
                              struct err *e)
{
    static const char op[] = "DescribeStackResources";
    xmlNodePtr result;
    if (typed_xml_result(doc, op, &result, e))
        return -1;
    for (xmlNodePtr m = xml_first_member(xml_child(result, "StackResources")); m;
         m = xml_next(m, "member")) {
        struct cfn_resource r = {0};
        r.logical_id = xml_child_text(m, "LogicalResourceId");
        r.physical_id = xml_child_text(m, "PhysicalResourceId");
        r.type = xml_child_text(m, "ResourceType");
        r.status = xml_child_text(m, "ResourceStatus");
        if (!r.logical_id || !r.type) {
            const char *missing = r.logical_id ? "ResourceType" : "LogicalResourceId";
            cfn_resource_cleanup(&r);
            return err_set(e, ERR_PARSE, "%s: resource without %s", op, missing);
        }
        if (r.physical_id && !*r.physical_id) {
            free(r.physical_id);
            r.physical_id = NULL;
        }
        *TYPED_PUSH(*out, *n) = r;
    }
    return 0;
}

const struct cfn_resource *cfn_find_type(const struct cfn_resource *v, size_t n,
                                         const char *type)
{
    for (size_t i = 0; type && i < n; i++)
        if (v[i].type && strcmp(v[i].type, type) == 0)
            return &v[i];
    return NULL;
}
