/* ecs.h — typed Amazon ECS calls (JSON 1.1), parsed into topology structs.
 *
 * As in elbv2.h: pure parsers (a parsed JSON answer in, structs out) and call
 * functions that paginate (nextToken, maxResults 100) or batch (DescribeServices
 * ≤ 10 names per call, DescribeTasks ≤ 100 task ARNs per call).  ECS times are
 * epoch seconds, JSON numbers that may be fractional; they are truncated.
 *
 * A malformed answer is an ERR_PARSE error naming the operation and the
 * field ("DescribeServices: services[0].deployments is not an array").
 * Ownership: returned arrays are new (caller frees with the ecs_free_* or
 * strv_free); parsers append to arrays the caller owns in every case.
 */
#ifndef ALBCHECK_AWS_ECS_H
#define ALBCHECK_AWS_ECS_H

#include <jansson.h>
#include <stddef.h>

#include "aws/client.h"
#include "model/topology.h"
#include "util/err.h"

#define ECS_LIST_PAGE_SIZE 100       /* maxResults of ListClusters/ListServices/ListTasks */
#define ECS_DESCRIBE_SERVICES_MAX 10 /* services per DescribeServices call */
#define ECS_DESCRIBE_TASKS_MAX 100   /* tasks per DescribeTasks call */
#define ECS_RECENT_EVENTS 5          /* service events kept, newest first */

/* An entry of a Describe* answer's "failures" (e.g. reason "MISSING"). */
struct ecs_failure {
    char *arn;
    char *reason;
    char *detail;
};

/* ------------------------------------------------------------ parsers */

/* ListClusters / ListServices / ListTasks: appends the strings of `key`
 * ("clusterArns", "serviceArns", "taskArns") and sets *next_token (new, or
 * NULL on the last page).  op names the operation in errors. */
int ecs_parse_arn_page(const json_t *doc, const char *op, const char *key, char ***arns,
                       size_t *n, char **next_token, struct err *e);
/* DescribeServices: services and failures appended.  Deployments in answer
 * order; events: the ECS_RECENT_EVENTS newest messages, newest first. */
int ecs_parse_services(const json_t *doc, struct ecs_service **out, size_t *n,
                       struct ecs_failure **failures, size_t *n_failures, struct err *e);
/* DescribeTaskDefinition: fills *out (caller runs task_def_cleanup). */
int ecs_parse_task_definition(const json_t *doc, struct task_def *out, struct err *e);
/* DescribeTasks: task id = last ARN segment; private IPs from the ENI
 * attachment's privateIPv4Address and the containers' networkInterfaces,
 * each address once. */
int ecs_parse_tasks(const json_t *doc, struct ecs_task **out, size_t *n,
                    struct ecs_failure **failures, size_t *n_failures, struct err *e);

/* ------------------------------------------------------------ calls
 * On success the outputs hold new arrays (possibly NULL/0); on failure they
 * are NULL/0 and e says why.  `failures` may be NULL when not wanted. */

int ecs_list_clusters(struct aws_client *c, char ***arns, size_t *n, struct err *e);
int ecs_list_services(struct aws_client *c, const char *cluster, char ***arns, size_t *n,
                      struct err *e);
int ecs_describe_services(struct aws_client *c, const char *cluster,
                          const char *const *services, size_t n_services,
                          struct ecs_service **out, size_t *n,
                          struct ecs_failure **failures, size_t *n_failures, struct err *e);
/* td: family, family:revision or ARN. */
int ecs_describe_task_definition(struct aws_client *c, const char *td, struct task_def *out,
                                 struct err *e);
/* service_name and desired_status ("RUNNING", "STOPPED", …) may be NULL.  moto
 * ignores serviceName: callers also match tasks by their group. */
int ecs_list_tasks(struct aws_client *c, const char *cluster, const char *service_name,
                   const char *desired_status, char ***arns, size_t *n, struct err *e);
int ecs_describe_tasks(struct aws_client *c, const char *cluster, const char *const *arns,
                       size_t n_arns, struct ecs_task **out, size_t *n,
                       struct ecs_failure **failures, size_t *n_failures, struct err *e);

/* The last '/'-separated segment of an ARN (new string), or NULL. */
char *ecs_arn_id(const char *arn);

/* ------------------------------------------------------------ freeing (NULL ok) */
void ecs_free_services(struct ecs_service *v, size_t n);
void ecs_free_tasks(struct ecs_task *v, size_t n);
void ecs_free_failures(struct ecs_failure *v, size_t n);

#endif
