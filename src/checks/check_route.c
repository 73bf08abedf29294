/* check_route.c — the `route` check (evaluator in checks/rules.h). */
#include "checks/checks.h"

void check_route_run(const struct check_ctx *ctx)
{
    (void)ctx; /* wired to the rule evaluator when it lands */
}
