/* print.h — the topology for people (a tree) and for machines (JSON).
 *
 * `albcheck discover` prints the chain an on-call engineer follows:
 * ALB → listener → rules in priority order (conditions → action) → target
 * group → targets (ip:port, health, reason, task) → ECS service (desired /
 * running, rollout) → task definition (image) → log group.
 */
#ifndef ALBCHECK_DISCOVER_PRINT_H
#define ALBCHECK_DISCOVER_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "model/topology.h"

void topology_print_tree(FILE *out, const struct topology *t, bool color);
/* A new JSON object describing the whole topology (caller decrefs). */
json_t *topology_to_json(const struct topology *t);
/* "path-pattern /auth, /auth/..." (new string). */
char *rule_condition_describe(const struct rule_condition *c);
/* "forward auth-tg", "fixed-response 404", "redirect HTTP_301 to …" (new string). */
char *rule_action_describe(const struct topology *t, const struct rule_action *a);

#endif
