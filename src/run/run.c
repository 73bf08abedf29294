/* run.c — placeholder until the runner lands. */
#include "run/run.h"
#include "util/err.h"

int run_execute(const struct run_opts *o, const struct cli_globals *g)
{
    (void)o;
    (void)g;
    cli_usage_error("run", "not implemented yet");
    return EXIT_USAGE;
}
