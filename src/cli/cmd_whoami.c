/* cmd_whoami.c — `albcheck whoami`.  Not built yet: says so and exits 2. */
#include "cli/cli.h"
#include "util/err.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: albcheck whoami [OPTIONS]\n\n");
    cli_print_global_help(out);
}

int cmd_whoami(int argc, char **argv, struct cli_globals *g)
{
    int first;
    int rc = cli_parse(argc, argv, "whoami", NULL, NULL, NULL, NULL, usage, g, &first);
    if (rc == CLI_EXIT_HELP)
        return EXIT_PASS;
    if (rc == CLI_EXIT_USAGE)
        return EXIT_USAGE;
    cli_usage_error("whoami", "not implemented yet");
    return EXIT_USAGE;
}
