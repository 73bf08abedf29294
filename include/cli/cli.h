/* cli.h — the command line: global options, subcommands, option parsing.
 *
 * `albcheck [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]`.  Global options
 * (--region, --profile, --endpoint-url, --aws-timeout, -v) are accepted before the command
 * and among its own options.  Each subcommand lives in src/cli/cmd_<name>.c
 * and is one entry of the table in src/main.c.  Usage errors print one line
 * on stderr and exit 2; --help prints to stdout and exits 0.
 */
#ifndef ALBCHECK_CLI_CLI_H
#define ALBCHECK_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Options that every subcommand understands.  Filled once at start-up and
 * then read-only: the one piece of global configuration (see STYLE.md). */
struct cli_globals {
    const char *region;         /* --region */
    const char *profile;        /* --profile (explicit: env keys are then skipped) */
    const char *endpoint_url;   /* --endpoint-url: every service */
    int verbose;                /* -v count */
    const char *color;          /* --color auto|always|never (default auto) */
    bool quiet;                 /* -q */
    long aws_timeout_ms;        /* --aws-timeout SECONDS, per attempt; 0 → client default (30 s) */
};

struct cli_command {
    const char *name;
    const char *summary;        /* one line for `albcheck --help` */
    int (*run)(int argc, char **argv, struct cli_globals *g);
};

/* Outcome of cli_parse(). */
enum {
    CLI_OK = 0,
    CLI_EXIT_HELP = -1,         /* --help was printed: exit 0 */
    CLI_EXIT_USAGE = -2,        /* an error line was printed: exit 2 */
};

/* Parse the options of subcommand `cmd`.  `opts` (terminated by a zero entry)
 * and `shortopts` are the command's own; global options are merged in.  For
 * each of the command's options on_opt(code, optarg, ctx) is called; it returns
 * 0, or -1 after printing a one-line error with cli_usage_error().  --help / -h
 * calls usage(stdout).  On CLI_OK, *first_operand is the index of the first
 * non-option argument. */
int cli_parse(int argc, char **argv, const char *cmd, const struct option *opts,
              const char *shortopts, int (*on_opt)(int code, const char *arg, void *ctx),
              void *ctx, void (*usage)(FILE *out), struct cli_globals *g, int *first_operand);

/* Print "albcheck CMD: MESSAGE (see 'albcheck CMD --help')" on stderr. */
void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The help text block for global options, for each command's usage(). */
void cli_print_global_help(FILE *out);

/* Parse a whole number in [lo, hi] for option `what`; prints the usage error
 * and returns -1 when it is not one. */
int cli_parse_int(const char *cmd, const char *what, const char *arg, long lo, long hi, long *out);

/* The load-balancer options shared by `run` and `discover`. */
struct lb_selector;
struct cli_lb_choice {
    struct lb_selector *sel;    /* filled as the options come */
    size_t cap_tags;
    int given;                  /* how many of --alb, --tag, --stack were used */
};
enum { CLI_LB_ALB = 0x1800, CLI_LB_TAG, CLI_LB_STACK };
#define CLI_LB_OPTIONS                                              \
    {"alb", required_argument, NULL, CLI_LB_ALB},                   \
    {"tag", required_argument, NULL, CLI_LB_TAG},                   \
    {"stack", required_argument, NULL, CLI_LB_STACK}
/* Handle one of the CLI_LB_* options; 1 when `code` is not one of them, 0 when
 * handled, -1 after printing a usage error. */
int cli_lb_option(const char *cmd, int code, const char *arg, struct cli_lb_choice *ch);
/* After parsing: -1 (usage error printed) when more than one kind was used. */
int cli_lb_check(const char *cmd, const struct cli_lb_choice *ch);

/* Subcommands (src/cli/cmd_*.c). */
int cmd_run(int argc, char **argv, struct cli_globals *g);
int cmd_discover(int argc, char **argv, struct cli_globals *g);
int cmd_validate(int argc, char **argv, struct cli_globals *g);
int cmd_whoami(int argc, char **argv, struct cli_globals *g);

const char *albcheck_version(void);

#endif
