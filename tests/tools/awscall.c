/* awscall.c — make one AWS call with the client and print what happened.
 *
 *   awscall [OPTIONS] ENDPOINT SERVICE OPERATION [ARGS]
 *
 * SERVICE is elbv2, ecs, logs, sts or cfn.  For Query services ARGS are
 * key=value parameters; for JSON services ARGS is one JSON object (default
 * {}).  Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN (a fixed example key when unset); AWS_MAX_ATTEMPTS and
 * AWS_RETRY_MODE are read as the CLI reads them.  For script tests
 * (tests/integration/test_aws_transport.py).
 *
 * Output: on success the answer (XML or JSON) on stdout; on failure
 * "error: <message>" on stderr; then always "attempts: N" on stdout, and on
 * failure "code: <kind>", "aws_code: …", "request_id: …", "status: N" lines,
 * and with --no-sleep the retry delays as "sleeps: ms,ms".  With --threads N
 * the call is made N times at once from N threads on one client and only
 * "calls: ok/N" and "attempts: total" are printed.  Exit status as
 * albcheck's (0, or 3 for AWS/network failures, 2 for usage).
 */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "cli/session.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static long sleeps[64];
static int n_sleeps;

static pthread_mutex_t sleeps_lock = PTHREAD_MUTEX_INITIALIZER;

static void record_sleep(long ms)
{
    pthread_mutex_lock(&sleeps_lock);
    if (n_sleeps < 64)
        sleeps[n_sleeps++] = ms;
    pthread_mutex_unlock(&sleeps_lock);
}

static int get_creds(void *ctx, struct aws_creds *out, struct err *e)
{
    (void)e;
    aws_creds_copy(out, ctx);
    return 0;
}

struct job {
    struct aws_client *c;
    enum aws_service svc;
    const char *op;
    int rc;
};

static void *job_run(void *arg)
{
    struct job *j = arg;
    struct err e;
    if (aws_service_info(j->svc)->protocol == AWS_PROTO_QUERY) {
        xmlDocPtr doc = NULL;
        j->rc = aws_query_call(j->c, j->svc, j->op, NULL, &doc, &e);
        xmlFreeDoc(doc);
    } else {
        json_t *out = NULL;
        j->rc = aws_json_call(j->c, j->svc, j->op, NULL, &out, &e);
        json_decref(out);
    }
    if (j->rc < 0)
        fprintf(stderr, "error: %s\n", e.msg);
    return NULL;
}

/* The same call from n threads at once on one client. */
static int run_threads(struct aws_client *c, enum aws_service svc, const char *op, int n)
{
    pthread_t *tid = xcalloc((size_t)n, sizeof *tid);
    struct job *jobs = xcalloc((size_t)n, sizeof *jobs);
    for (int i = 0; i < n; i++) {
        jobs[i] = (struct job){c, svc, op, -1};
        pthread_create(&tid[i], NULL, job_run, &jobs[i]);
    }
    int ok = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(tid[i], NULL);
        ok += jobs[i].rc == 0;
    }
    struct aws_call_stat st;
    size_t ns = aws_client_stats(c, &st, 1);
    printf("calls: %d/%d\nattempts: %u\nstat: %s calls=%u attempts=%u failures=%u\n", ok, n,
           aws_client_total_attempts(c), ns ? st.operation : "-", ns ? st.calls : 0,
           ns ? st.attempts : 0, ns ? st.failures : 0);
    free(tid);
    free(jobs);
    return ok == n ? EXIT_PASS : EXIT_AWS;
}

static int usage(void)
{
    fprintf(stderr, "usage: awscall [-v] [--max-attempts N] [--timeout-ms N] "
                    "[--connect-timeout-ms N] [--max-bytes N] [--no-sleep] [--unsigned] "
                    "[--threads N] [--insecure] [--ca-file PEM] "
                    "ENDPOINT SERVICE OPERATION [ARGS]\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"max-attempts", required_argument, NULL, 'm'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"connect-timeout-ms", required_argument, NULL, 'c'},
        {"max-bytes", required_argument, NULL, 'b'},
        {"no-sleep", no_argument, NULL, 's'},
        {"unsigned", no_argument, NULL, 'u'},
        {"verbose", no_argument, NULL, 'v'},
        {"threads", required_argument, NULL, 'T'},
        {"insecure", no_argument, NULL, 'k'},
        {"ca-file", required_argument, NULL, 'C'},
        {0, 0, 0, 0},
    };
    struct aws_client_opts o;
    memset(&o, 0, sizeof o);
    struct err e;
    err_clear(&e);
    int max_attempts = 0, unsigned_req = 0, threads = 0, c;
    o.region = getenv("AWS_REGION") ? getenv("AWS_REGION") : "us-east-1";
    if (session_retry_settings(&o, &e) < 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        return EXIT_USAGE;
    }
    while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': max_attempts = atoi(optarg); break;
        case 't': o.timeout_ms = atol(optarg); break;
        case 'c': o.connect_timeout_ms = atol(optarg); break;
        case 'b': o.max_response_bytes = (size_t)atol(optarg); break;
        case 's': o.sleep_ms = record_sleep; break;
        case 'u': unsigned_req = 1; break;
        case 'v': log_set_verbosity(log_verbosity() + 1); break;
        case 'T': threads = atoi(optarg); break;
        case 'k': o.insecure = true; break;
        case 'C': o.ca_file = optarg; break;
        default: return usage();
        }
    }
    if (max_attempts > 0)
        o.max_attempts = max_attempts;
    if (argc - optind < 3)
        return usage();
    const char *endpoint = argv[optind], *svcname = argv[optind + 1], *op = argv[optind + 2];
    static const char *const names[AWS_SVC_COUNT] = {"elbv2", "ecs", "logs", "sts", "cfn"};
    int svc = -1;
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        if (strcmp(svcname, names[i]) == 0)
            svc = i;
    if (svc < 0)
        return usage();
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        o.endpoints[i] = endpoint;

    struct aws_creds creds = {0};
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    creds.access_key_id = xstrdup(id ? id : "AKIDEXAMPLE");
    creds.secret_access_key = xstrdup(secret ? secret : "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    creds.session_token = xstrdup(getenv("AWS_SESSION_TOKEN"));
    if (!unsigned_req) {
        o.creds.get = get_creds;
        o.creds.ctx = &creds;
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    int rc = -1;
    struct aws_client *cl = aws_client_new(&o, &e);
    if (cl && threads > 0) {
        rc = run_threads(cl, (enum aws_service)svc, op, threads);
        aws_client_free(cl);
        aws_creds_cleanup(&creds);
        xmlCleanupParser();
        curl_global_cleanup();
        return rc;
    }
    if (cl) {
        if (aws_service_info((enum aws_service)svc)->protocol == AWS_PROTO_QUERY) {
            struct aws_query q;
            aws_query_init(&q);
            for (int i = optind + 3; i < argc; i++) {
                char *eq = strchr(argv[i], '=');
                char *k = eq ? xstrndup(argv[i], (size_t)(eq - argv[i])) : xstrdup(argv[i]);
                aws_query_add(&q, k, eq ? eq + 1 : "");
                free(k);
            }
            xmlDocPtr doc = NULL;
            rc = aws_query_call(cl, (enum aws_service)svc, op, &q, &doc, &e);
            if (rc == 0) {
                xmlChar *mem = NULL;
                int len = 0;
                xmlDocDumpMemory(doc, &mem, &len);
                fwrite(mem, 1, (size_t)len, stdout);
                xmlFree(mem);
                xmlFreeDoc(doc);
            }
            aws_query_cleanup(&q);
        } else {
            json_t *in = NULL, *out = NULL;
            if (argc > optind + 3) {
                json_error_t je;
                in = json_loads(argv[optind + 3], 0, &je);
                if (!in) {
                    fprintf(stderr, "error: input JSON: %s\n", je.text);
                    return EXIT_USAGE;
                }
            }
            rc = aws_json_call(cl, (enum aws_service)svc, op, in, &out, &e);
            if (rc == 0) {
                char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
                printf("%s\n", s);
                free(s);
            }
            json_decref(in);
            json_decref(out);
        }
    }
    printf("attempts: %d\n", e.attempts);
    if (rc < 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        printf("code: %s\naws_code: %s\nrequest_id: %s\nstatus: %d\n", err_code_name(e.code),
               e.aws_code, e.request_id, e.http_status);
    }
    if (o.sleep_ms) {
        printf("sleeps: ");
        for (int i = 0; i < n_sleeps; i++)
            printf("%s%ld", i ? "," : "", sleeps[i]);
        printf("\n");
    }
    aws_client_free(cl);
    aws_creds_cleanup(&creds);
    xmlCleanupParser();
    curl_global_cleanup();
    return rc < 0 ? err_exit_status(e.code) : EXIT_PASS;
}
