/* cmd_discover.c — `albcheck discover`: print the load balancer's topology —
 * listener → rules → target groups → targets → ECS services → task
 * definitions → log groups — as a tree, or as JSON with --json. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "discover/discover.h"
#include "discover/print.h"
#include "report/report.h"
#include "suite/suite.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum { OPT_CLUSTER = 0x2000, OPT_JSON };

static const struct option opts[] = {
    CLI_LB_OPTIONS,
    {"cluster", required_argument, NULL, OPT_CLUSTER},
    {"json", no_argument, NULL, OPT_JSON},
    {0, 0, 0, 0},
};

static void usage(FILE *out)
{
    fputs("Usage: albcheck discover [OPTIONS] [SUITE.json]\n"
          "\n"
          "Print the load balancer's topology as a tree: listener → rules in priority\n"
          "order → target groups → targets with health and task → ECS services →\n"
          "task definitions → log groups.  The load balancer comes from the options\n"
          "or from the suite file.\n"
          "\n"
          "      --alb NAME|ARN       the load balancer by name or ARN\n"
          "      --tag KEY=VALUE      the load balancer carrying these tags (repeatable)\n"
          "      --stack NAME         the load balancer of this CloudFormation stack\n"
          "      --cluster NAME       ECS cluster(s) to search (repeatable; default: all)\n"
          "      --json               print JSON instead of a tree\n"
          "\n",
          out);
    cli_print_global_help(out);
}

struct dopts {
    struct lb_selector sel;
    struct cli_lb_choice lb;
    const char **clusters;
    size_t n_clusters, cap_clusters;
    bool json;
};

static int on_opt(int c, const char *arg, void *ctx)
{
    struct dopts *o = ctx;
    int lb = cli_lb_option("discover", c, arg, &o->lb);
    if (lb <= 0)
        return lb;
    switch (c) {
    case OPT_CLUSTER:
        *ARRAY_PUSH(o->clusters, o->n_clusters, o->cap_clusters) = arg;
        return 0;
    case OPT_JSON:
        o->json = true;
        return 0;
    }
    return -1;
}

int cmd_discover(int argc, char **argv, struct cli_globals *g)
{
    struct dopts o = {0};
    o.lb.sel = &o.sel;
    struct suite *suite = NULL;
    struct aws_client *client = NULL;
    struct topology *t = NULL;
    struct err e = {0};
    int first, status = EXIT_USAGE;
    int rc = cli_parse(argc, argv, "discover", opts, "", on_opt, &o, usage, g, &first);
    if (rc == CLI_EXIT_HELP) {
        status = EXIT_PASS;
        goto out;
    }
    if (rc != CLI_OK)
        goto out;
    if (argc - first > 1) {
        cli_usage_error("discover", "one suite file at most");
        goto out;
    }
    if (cli_lb_check("discover", &o.lb) < 0)
        goto out;
    const struct lb_selector *sel = &o.sel;
    if (argc - first == 1) {
        if (suite_load_file(argv[first], &suite, &e) < 0) {
            fprintf(stderr, "albcheck: %s\n", e.msg);
            status = err_exit_status(e.code);
            goto out;
        }
        if (o.sel.kind == LB_SEL_NONE)
            sel = &suite->lb;
        for (size_t i = 0; !o.n_clusters && i < suite->n_services; i++)
            if (suite->services[i].cluster)
                *ARRAY_PUSH(o.clusters, o.n_clusters, o.cap_clusters) = suite->services[i].cluster;
    } else if (o.sel.kind == LB_SEL_NONE) {
        cli_usage_error("discover", "say which load balancer: --alb, --tag, --stack or a suite file");
        goto out;
    }
    client = session_client_new(g, &e);
    if (!client) {
        fprintf(stderr, "albcheck: %s\n", e.msg);
        status = e.code == ERR_USAGE ? EXIT_USAGE : EXIT_AWS;
        goto out;
    }
    struct discover_opts dopt = {sel, o.clusters, o.n_clusters, 8};
    if (discover_run(client, &dopt, &t, &e) < 0) {
        fprintf(stderr, "albcheck: %s\n", e.msg);
        status = err_exit_status(e.code);
        goto out;
    }
    if (o.json) {
        json_t *j = topology_to_json(t);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(j);
    } else {
        topology_print_tree(stdout, t, report_color_wanted(g->color, stdout));
    }
    if (log_verbosity() >= 1) {
        unsigned total = 0;
        for (size_t i = 0; i < t->n_calls; i++) {
            log_trace(1, "aws calls: %-34s %u", t->calls[i].operation, t->calls[i].calls);
            total += t->calls[i].calls;
        }
        log_trace(1, "aws calls: %u requests in all, discovery took %.3f s", total, t->discovery_s);
    }
    status = EXIT_PASS;
out:
    topology_free(t);
    session_client_free(client);
    suite_free(suite);
    lb_selector_cleanup(&o.sel);
    free(o.clusters);
    return status;
}
