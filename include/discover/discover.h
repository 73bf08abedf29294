/* discover.h — from AWS APIs to the topology model (DESIGN §2).
 *
 * Finds the load balancer (by name, ARN, tags or CloudFormation stack), then
 * runs the independent calls concurrently on a small thread pool: listeners →
 * rules per listener; target groups → health per group; ECS services of the
 * clusters (named, or all) whose loadBalancers point at those groups → their
 * task definitions and running tasks (so a target IP maps to a task id).
 * The result is one struct topology; stages after discovery read only that.
 */
#ifndef ALBCHECK_DISCOVER_DISCOVER_H
#define ALBCHECK_DISCOVER_DISCOVER_H

#include <stddef.h>

#include "aws/client.h"
#include "model/topology.h"
#include "suite/suite.h"
#include "util/err.h"

struct discover_opts {
    const struct lb_selector *selector;
    const char *const *clusters;  /* ECS clusters to search; none → every cluster */
    size_t n_clusters;
    int threads;                  /* concurrent AWS calls; 0 → 8 */
};

/* Discover the topology.  On success *out is new (topology_free).  A load
 * balancer that cannot be found is ERR_NOTFOUND with a message saying what
 * was searched; AWS failures keep the client's error (ERR_AWS/ERR_AUTH/…). */
int discover_run(struct aws_client *c, const struct discover_opts *o, struct topology **out,
                 struct err *e);

/* Re-read the health of every target group (for --wait-healthy) and re-map
 * targets to tasks. */
int discover_refresh_health(struct aws_client *c, struct topology *t, struct err *e);

/* Copy the client's per-operation call counts into t->calls. */
void discover_record_calls(struct aws_client *c, struct topology *t);

#endif
