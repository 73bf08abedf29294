/* cmd_validate.c — `albcheck validate FILE...`: check suite files offline.
 *
 * Loads each suite with suite_load_file() (which validates everything and
 * compiles the regexes) and says "FILE: ok (N services, M probes)" or the
 * error "FILE:LINE:COLUMN: message" on stderr.  Never calls AWS.  Exit 0 when
 * every file is valid, 2 otherwise.  --json prints one JSON object instead:
 * {"files":[{"file":…,"ok":true,"services":N,"probes":M} | {"file":…,"ok":false,
 * "error":…,"line":L,"column":C}]}.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "suite/suite.h"
#include "util/err.h"

enum { OPT_JSON = 0x100 };

struct validate_opts {
    bool json;
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: albcheck validate [OPTIONS] FILE...\n\n"
                 "Check suite files without calling AWS: JSON syntax, unknown keys, types,\n"
                 "required fields, regexes and values.  Errors are printed as\n"
                 "FILE:LINE:COLUMN: message.  Exit status 0 when every file is valid, 2 if not.\n\n"
                 "Options:\n"
                 "      --json               print the results as JSON on stdout\n\n");
    cli_print_global_help(out);
}

static int on_opt(int code, const char *arg, void *ctx)
{
    (void)arg;
    struct validate_opts *o = ctx;
    if (code == OPT_JSON) {
        o->json = true;
        return 0;
    }
    return -1;
}

/* Pull LINE and COLUMN back out of "FILE:LINE:COLUMN: msg" for --json. */
static void split_position(const char *msg, const char *file, int *line, int *col,
                           const char **text)
{
    *line = *col = 0;
    *text = msg;
    size_t fl = strlen(file);
    if (strncmp(msg, file, fl) != 0 || msg[fl] != ':')
        return;
    int used = 0;
    if (sscanf(msg + fl, ":%d:%d: %n", line, col, &used) == 2 && used > 0)
        *text = msg + fl + used;
    else
        *line = *col = 0;
}

int cmd_validate(int argc, char **argv, struct cli_globals *g)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {0, 0, 0, 0},
    };
    struct validate_opts o = {0};
    int first;
    int rc = cli_parse(argc, argv, "validate", opts, NULL, on_opt, &o, usage, g, &first);
    if (rc == CLI_EXIT_HELP)
        return EXIT_PASS;
    if (rc == CLI_EXIT_USAGE)
        return EXIT_USAGE;
    if (first >= argc) {
        cli_usage_error("validate", "a suite file is needed");
        return EXIT_USAGE;
    }
    json_t *files = o.json ? json_array() : NULL;
    int status = EXIT_PASS;
    for (int i = first; i < argc; i++) {
        struct suite *s = NULL;
        struct err e;
        err_clear(&e);
        if (suite_load_file(argv[i], &s, &e) < 0) {
            status = EXIT_USAGE;
            if (files) {
                int line, col;
                const char *text;
                split_position(e.msg, argv[i], &line, &col, &text);
                json_t *f = json_pack("{s:s, s:b, s:s, s:s}", "file", argv[i], "ok", 0, "kind",
                                      err_code_name(e.code), "error", text);
                if (f && line > 0) {
                    json_object_set_new(f, "line", json_integer(line));
                    json_object_set_new(f, "column", json_integer(col));
                }
                json_array_append_new(files, f);
            }
            fprintf(stderr, "%s\n", e.msg);
            continue;
        }
        if (files)
            json_array_append_new(files, json_pack("{s:s, s:b, s:s, s:I, s:I}", "file", argv[i],
                                                   "ok", 1, "name", s->name, "services",
                                                   (json_int_t)s->n_services, "probes",
                                                   (json_int_t)s->n_probes));
        else if (!g->quiet)
            printf("%s: ok (%zu service%s, %zu probe%s)\n", argv[i], s->n_services,
                   s->n_services == 1 ? "" : "s", s->n_probes, s->n_probes == 1 ? "" : "s");
        suite_free(s);
    }
    if (files) {
        json_t *doc = json_pack("{s:o, s:b}", "files", files, "ok", status == EXIT_PASS);
        char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(doc);
    }
    return status;
}
