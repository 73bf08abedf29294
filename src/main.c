/* main.c — albcheck's entry point: global options, then a subcommand.
 *
 *   albcheck [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]
 *
 * The command table is the one place that lists the subcommands (tmux's
 * cmd_table style); each command parses its own options with cli_parse().
 */
#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/err.h"

#ifndef ALBCHECK_VERSION
#define ALBCHECK_VERSION "0.0.0"
#endif
#ifndef ALBCHECK_GITREV
#define ALBCHECK_GITREV "unknown"
#endif

static const struct cli_command commands[] = {
    {"run", "run a suite (or derive one from the load balancer) and report", cmd_run},
    {"discover", "print the load balancer's topology: rules, targets, services, logs",
     cmd_discover},
    {"validate", "check a suite file without calling AWS", cmd_validate},
    {"whoami", "show the AWS identity albcheck's credentials resolve to", cmd_whoami},
};

const char *albcheck_version(void)
{
    return ALBCHECK_VERSION " (" ALBCHECK_GITREV ")";
}

static void usage(FILE *out)
{
    fprintf(out,
            "albcheck — verify an ALB-fronted ECS stack end to end: routes, health,\n"
            "deployments, and that each probe reached the right service's logs.\n"
            "\n"
            "Usage: albcheck [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputc('\n', out);
    cli_print_global_help(out);
    fputs("      --version            print the version and exit\n"
          "\n"
          "Exit status: 0 all checks passed; 1 a check failed; 2 usage or suite error;\n"
          "3 AWS could not be reached or refused the credentials.\n"
          "\n"
          "Examples:\n"
          "  albcheck run checks/microservices.json --junit reports/junit.xml\n"
          "  albcheck run --alb MicroservicesALB\n"
          "  albcheck discover --alb MicroservicesALB\n"
          "  albcheck validate checks/microservices.json\n"
          "\n"
          "'albcheck COMMAND --help' shows a command's options.\n",
          out);
}

int main(int argc, char **argv)
{
    struct cli_globals g = {.color = "auto"};

    /* Global options before the command: parse up to the first operand. */
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0) {
            printf("albcheck %s\n", albcheck_version());
            return EXIT_PASS;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_PASS;
        }
        if (a[0] != '-')
            break;
        /* Leave global options in place: the command's parser handles them
         * wherever they stand, so skip an option's value here. */
        if (strcmp(a, "--region") == 0 || strcmp(a, "--profile") == 0 ||
            strcmp(a, "--endpoint-url") == 0 || strcmp(a, "--color") == 0 ||
            strcmp(a, "--aws-timeout") == 0) {
            if (++i >= argc) {
                cli_usage_error(NULL, "option '%s' needs a value", a);
                return EXIT_USAGE;
            }
            continue;
        }
        if (strncmp(a, "--region=", 9) == 0 || strncmp(a, "--profile=", 10) == 0 ||
            strncmp(a, "--endpoint-url=", 15) == 0 || strncmp(a, "--color=", 8) == 0 ||
            strncmp(a, "--aws-timeout=", 14) == 0 ||
            strcmp(a, "-v") == 0 || strcmp(a, "-vv") == 0 || strcmp(a, "-vvv") == 0 ||
            strcmp(a, "--verbose") == 0 || strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            continue;
        cli_usage_error(NULL, "unknown option '%s'", a);
        return EXIT_USAGE;
    }
    if (i >= argc) {
        cli_usage_error(NULL, "a command is needed: run, discover, validate or whoami");
        return EXIT_USAGE;
    }
    const struct cli_command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            cmd = &commands[k];
    if (!cmd) {
        cli_usage_error(NULL, "unknown command '%s'", argv[i]);
        return EXIT_USAGE;
    }

    /* Hand the command its name as argv[0] followed by every other argument,
     * the global options before the command included. */
    char **cargv = calloc((size_t)argc + 1, sizeof *cargv);
    if (!cargv)
        return EXIT_AWS;
    int cargc = 0;
    cargv[cargc++] = argv[i];
    for (int k = 1; k < argc; k++)
        if (k != i)
            cargv[cargc++] = argv[k];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    int rc = cmd->run(cargc, cargv, &g);
    xmlCleanupParser();
    curl_global_cleanup();
    free(cargv);
    return rc;
}
