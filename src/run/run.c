/* run.c — one `albcheck run` (see run.h).
 *
 *   suite ─► client ─► discovery ─► [zero config] ─► [wait healthy]
 *         ─► static checks ─► probes ─► log correlation ─► reports
 *
 * Each phase appends check results to the run and prints them as they come;
 * a phase that cannot start leaves a check explaining why, and the reports
 * are written on every path after the suite was read.
 */
#include "run/run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/logs.h"
#include "checks/checks.h"
#include "checks/rules.h"
#include "cli/session.h"
#include "discover/discover.h"
#include "logs/correlate.h"
#include "probe/probe.h"
#include "report/report.h"
#include "suite/suite.h"
#include "util/log.h"
#include "util/xmalloc.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct runner {
    const struct run_opts *o;
    const struct cli_globals *g;
    struct suite *suite;
    struct run_result *r;
    struct aws_client *client;
    struct topology *topo;
    struct report_console_opts console;
    size_t printed;             /* checks already printed */
    int64_t deadline_ms;
    volatile sig_atomic_t stop; /* stop_signal or the deadline */
};

static bool should_stop(struct runner *x)
{
    if (stop_signal)
        x->stop = 1;
    if (x->deadline_ms && now_ms() >= x->deadline_ms)
        x->stop = 1;
    if (x->stop && !x->r->interrupted) {
        x->r->interrupted = true;
        free(x->r->interrupt_reason);
        if (stop_signal)
            x->r->interrupt_reason =
                xstrdup(stop_signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
        else
            x->r->interrupt_reason = xasprintf("deadline of %ld s reached", x->o->deadline_s);
    }
    return x->stop != 0;
}

/* Log checks left unfinished by a stop say why the run stopped ("not run:
 * interrupted (SIGINT) before the token was found", "not run: deadline of 3 s
 * reached"): correlate.c only knows that it was stopped. */
static void name_stop_reason(struct runner *x)
{
    static const char stopped[] = "not run: the run was stopped";
    if (!should_stop(x) || !x->r->interrupt_reason)
        return;
    for (size_t i = 0; i < x->r->n_checks; i++) {
        struct check_result *c = &x->r->checks[i];
        if (c->status != CHECK_SKIP || strcmp(c->kind, "logs") != 0 || !c->message ||
            strncmp(c->message, stopped, sizeof stopped - 1) != 0 ||
            strstr(c->message, x->r->interrupt_reason))
            continue;
        char *rest = xstrdup(c->message + sizeof stopped - 1);
        check_set(c, CHECK_SKIP, "not run: %s%s", x->r->interrupt_reason, rest);
        free(rest);
    }
}

static void print_new(struct runner *x)
{
    for (; x->printed < x->r->n_checks; x->printed++)
        report_console_check(stdout, &x->r->checks[x->printed], &x->console);
    fflush(stdout);
}

/* A run-level check for what stopped a phase (AWS unreachable …). */
static void add_run_error(struct runner *x, const char *id, const char *name, enum check_status st,
                          const char *msg)
{
    struct check_result *c =
        run_check(x->r, run_add_check(x->r, "run", "load-balancer", id, name));
    check_set(c, st, "%s", msg);
}

/* ---------------------------------------------------------------- suite */

static void apply_overrides(struct runner *x)
{
    const struct run_opts *o = x->o;
    struct suite *s = x->suite;
    if (o->lb.kind != LB_SEL_NONE) {
        lb_selector_cleanup(&s->lb);
        lb_selector_copy(&s->lb, &o->lb);
    }
    if (o->no_logs)
        s->logs.enabled = false;
    if (o->log_wait_s >= 0)
        s->logs.wait_s = (int)o->log_wait_s;
    if (o->logs_mode)
        s->logs.mode = strcmp(o->logs_mode, "insights") == 0 ? LOGS_INSIGHTS : LOGS_FILTER;
    if (o->correlation) {
        static const char *const names[] = {"both", "query", "header", "off"};
        for (int i = 0; i < 4; i++)
            if (strcmp(o->correlation, names[i]) == 0)
                s->logs.correlation = (enum correlation_mode)i;
    }
}

/* A selector suite for zero config: only the load balancer, filled by derive. */
static struct suite *selector_suite(const struct run_opts *o)
{
    struct suite *s = suite_new_defaults();
    free(s->name);
    s->name = xstrdup("zero-config");
    (void)o;
    return s;
}

/* ---------------------------------------------------------------- discovery */

static int phase_discover(struct runner *x)
{
    const char **clusters = NULL;
    size_t n_clusters = 0, cap = 0;
    for (size_t i = 0; i < x->o->n_clusters; i++)
        *ARRAY_PUSH(clusters, n_clusters, cap) = x->o->clusters[i];
    if (!n_clusters)
        for (size_t i = 0; i < x->suite->n_services; i++) {
            const char *cl = x->suite->services[i].cluster;
            bool dup = false;
            for (size_t k = 0; cl && k < n_clusters; k++)
                dup = dup || strcmp(clusters[k], cl) == 0;
            if (cl && !dup)
                *ARRAY_PUSH(clusters, n_clusters, cap) = cl;
        }
    /* 16 calls in flight: round 2 (3 reads a service) overlaps the health reads. */
    struct discover_opts dopt = {&x->suite->lb, clusters, n_clusters, 16};
    struct err e = {0};
    double t0 = mono_s();
    int rc = discover_run(x->client, &dopt, &x->topo, &e);
    run_add_timing(x->r, "discovery", mono_s() - t0);
    free(clusters);
    if (rc == 0) {
        x->r->topology = x->topo;
        x->r->alb_name = xstrdup(x->topo->lb.name);
        x->r->alb_arn = xstrdup(x->topo->lb.arn);
        x->r->alb_dns = xstrdup(x->topo->lb.dns_name);
        return 0;
    }
    if (e.code == ERR_NOTFOUND) {
        const char *v = x->suite->lb.value ? x->suite->lb.value : "(by tags)";
        char id[300];
        snprintf(id, sizeof id, "alb:%s", v);
        struct check_result *c =
            run_check(x->r, run_add_check(x->r, "alb", "load-balancer", id, id));
        check_set(c, CHECK_FAIL, "%s", e.msg);
        x->r->alb_name = xstrdup(v);
        return -1;
    }
    add_run_error(x, "run:discovery", "discovery", CHECK_ERROR, e.msg);
    x->r->fatal = xstrdup(e.msg);
    x->r->fatal_exit = err_exit_status(e.code);
    return -1;
}

/* --wait-healthy: poll target health with backoff until every group of the
 * suite's services has its healthy minimum and nothing unhealthy. */
static void phase_wait_healthy(struct runner *x)
{
    if (x->o->wait_healthy_s <= 0)
        return;
    double t0 = mono_s();
    long delay_ms = 500;
    for (;;) {
        bool ok = true;
        for (size_t i = 0; i < x->suite->n_services; i++) {
            const struct target_group *tg = topology_tg_by_name(x->topo, x->suite->services[i].target_group);
            int h, u, other;
            if (!tg)
                continue;
            checks_tg_health_counts(tg, &h, &u, &other);
            if (h < x->suite->services[i].min_healthy || u > 0 || other > 0)
                ok = false;
        }
        double waited = mono_s() - t0;
        if (ok) {
            printf("waited %.1f s for healthy targets\n", waited);
            break;
        }
        if (waited >= (double)x->o->wait_healthy_s || should_stop(x)) {
            printf("gave up waiting for healthy targets after %.1f s\n", waited);
            break;
        }
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        delay_ms = delay_ms * 2 > 5000 ? 5000 : delay_ms * 2;
        struct err e = {0};
        if (discover_refresh_health(x->client, x->topo, &e) < 0) {
            log_warn("--wait-healthy: %s", e.msg);
            break;
        }
    }
    run_add_timing(x->r, "wait-healthy", mono_s() - t0);
}

/* ---------------------------------------------------------------- probes */

struct probe_phase {
    struct probe_outcome *out;
    size_t n;
    enum probe_origin *origin;   /* kept before probe_record moves the evidence */
};

static void phase_probes(struct runner *x, struct probe_phase *pp)
{
    const struct suite *s = x->suite;
    memset(pp, 0, sizeof *pp);
    if (!s->n_probes)
        return;
    const struct listener *l = checks_probe_listener(x->topo);
    struct probe_target target = {
        .scheme = l && l->protocol && strcasecmp(l->protocol, "HTTPS") == 0 ? "https" : "http",
        .host = x->topo->lb.dns_name,
        .port = l ? l->port : 0,
    };
    struct probe_route *routes = xcalloc(s->n_probes, sizeof *routes);
    for (size_t i = 0; i < s->n_probes; i++) {
        struct rules_match m;
        struct err e = {0};
        routes[i].healthy_targets = routes[i].registered_targets = -1;
        if (checks_route_of(x->topo, &s->probes[i], &m, &e) < 0 || !m.action)
            continue;
        if (m.action->type && strcmp(m.action->type, "fixed-response") == 0)
            routes[i].fixed = m.action;
        if (m.action->n_targets) {
            const struct target_group *tg =
                topology_tg_by_arn(x->topo, m.action->targets[0].target_group_arn);
            if (tg) {
                int h, u, o;
                checks_tg_health_counts(tg, &h, &u, &o);
                routes[i].target_group = tg->name;
                routes[i].healthy_targets = h;
                routes[i].registered_targets = (int)tg->n_targets;
            }
        }
    }
    char **ct = NULL;
    size_t n_ct = 0;
    for (size_t i = 0; i < x->o->n_connect_to; i++) {
        ct = xreallocarray(ct, n_ct + 1, sizeof *ct);
        ct[n_ct++] = xstrdup(x->o->connect_to[i]);
    }
    struct err e = {0};
    if (probe_connect_to_from_env(&ct, &n_ct, &e) < 0)
        log_warn("ALBCHECK_CONNECT_TO ignored: %s", e.msg);
    struct probe_options po = {
        .concurrency = (int)x->o->concurrency,
        .connect_to = (const char *const *)ct,
        .n_connect_to = n_ct,
        .resolve = x->o->resolve,
        .n_resolve = x->o->n_resolve,
        .cacert = x->o->cacert,
        .insecure = x->o->insecure,
        .correlation = s->logs.correlation,
        .query_param = s->logs.query_param,
        .run_id = s->logs.correlation == CORR_OFF ? NULL : x->r->run_id,
        .stop = &stop_signal,
        .deadline_ms = x->deadline_ms,
    };
    double t0 = mono_s();
    if (probe_run_all(s->probes, s->n_probes, routes, &target, &po, &pp->out, &e) < 0) {
        add_run_error(x, "run:probes", "probes", CHECK_ERROR, e.msg);
    } else {
        pp->n = s->n_probes;
        pp->origin = xcalloc(pp->n, sizeof *pp->origin);
        for (size_t i = 0; i < pp->n; i++) {
            pp->origin[i] = pp->out[i].ev ? pp->out[i].ev->origin : ORIGIN_NONE;
            if (pp->out[i].ev)
                pp->out[i].ev->max_ms = s->probes[i].expect.max_ms; /* for the latency chart */
        }
        probe_record(x->r, s, pp->out, pp->n);
    }
    run_add_timing(x->r, "probes", mono_s() - t0);
    for (size_t i = 0; i < n_ct; i++)
        free(ct[i]);
    free(ct);
    free(routes);
}

/* ---------------------------------------------------------------- logs */

static int fetch_group(void *ctx, const char *group, const char *pattern, int64_t start_ms,
                       int64_t end_ms, corr_emit_fn *emit, void *emit_ctx, unsigned *calls,
                       struct err *e)
{
    struct aws_client *c = ctx;
    struct logs_filter f = {.group = group, .pattern = pattern, .start_ms = start_ms,
                            .end_ms = end_ms};
    struct log_events evs;
    log_events_init(&evs);
    int rc = logs_filter_log_events(c, &f, &evs, e);
    *calls += evs.pages ? evs.pages : 1;
    for (size_t i = 0; rc == 0 && i < evs.n; i++) {
        const struct log_event *le = &evs.items[i];
        struct corr_event ce = {group, le->stream, le->message, le->event_id, le->timestamp_ms,
                                le->ingestion_ms};
        emit(emit_ctx, &ce);
    }
    log_events_cleanup(&evs);
    return rc;
}

static const char *row_field(const struct logs_query_row *row, const char *name)
{
    for (size_t i = 0; i < row->n_fields; i++)
        if (row->fields[i].field && strcmp(row->fields[i].field, name) == 0)
            return row->fields[i].value;
    return NULL;
}

static int64_t parse_insights_time(const char *v)
{
    if (!v)
        return 0;
    /* Epoch milliseconds (moto) or "YYYY-MM-DD HH:MM:SS.mmm" (AWS). */
    char *end;
    long long ms = strtoll(v, &end, 10);
    if (*end == '\0')
        return ms;
    struct tm tm = {0};
    const char *rest = strptime(v, "%Y-%m-%d %H:%M:%S", &tm);
    if (!rest)
        return 0;
    int64_t t = (int64_t)timegm(&tm) * 1000;
    if (*rest == '.')
        t += strtol(rest + 1, NULL, 10);
    return t;
}

static int fetch_all(void *ctx, const char *const *groups, size_t n_groups,
                     const char *token_prefix, int64_t start_ms, int64_t end_ms,
                     corr_emit_fn *emit, void *emit_ctx, unsigned *calls, struct err *e)
{
    struct aws_client *c = ctx;
    char *query = xasprintf("fields @timestamp, @log, @logStream, @message, @ingestionTime"
                            " | filter @message like \"%s\" | sort @timestamp desc | limit 10000",
                            token_prefix);
    char *id = NULL;
    int rc = logs_start_query(c, groups, n_groups, query, start_ms / 1000, end_ms / 1000 + 1,
                              10000, &id, e);
    (*calls)++;
    free(query);
    if (rc < 0)
        return -1;
    long delay = 100;
    for (int polls = 0; polls < 100; polls++) {
        struct logs_query_result res = {0};
        rc = logs_get_query_results(c, id, &res, e);
        (*calls)++;
        if (rc < 0)
            break;
        bool done = res.status && strcmp(res.status, "Running") && strcmp(res.status, "Scheduled");
        if (done) {
            if (strcmp(res.status, "Complete") != 0)
                rc = err_set(e, ERR_AWS, "GetQueryResults: query %s ended %s", id, res.status);
            for (size_t i = 0; rc == 0 && i < res.n_rows; i++) {
                const struct logs_query_row *row = &res.rows[i];
                const char *log = row_field(row, "@log");
                const char *colon = log ? strchr(log, ':') : NULL;
                struct corr_event ce = {colon ? colon + 1 : log, row_field(row, "@logStream"),
                                        row_field(row, "@message"), NULL,
                                        parse_insights_time(row_field(row, "@timestamp")),
                                        parse_insights_time(row_field(row, "@ingestionTime"))};
                emit(emit_ctx, &ce);
            }
            logs_query_result_cleanup(&res);
            break;
        }
        logs_query_result_cleanup(&res);
        struct timespec ts = {0, delay * 1000000L};
        nanosleep(&ts, NULL);
        delay = delay * 2 > 1000 ? 1000 : delay * 2;
    }
    free(id);
    return rc < 0 ? -1 : 0;
}

static void phase_logs(struct runner *x, const struct probe_phase *pp)
{
    const struct suite *s = x->suite;
    /* Which probes get a logs check, and the groups to watch. */
    struct corr_probe *cp = xcalloc(pp->n + 1, sizeof *cp);
    size_t n = 0;
    const char **groups = xcalloc(s->n_services + 1, sizeof *groups);
    size_t n_groups = 0;
    for (size_t i = 0; i < s->n_services; i++) {
        const char *g = s->services[i].log_group;
        bool dup = false;
        for (size_t k = 0; g && k < n_groups; k++)
            dup = dup || strcmp(groups[k], g) == 0;
        if (g && !dup)
            groups[n_groups++] = g;
    }
    for (size_t i = 0; i < pp->n; i++) {
        const struct probe_spec *p = &s->probes[i];
        if (!p->check_logs || p->service < 0 || !s->services[p->service].log_group)
            continue;
        const struct probe_outcome *o = &pp->out[i];
        cp[n++] = (struct corr_probe){
            .token = o->token,
            .expected_group = s->services[p->service].log_group,
            .service = s->services[p->service].name,
            .probe_id = p->id,
            .probe_name = p->name,
            .sent_ms = o->sent_ms,
            .answered = pp->origin[i] == ORIGIN_SERVICE && o->token,
        };
    }
    double t0 = mono_s();
    if (!n) {
        /* nothing to correlate */
    } else if (!s->logs.enabled || s->logs.correlation == CORR_OFF || x->stop) {
        const char *why = !s->logs.enabled ? "skipped: log correlation is off (--no-logs)"
                          : x->stop        ? "not run: the run was stopped"
                                           : "skipped: correlation tokens are off";
        if (x->stop)
            should_stop(x); /* sets the reason, named below by name_stop_reason() */
        for (size_t i = 0; i < n; i++) {
            char id[600], name[600];
            snprintf(id, sizeof id, "logs:%s", cp[i].probe_id);
            snprintf(name, sizeof name, "logs %s", cp[i].probe_name);
            struct check_result *c =
                run_check(x->r, run_add_check(x->r, "logs", cp[i].service, id, name));
            check_set(c, CHECK_SKIP, "%s", why);
        }
    } else {
        char *prefix = xasprintf("albcheck-%s-", x->r->run_id);
        struct corr_source src = {fetch_group, fetch_all, x->client};
        struct corr_opts co = {
            .token_prefix = prefix,
            .groups = groups,
            .n_groups = n_groups,
            .start_ms = x->r->started_ms - (int64_t)s->logs.skew_s * 1000,
            .wait_s = s->logs.wait_s,
            .insights = s->logs.mode == LOGS_INSIGHTS,
            .stop = &stop_signal,
            .deadline_ms = x->deadline_ms,
            .parallel = 8, /* the groups of a round are fetched at once */
        };
        struct corr_stats st = {0};
        if (correlate_run(&src, &co, cp, n, x->r, &st) < 0)
            should_stop(x);
        name_stop_reason(x);
        log_trace(1, "logs: %d rounds, %u API calls (at most %u a round for %zu groups), %.2f s",
                  st.rounds, st.calls, st.max_calls_per_round, n_groups, st.seconds);
        free(prefix);
    }
    if (x->stop)
        name_stop_reason(x);
    run_add_timing(x->r, "logs", mono_s() - t0);
    free(cp);
    free(groups);
}

/* ---------------------------------------------------------------- reports */

static char *report_path(const char *dir, const char *explicit_path, const char *name)
{
    if (explicit_path)
        return xstrdup(explicit_path);
    return xasprintf("%s/%s", dir, name);
}

static int phase_reports(struct runner *x)
{
    if (x->o->no_reports && !x->o->junit && !x->o->html && !x->o->json)
        return 0;
    bool only_explicit = x->o->junit || x->o->html || x->o->json;
    char *junit = NULL, *html = NULL, *json = NULL;
    if (!only_explicit || x->o->junit)
        junit = report_path(x->o->report_dir, x->o->junit, "junit.xml");
    if (!only_explicit || x->o->html)
        html = report_path(x->o->report_dir, x->o->html, "report.html");
    if (!only_explicit || x->o->json)
        json = report_path(x->o->report_dir, x->o->json, "report.json");
    struct report_opts ro = {.junit_path = junit, .html_path = html, .json_path = json,
                             .suite = x->suite, .github = report_github_enabled()};
    struct err e = {0};
    double t0 = mono_s();
    x->r->finished_ms = now_ms();
    int rc = report_write_all(x->r, &ro, &e);
    if (rc < 0)
        fprintf(stderr, "albcheck: %s\n", e.msg);
    else if (!x->g->quiet)
        printf("reports: %s%s%s%s%s\n", junit ? junit : "", junit && (html || json) ? ", " : "",
               html ? html : "", html && json ? ", " : "", json ? json : "");
    if (ro.github && report_github_write(x->r, &ro, &e) < 0)
        fprintf(stderr, "albcheck: %s\n", e.msg);
    run_add_timing(x->r, "reports", mono_s() - t0);
    free(junit);
    free(html);
    free(json);
    return rc;
}

static void print_calls(struct runner *x)
{
    if (!x->client || log_verbosity() < 1)
        return;
    struct aws_call_stat st[64];
    size_t n = aws_client_stats(x->client, st, 64);
    unsigned total = 0;
    for (size_t i = 0; i < n && i < 64; i++) {
        log_trace(1, "aws calls: %-34s %3u call%s, %3u request%s%s", st[i].operation, st[i].calls,
                  st[i].calls == 1 ? "" : "s", st[i].attempts, st[i].attempts == 1 ? "" : "s",
                  st[i].failures ? " (some failed)" : "");
        total += st[i].attempts;
    }
    log_trace(1, "aws calls: %u requests in all", total);
}

/* ---------------------------------------------------------------- the run */

int run_execute(const struct run_opts *o, const struct cli_globals *g)
{
    struct runner x = {.o = o, .g = g};
    struct err e = {0};
    int status;
    double t_run = mono_s();

    if (o->suite_path) {
        if (suite_load_file(o->suite_path, &x.suite, &e) < 0) {
            fprintf(stderr, "albcheck: %s\n", e.msg);
            return err_exit_status(e.code);
        }
    } else {
        x.suite = selector_suite(o);
    }
    apply_overrides(&x);

    char *run_id = probe_run_id_new();
    x.r = run_result_new(run_id);
    free(run_id);
    x.r->started_ms = now_ms();
    x.r->suite_name = xstrdup(x.suite->name);
    x.r->suite_path = xstrdup(o->suite_path);
    if (o->deadline_s)
        x.deadline_ms = x.r->started_ms + o->deadline_s * 1000;
    x.console = (struct report_console_opts){report_color_wanted(g->color, stdout), g->quiet,
                                             g->verbose};

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    x.client = session_client_new(g, &e);
    if (!x.client) {
        if (e.code == ERR_USAGE) {
            fprintf(stderr, "albcheck: %s\n", e.msg);
            status = EXIT_USAGE;
            goto out_noreport;
        }
        add_run_error(&x, "run:credentials", "AWS credentials and settings", CHECK_ERROR, e.msg);
        x.r->fatal = xstrdup(e.msg);
        x.r->fatal_exit = EXIT_AWS;
        goto report;
    }
    x.r->region = xstrdup(aws_client_region(x.client));

    if (phase_discover(&x) < 0)
        goto report;
    if (!o->suite_path) {
        struct suite *derived = NULL;
        if (suite_derive(x.topo, &derived, &e) < 0) {
            add_run_error(&x, "run:derive", "zero-config suite", CHECK_FAIL, e.msg);
            goto report;
        }
        /* keep the flags' overrides */
        suite_free(x.suite);
        x.suite = derived;
        apply_overrides(&x);
        free(x.r->suite_name);
        x.r->suite_name = xstrdup(x.suite->name);
    }
    phase_wait_healthy(&x);

    double t0 = mono_s();
    struct check_ctx ctx = {x.suite, x.topo, x.r};
    checks_run_static(&ctx);
    run_add_timing(x.r, "static", mono_s() - t0);
    print_new(&x);

    struct probe_phase pp = {0};
    if (!should_stop(&x)) {
        phase_probes(&x, &pp);
        print_new(&x);
    }
    should_stop(&x);
    phase_logs(&x, &pp);
    print_new(&x);
    probe_outcomes_free(pp.out, pp.n);
    free(pp.origin);

report:
    should_stop(&x);
    print_new(&x);
    phase_reports(&x);
    x.r->finished_ms = now_ms();
    report_console_summary(stdout, x.r, &x.console);
    if (o->timings) {
        printf("timings:");
        for (size_t i = 0; i < x.r->n_timings; i++)
            printf(" %s %.3f s%s", x.r->timings[i].phase, x.r->timings[i].seconds,
                   i + 1 < x.r->n_timings ? "," : "");
        printf("; total %.3f s\n", mono_s() - t_run);
    }
    print_calls(&x);
    status = run_exit_status(x.r);
out_noreport:
    fflush(stdout);
    session_client_free(x.client);
    run_result_free(x.r);
    topology_free(x.topo);
    suite_free(x.suite);
    return status;
}
