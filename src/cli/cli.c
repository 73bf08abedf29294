/* cli.c — option parsing shared by the subcommands (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum {
    GOPT_REGION = 0x1000,
    GOPT_PROFILE,
    GOPT_ENDPOINT_URL,
    GOPT_COLOR,
    GOPT_AWS_TIMEOUT,
    GOPT_HELP,
};

static const struct option global_opts[] = {
    {"region", required_argument, NULL, GOPT_REGION},
    {"profile", required_argument, NULL, GOPT_PROFILE},
    {"endpoint-url", required_argument, NULL, GOPT_ENDPOINT_URL},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"color", required_argument, NULL, GOPT_COLOR},
    {"aws-timeout", required_argument, NULL, GOPT_AWS_TIMEOUT},
    {"help", no_argument, NULL, GOPT_HELP},
    {0, 0, 0, 0},
};

void cli_print_global_help(FILE *out)
{
    fputs("Global options:\n"
          "      --region REGION      AWS region (default: AWS_REGION, AWS_DEFAULT_REGION,\n"
          "                           then the profile's region)\n"
          "      --profile NAME       use this profile of the shared config/credentials files\n"
          "      --endpoint-url URL   send every AWS call to URL (e.g. a local moto server)\n"
          "      --aws-timeout SECS   give up on one attempt of an AWS call after SECS\n"
          "                           (1-3600, default 30); a timed-out attempt is\n"
          "                           retried like other transport errors\n"
          "  -v, --verbose            trace each AWS call (operation, endpoint, status,\n"
          "                           attempts, duration); -vv for more\n"
          "  -q, --quiet              print only failures and the summary\n"
          "      --color WHEN         auto (default), always or never; NO_COLOR is honoured\n"
          "  -h, --help               show this help\n",
          out);
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "albcheck%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'albcheck%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
}

int cli_parse_int(const char *cmd, const char *what, const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi) {
        cli_usage_error(cmd, "%s must be a whole number from %ld to %ld, not '%s'", what, lo, hi,
                        arg);
        return -1;
    }
    *out = v;
    return 0;
}

static int handle_global(const char *cmd, int c, const char *arg, struct cli_globals *g)
{
    switch (c) {
    case GOPT_REGION:
        if (!*arg) {
            cli_usage_error(cmd, "--region needs a region name");
            return -1;
        }
        g->region = arg;
        return 0;
    case GOPT_PROFILE:
        g->profile = arg;
        return 0;
    case GOPT_ENDPOINT_URL:
        if (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0) {
            cli_usage_error(cmd, "--endpoint-url must start with http:// or https://, not '%s'",
                            arg);
            return -1;
        }
        g->endpoint_url = arg;
        return 0;
    case GOPT_AWS_TIMEOUT: {
        long secs;
        if (cli_parse_int(cmd, "--aws-timeout", arg, 1, 3600, &secs) < 0)
            return -1;
        g->aws_timeout_ms = secs * 1000;
        return 0;
    }
    case 'v':
        g->verbose++;
        log_set_verbosity(g->verbose);
        return 0;
    case 'q':
        g->quiet = true;
        return 0;
    case GOPT_COLOR:
        if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never")) {
            cli_usage_error(cmd, "--color must be auto, always or never, not '%s'", arg);
            return -1;
        }
        g->color = arg;
        return 0;
    }
    return 1; /* not a global option */
}

/* The option as the user wrote it, for messages. */
static const char *optname(char **argv, int idx)
{
    return idx > 0 && argv[idx - 1] ? argv[idx - 1] : "?";
}

int cli_parse(int argc, char **argv, const char *cmd, const struct option *opts,
              const char *shortopts, int (*on_opt)(int code, const char *arg, void *ctx),
              void *ctx, void (*usage)(FILE *out), struct cli_globals *g, int *first_operand)
{
    size_t nown = 0, nglob = sizeof global_opts / sizeof global_opts[0] - 1;
    while (opts && opts[nown].name)
        nown++;
    struct option *all = xcalloc(nown + nglob + 1, sizeof *all);
    if (nown)
        memcpy(all, opts, nown * sizeof *all);
    memcpy(all + nown, global_opts, nglob * sizeof *all);
    char *shorts = xasprintf(":hvq%s", shortopts ? shortopts : "");

    int rc = CLI_OK;
    opterr = 0;
    optind = 1;
    for (;;) {
        int idx = optind;
        int c = getopt_long(argc, argv, shorts, all, NULL);
        if (c == -1)
            break;
        if (c == 'h' || c == GOPT_HELP) {
            usage(stdout);
            rc = CLI_EXIT_HELP;
            break;
        }
        if (c == '?') {
            if (optopt)
                cli_usage_error(cmd, "unknown option '-%c'", optopt);
            else
                cli_usage_error(cmd, "unknown option '%s'", argv[idx] ? argv[idx] : "?");
            rc = CLI_EXIT_USAGE;
            break;
        }
        if (c == ':') {
            const char *o = argv[optind - 1] ? argv[optind - 1] : "?";
            if (optopt && optopt < 0x100)
                cli_usage_error(cmd, "option '-%c' needs a value", optopt);
            else
                cli_usage_error(cmd, "option '%s' needs a value", o);
            rc = CLI_EXIT_USAGE;
            break;
        }
        int h = handle_global(cmd, c, optarg, g);
        if (h < 0) {
            rc = CLI_EXIT_USAGE;
            break;
        }
        if (h == 0)
            continue;
        if (!on_opt || on_opt(c, optarg, ctx) < 0) {
            if (!on_opt)
                cli_usage_error(cmd, "unexpected option '%s'", optname(argv, optind));
            rc = CLI_EXIT_USAGE;
            break;
        }
    }
    *first_operand = optind;
    free(all);
    free(shorts);
    return rc;
}

int cli_lb_option(const char *cmd, int code, const char *arg, struct cli_lb_choice *ch)
{
    struct lb_selector *sel = ch->sel;
    switch (code) {
    case CLI_LB_ALB:
    case CLI_LB_STACK:
        if (!*arg) {
            cli_usage_error(cmd, "--%s needs a value", code == CLI_LB_ALB ? "alb" : "stack");
            return -1;
        }
        if (sel->kind != LB_SEL_NONE)
            ch->given++;
        sel->kind = code == CLI_LB_STACK         ? LB_SEL_STACK
                    : strncmp(arg, "arn:", 4) == 0 ? LB_SEL_ARN
                                                   : LB_SEL_NAME;
        free(sel->value);
        sel->value = xstrdup(arg);
        ch->given++;
        return 0;
    case CLI_LB_TAG: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            cli_usage_error(cmd, "--tag needs KEY=VALUE, not '%s'", arg);
            return -1;
        }
        if (sel->kind != LB_SEL_TAGS)
            ch->given += sel->kind == LB_SEL_NONE ? 1 : 2;
        sel->kind = LB_SEL_TAGS;
        struct kv *kv = ARRAY_PUSH(sel->tags, sel->n_tags, ch->cap_tags);
        kv->key = xstrndup(arg, (size_t)(eq - arg));
        kv->value = xstrdup(eq + 1);
        return 0;
    }
    }
    return 1;
}

int cli_lb_check(const char *cmd, const struct cli_lb_choice *ch)
{
    if (ch->given > 1) {
        cli_usage_error(cmd, "use one of --alb, --tag and --stack, once");
        return -1;
    }
    return 0;
}
