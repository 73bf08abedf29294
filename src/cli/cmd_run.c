/* cmd_run.c — `albcheck run [SUITE]`: parse the options, hand over to the
 * runner (src/run/run.c) which discovers, checks, probes, correlates logs and
 * writes the reports. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/runopts.h"
#include "run/run.h"
#include "util/err.h"
#include "util/xmalloc.h"

enum {
    OPT_CLUSTER = 0x2000,
    OPT_REPORT_DIR,
    OPT_JUNIT,
    OPT_HTML,
    OPT_JSON,
    OPT_NO_REPORTS,
    OPT_NO_LOGS,
    OPT_LOG_WAIT,
    OPT_LOGS_MODE,
    OPT_CORRELATION,
    OPT_CONCURRENCY,
    OPT_CONNECT_TO,
    OPT_RESOLVE,
    OPT_CACERT,
    OPT_INSECURE,
    OPT_WAIT_HEALTHY,
    OPT_DEADLINE,
    OPT_TIMINGS,
};

static const struct option opts[] = {
    CLI_LB_OPTIONS,
    {"cluster", required_argument, NULL, OPT_CLUSTER},
    {"report-dir", required_argument, NULL, OPT_REPORT_DIR},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"html", required_argument, NULL, OPT_HTML},
    {"json", required_argument, NULL, OPT_JSON},
    {"no-reports", no_argument, NULL, OPT_NO_REPORTS},
    {"no-logs", no_argument, NULL, OPT_NO_LOGS},
    {"log-wait", required_argument, NULL, OPT_LOG_WAIT},
    {"logs-mode", required_argument, NULL, OPT_LOGS_MODE},
    {"correlation", required_argument, NULL, OPT_CORRELATION},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"connect-to", required_argument, NULL, OPT_CONNECT_TO},
    {"resolve", required_argument, NULL, OPT_RESOLVE},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"wait-healthy", required_argument, NULL, OPT_WAIT_HEALTHY},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"timings", no_argument, NULL, OPT_TIMINGS},
    {0, 0, 0, 0},
};

static void usage(FILE *out)
{
    fputs("Usage: albcheck run [OPTIONS] [SUITE.json]\n"
          "\n"
          "Discover the load balancer, run the static checks (alb, route, health, ecs),\n"
          "fire the probes through the ALB, find each probe in its service's CloudWatch\n"
          "log group, and write the reports.  Without a suite, --alb/--tag/--stack\n"
          "derives one probe per forward rule (zero config).\n"
          "\n"
          "Load balancer (overrides the suite's):\n"
          "      --alb NAME|ARN       the load balancer by name or ARN\n"
          "      --tag KEY=VALUE      the load balancer carrying these tags (repeatable)\n"
          "      --stack NAME         the load balancer of this CloudFormation stack\n"
          "      --cluster NAME       ECS cluster(s) to search for services (repeatable;\n"
          "                           default: the suite's, else every cluster)\n"
          "Reports:\n"
          "      --report-dir DIR     where reports go (default: reports); writes\n"
          "                           junit.xml, report.html and report.json there\n"
          "      --junit FILE         JUnit XML to FILE instead ('-' for stdout)\n"
          "      --html FILE          HTML report to FILE instead\n"
          "      --json FILE          JSON report to FILE instead ('-' for stdout)\n"
          "      --no-reports         write no report files (console only)\n"
          "      --timings            print the time each phase took\n"
          "Probes:\n"
          "      --concurrency N      probes in flight at once (default 16)\n"
          "      --connect-to H:P:A:P send probes for H:P to A:P, Host unchanged (repeatable;\n"
          "                           also ALBCHECK_CONNECT_TO, comma-separated)\n"
          "      --resolve H:P:ADDR   resolve H:P to ADDR (repeatable)\n"
          "      --cacert FILE        CA bundle for HTTPS probes\n"
          "      --insecure           do not verify HTTPS certificates of probes\n"
          "      --correlation MODE   how probes carry their token: both (default), query,\n"
          "                           header or off\n"
          "Logs:\n"
          "      --no-logs            skip log correlation (reported as skipped)\n"
          "      --log-wait SECONDS   how long to wait for probes' log lines (default 60)\n"
          "      --logs-mode MODE     filter (FilterLogEvents per group, default) or insights\n"
          "Run:\n"
          "      --wait-healthy S     first wait up to S seconds for every target to be healthy\n"
          "      --deadline S         stop after S seconds; report what finished\n"
          "\n",
          out);
    cli_print_global_help(out);
}

struct parse_ctx {
    struct run_opts *o;
    struct cli_lb_choice lb;
};

static int on_opt(int c, const char *arg, void *vctx)
{
    struct parse_ctx *pc = vctx;
    struct run_opts *o = pc->o;
    int lb = cli_lb_option("run", c, arg, &pc->lb);
    if (lb <= 0)
        return lb;
    switch (c) {
    case OPT_CLUSTER:
        *ARRAY_PUSH(o->clusters, o->n_clusters, o->cap_clusters) = arg;
        return 0;
    case OPT_REPORT_DIR:
        o->report_dir = arg;
        return 0;
    case OPT_JUNIT:
        o->junit = arg;
        return 0;
    case OPT_HTML:
        if (strcmp(arg, "-") == 0) {
            cli_usage_error("run", "--html needs a file name");
            return -1;
        }
        o->html = arg;
        return 0;
    case OPT_JSON:
        o->json = arg;
        return 0;
    case OPT_NO_REPORTS:
        o->no_reports = true;
        return 0;
    case OPT_NO_LOGS:
        o->no_logs = true;
        return 0;
    case OPT_LOG_WAIT:
        return cli_parse_int("run", "--log-wait", arg, 0, 3600, &o->log_wait_s);
    case OPT_LOGS_MODE:
        if (strcmp(arg, "filter") && strcmp(arg, "insights")) {
            cli_usage_error("run", "--logs-mode must be filter or insights, not '%s'", arg);
            return -1;
        }
        o->logs_mode = arg;
        return 0;
    case OPT_CORRELATION:
        if (strcmp(arg, "both") && strcmp(arg, "query") && strcmp(arg, "header") &&
            strcmp(arg, "off")) {
            cli_usage_error("run", "--correlation must be both, query, header or off, not '%s'",
                            arg);
            return -1;
        }
        o->correlation = arg;
        return 0;
    case OPT_CONCURRENCY:
        return cli_parse_int("run", "--concurrency", arg, 1, 1024, &o->concurrency);
    case OPT_CONNECT_TO:
        *ARRAY_PUSH(o->connect_to, o->n_connect_to, o->cap_connect_to) = arg;
        return 0;
    case OPT_RESOLVE:
        *ARRAY_PUSH(o->resolve, o->n_resolve, o->cap_resolve) = arg;
        return 0;
    case OPT_CACERT:
        o->cacert = arg;
        return 0;
    case OPT_INSECURE:
        o->insecure = true;
        return 0;
    case OPT_WAIT_HEALTHY:
        return cli_parse_int("run", "--wait-healthy", arg, 0, 3600, &o->wait_healthy_s);
    case OPT_DEADLINE:
        return cli_parse_int("run", "--deadline", arg, 1, 86400, &o->deadline_s);
    case OPT_TIMINGS:
        o->timings = true;
        return 0;
    }
    return -1;
}

int cmd_run(int argc, char **argv, struct cli_globals *g)
{
    struct run_opts o = {.report_dir = "reports", .log_wait_s = -1, .concurrency = 16};
    struct parse_ctx ctx = {&o, {&o.lb, 0, 0}};
    int first, rc;
    rc = cli_parse(argc, argv, "run", opts, "", on_opt, &ctx, usage, g, &first);
    if (rc == CLI_OK) {
        if (argc - first > 1) {
            cli_usage_error("run", "one suite file at most, got %d arguments", argc - first);
            rc = CLI_EXIT_USAGE;
        } else if (argc - first == 1) {
            o.suite_path = argv[first];
        }
        if (rc == CLI_OK && cli_lb_check("run", &ctx.lb) < 0)
            rc = CLI_EXIT_USAGE;
        if (rc == CLI_OK && !o.suite_path && o.lb.kind == LB_SEL_NONE) {
            cli_usage_error("run", "a suite file or --alb, --tag or --stack is needed");
            rc = CLI_EXIT_USAGE;
        }
    }
    int status;
    if (rc == CLI_EXIT_HELP)
        status = EXIT_PASS;
    else if (rc != CLI_OK)
        status = EXIT_USAGE;
    else
        status = run_execute(&o, g);
    lb_selector_cleanup(&o.lb);
    free(o.clusters);
    free(o.connect_to);
    free(o.resolve);
    return status;
}
