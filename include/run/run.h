/* run.h — one `albcheck run`: suite → discovery → checks → probes → logs →
 * reports, in that order, each stage reading only what the previous one
 * produced (DESIGN §2).  Reports are written whatever happens after the suite
 * was read: on failing checks (exit 1), on AWS errors (exit 3), on SIGINT,
 * SIGTERM or --deadline (what finished is reported, the rest skipped). */
#ifndef ALBCHECK_RUN_RUN_H
#define ALBCHECK_RUN_RUN_H

#include "cli/cli.h"
#include "cli/runopts.h"

/* Returns the process exit status (DESIGN §6). */
int run_execute(const struct run_opts *o, const struct cli_globals *g);

#endif
