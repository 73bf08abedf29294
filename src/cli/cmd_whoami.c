/* cmd_whoami.c — `albcheck whoami`: the identity the credentials resolve to.
 *
 * Calls STS GetCallerIdentity and prints account, ARN and user id (or one JSON
 * object with --json, keyed as `aws sts get-caller-identity` does).  A failure
 * is one line on stderr with AWS's code, message, HTTP status and request id;
 * exit 3 for AWS, network and credential failures, 2 for usage.
 */
#include <jansson.h>
#include <stdlib.h>

#include "aws/sts.h"
#include "cli/cli.h"
#include "cli/session.h"
#include "util/err.h"

enum { OPT_JSON = 0x2000 };

static const struct option opts[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {0, 0, 0, 0},
};

struct whoami_opts {
    bool json;
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: albcheck whoami [OPTIONS]\n\n"
                 "Show the AWS account, ARN and user id that albcheck's credentials resolve\n"
                 "to (STS GetCallerIdentity).\n\n"
                 "Options:\n"
                 "      --json               print one JSON object {Account, Arn, UserId}\n");
    cli_print_global_help(out);
}

static int on_opt(int code, const char *arg, void *ctx)
{
    (void)arg;
    struct whoami_opts *o = ctx;
    if (code == OPT_JSON) {
        o->json = true;
        return 0;
    }
    cli_usage_error("whoami", "unexpected option");
    return -1;
}

int cmd_whoami(int argc, char **argv, struct cli_globals *g)
{
    struct whoami_opts o = {0};
    struct sts_identity id = {0};
    struct aws_client *c = NULL;
    struct err e;
    err_clear(&e);
    int first, status = EXIT_PASS;
    int rc = cli_parse(argc, argv, "whoami", opts, "", on_opt, &o, usage, g, &first);
    if (rc == CLI_EXIT_HELP)
        return EXIT_PASS;
    if (rc == CLI_EXIT_USAGE)
        return EXIT_USAGE;
    if (first < argc) {
        cli_usage_error("whoami", "unexpected argument '%s'", argv[first]);
        return EXIT_USAGE;
    }
    c = session_client_new(g, &e);
    if (!c || sts_get_caller_identity(session_sts_client(c), &id, &e) < 0) {
        if (e.code == ERR_USAGE)
            cli_usage_error("whoami", "%s", e.msg);
        else
            fprintf(stderr, "albcheck whoami: %s\n", e.msg);
        status = err_exit_status(e.code);
        goto out;
    }
    if (o.json) {
        json_t *j = json_pack("{s:s, s:s, s:s}", "Account", id.account, "Arn", id.arn, "UserId",
                              id.user_id);
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        printf("Account  %s\nArn      %s\nUserId   %s\n", id.account, id.arn, id.user_id);
    }
    if (fflush(stdout) != 0)
        status = EXIT_USAGE;
out:
    sts_identity_cleanup(&id);
    session_client_free(c);
    return status;
}
