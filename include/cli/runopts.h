/* runopts.h — options of `albcheck run` (parsed in src/cli/cmd_run.c). */
#ifndef ALBCHECK_CLI_RUNOPTS_H
#define ALBCHECK_CLI_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/topology.h"
#include "suite/suite.h"

struct run_opts {
    const char *suite_path;       /* NULL: zero config from --alb/--tag/--stack */
    struct lb_selector lb;        /* --alb, --tag, --stack; kind NONE: the suite's */
    const char **clusters;        /* --cluster (repeatable) */
    size_t n_clusters, cap_clusters;
    const char *report_dir;       /* default "reports" */
    const char *junit, *html, *json; /* explicit paths ("-" stdout) */
    bool no_reports;
    bool no_logs;
    long log_wait_s;              /* -1: the suite's */
    const char *logs_mode;        /* filter | insights | NULL (suite's) */
    const char *correlation;      /* both|query|header|off | NULL */
    long concurrency;             /* probes in flight; default 16 */
    const char **connect_to;      /* --connect-to (repeatable) + ALBCHECK_CONNECT_TO */
    size_t n_connect_to, cap_connect_to;
    const char **resolve;
    size_t n_resolve, cap_resolve;
    const char *cacert;
    bool insecure;
    long wait_healthy_s;          /* 0: no wait */
    long deadline_s;              /* 0: none */
    bool timings;
};

#endif
