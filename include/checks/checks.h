/* checks.h — the static checks: alb, route, health, ecs (DESIGN §4).
 *
 * Static checks need no traffic: they read the suite and the discovered
 * topology and append results to the run.  Each kind is one entry of a table
 * (STYLE.md's registry habit); checks_run_static() runs them in table order.
 * Every check instance gets a stable id ("health:auth-tg") and a human name.
 */
#ifndef ALBCHECK_CHECKS_CHECKS_H
#define ALBCHECK_CHECKS_CHECKS_H

#include "model/result.h"
#include "model/topology.h"
#include "suite/suite.h"

struct check_ctx {
    const struct suite *suite;
    const struct topology *topo;
    struct run_result *run;
};

struct check_entry {
    const char *kind;       /* "alb", "route", "health", "ecs" */
    const char *summary;    /* one line for help texts */
    void (*run)(const struct check_ctx *ctx);
};

/* The registry, terminated by an entry whose kind is NULL. */
extern const struct check_entry check_table[];

/* Run every static check in table order. */
void checks_run_static(const struct check_ctx *ctx);

/* Individual kinds (src/checks/check_<kind>.c). */
void check_alb_run(const struct check_ctx *ctx);
void check_route_run(const struct check_ctx *ctx);
void check_health_run(const struct check_ctx *ctx);
void check_ecs_run(const struct check_ctx *ctx);

/* The group a service's checks belong to in reports: its suite name. */
const char *checks_service_group(const struct suite *s, int service_index);
/* The target group a suite service names, or NULL when discovery did not find it. */
const struct target_group *checks_service_tg(const struct check_ctx *ctx, const struct service_spec *svc);
/* Health counts for a target group. */
void checks_tg_health_counts(const struct target_group *tg, int *healthy, int *unhealthy, int *other);

#endif
