/* correlate.c — poll CloudWatch Logs for the run's tokens and judge each
 * probe's `logs` check (see correlate.h).  A round fetches every group once;
 * with opts.parallel > 1 the groups are fetched concurrently on a pool, so a
 * round costs the slowest group, not the sum of them. */
#include "logs/correlate.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/pool.h"
#include "util/xmalloc.h"

struct found {
    bool seen;              /* seen anywhere */
    bool in_expected;
    char *group, *stream, *message;
    int64_t timestamp_ms, ingestion_ms;
    char **others;          /* other groups it was seen in */
    size_t n_others, cap_others;
};

struct index_entry {
    const char *token;
    size_t probe;
};

struct state {
    const struct corr_opts *o;
    const struct corr_probe *probes;
    size_t n;
    struct found *found;
    struct index_entry *index;  /* sorted by token, for bsearch */
    size_t prefix_len;
};

static int64_t real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void real_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static bool token_char(char c)
{
    return isalnum((unsigned char)c) != 0;
}

bool correlate_token_in(const char *message, const char *token)
{
    size_t tl = strlen(token);
    if (!tl)
        return false;
    for (const char *p = strstr(message, token); p; p = strstr(p + 1, token)) {
        bool left_ok = p == message || !token_char(p[-1]);
        bool right_ok = !token_char(p[tl]) && p[tl] != '-';
        if (left_ok && right_ok)
            return true;
    }
    return false;
}

char *correlate_filter_pattern(const char *token_prefix)
{
    return xasprintf("\"%s\"", token_prefix);
}

const char *correlate_stream_task(const char *stream)
{
    if (!stream)
        return NULL;
    const char *slash = strrchr(stream, '/');
    return slash ? slash + 1 : stream;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct index_entry *)a)->token, ((const struct index_entry *)b)->token);
}

static void note_other(struct found *f, const char *group)
{
    for (size_t i = 0; i < f->n_others; i++)
        if (strcmp(f->others[i], group) == 0)
            return;
    char **slot = ARRAY_PUSH(f->others, f->n_others, f->cap_others);
    *slot = xstrdup(group);
}

static void record(struct state *st, size_t i, const struct corr_event *ev)
{
    struct found *f = &st->found[i];
    const struct corr_probe *p = &st->probes[i];
    const char *group = ev->group ? ev->group : "?";
    bool expected = p->expected_group && strcmp(group, p->expected_group) == 0;
    if (!expected) {
        note_other(f, group);
    }
    /* Keep the first sighting; a sighting in the expected group wins. */
    if (!f->seen || (expected && !f->in_expected)) {
        free(f->group);
        free(f->stream);
        free(f->message);
        f->group = xstrdup(group);
        f->stream = xstrdup(ev->stream);
        f->message = xstrdup(ev->message);
        f->timestamp_ms = ev->timestamp_ms;
        f->ingestion_ms = ev->ingestion_ms;
    }
    f->seen = true;
    f->in_expected = f->in_expected || expected;
}

/* Scan a message for every occurrence of the run's prefix and look the full
 * token up in the index. */
static void on_event(void *ctx, const struct corr_event *ev)
{
    struct state *st = ctx;
    if (!ev->message)
        return;
    const char *prefix = st->o->token_prefix;
    for (const char *p = strstr(ev->message, prefix); p; p = strstr(p + 1, prefix)) {
        if (p != ev->message && token_char(p[-1]))
            continue;
        const char *end = p + st->prefix_len;
        while (token_char(*end))
            end++;
        if (*end == '-')
            continue; /* a longer token of another shape: not ours */
        char tok[256];
        size_t len = (size_t)(end - p);
        if (len >= sizeof tok)
            continue;
        memcpy(tok, p, len);
        tok[len] = '\0';
        struct index_entry key = {tok, 0};
        struct index_entry *hit = bsearch(&key, st->index, st->n, sizeof *st->index, cmp_entry);
        if (hit)
            record(st, hit->probe, ev);
    }
}

static bool all_settled(const struct state *st)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->probes[i].answered && st->probes[i].expected_group && !st->found[i].seen)
            return false;
    return true;
}

static void add_strv(char ***v, size_t *n, const char *const *src, size_t count)
{
    *v = xcalloc(count ? count : 1, sizeof **v);
    for (size_t i = 0; i < count; i++)
        (*v)[i] = xstrdup(src[i]);
    *n = count;
}

static void judge(struct state *st, size_t i, struct run_result *run, const char *last_error,
                  bool interrupted, int64_t end_ms)
{
    const struct corr_probe *p = &st->probes[i];
    const struct corr_opts *o = st->o;
    struct found *f = &st->found[i];
    char id[512], name[512];
    snprintf(id, sizeof id, "logs:%s", p->probe_id);
    snprintf(name, sizeof name, "logs %s", p->probe_name);
    struct check_result *c =
        run_check(run, run_add_check(run, "logs", p->service ? p->service : "load-balancer", id, name));
    c->started_ms = p->sent_ms;

    struct log_evidence *le = xcalloc(1, sizeof *le);
    le->token = xstrdup(p->token);
    le->expected_group = xstrdup(p->expected_group);
    add_strv(&le->searched_groups, &le->n_searched_groups, o->groups, o->n_groups);
    le->window_start_ms = o->start_ms;
    le->window_end_ms = end_ms;
    le->pattern = o->insights ? xstrdup("Logs Insights: fields @timestamp, @log, @logStream, @message")
                              : correlate_filter_pattern(o->token_prefix);
    c->log = le;
    if (p->token)
        check_detail(c, "token", "%s", p->token);
    check_detail(c, "expected group", "%s", p->expected_group ? p->expected_group : "(none)");

    if (!p->answered) {
        check_set(c, CHECK_SKIP, "no log line expected: the probe was not answered by a target");
        return;
    }
    if (f->seen) {
        le->found_group = xstrdup(f->group);
        le->stream = xstrdup(f->stream);
        le->task_id = xstrdup(correlate_stream_task(f->stream));
        le->message = xstrdup(f->message);
        le->event_ms = f->timestamp_ms;
        le->ingestion_ms = f->ingestion_ms;
        int64_t arrived = f->ingestion_ms ? f->ingestion_ms : f->timestamp_ms;
        le->delay_s = p->sent_ms ? (double)(arrived - p->sent_ms) / 1000.0 : 0;
        le->other_groups = f->others;
        le->n_other_groups = f->n_others;
        f->others = NULL;
        f->n_others = 0;
        check_detail(c, "found in", "%s", f->group);
        check_detail(c, "stream", "%s", f->stream ? f->stream : "?");
        check_detail(c, "log line", "%s", f->message ? f->message : "");
        check_detail(c, "delivery delay", "%.1f s", le->delay_s);
    }
    if (f->seen && f->in_expected && le->n_other_groups == 0) {
        check_set(c, CHECK_PASS, "found in %s, stream %s, %.1f s after the probe", f->group,
                  f->stream ? f->stream : "?", le->delay_s);
    } else if (f->seen && f->in_expected) {
        check_set(c, CHECK_FAIL, "found in %s but also in %s", p->expected_group,
                  le->other_groups[0]);
    } else if (f->seen) {
        check_set(c, CHECK_FAIL, "token %s reached %s (stream %s), not %s", p->token, f->group,
                  f->stream ? f->stream : "?", p->expected_group);
        check_hint(c, "the request was served by the wrong service: compare the listener rules "
                      "with the load balancer's actual routing");
    } else if (interrupted) {
        check_set(c, CHECK_SKIP, "not run: the run was stopped before the token was found");
    } else if (last_error) {
        check_set(c, CHECK_ERROR, "%s", last_error);
    } else {
        struct buf g;
        buf_init(&g, 8192);
        for (size_t k = 0; k < o->n_groups; k++)
            buf_printf(&g, "%s%s", k ? ", " : "", o->groups[k]);
        check_set(c, CHECK_FAIL,
                  "token %s not found in %s within %d s (searched %s; pattern %s; window from %.1f s "
                  "before the run)",
                  p->token, p->expected_group, o->wait_s, buf_str(&g), le->pattern,
                  (double)(p->sent_ms - o->start_ms) / 1000.0);
        check_hint(c, "does the service log its access lines with the query string or the "
                      "X-Request-Id header? is its awslogs driver delivering to this group?");
        buf_cleanup(&g);
    }
}

/* One group's fetch in a round, run on the pool when o->parallel > 1. */
struct group_job {
    const struct corr_source *src;
    struct state *st;
    pthread_mutex_t *lock;      /* serialises emit into st; NULL when serial */
    const char *group, *pattern;
    int64_t end_ms;
    unsigned calls;
    int rc;
    struct err e;
};

static void locked_on_event(void *ctx, const struct corr_event *ev)
{
    struct group_job *j = ctx;
    pthread_mutex_lock(j->lock);
    on_event(j->st, ev);
    pthread_mutex_unlock(j->lock);
}

static void group_job_run(void *arg)
{
    struct group_job *j = arg;
    j->rc = j->src->fetch_group(j->src->ctx, j->group, j->pattern, j->st->o->start_ms, j->end_ms,
                                j->lock ? locked_on_event : on_event, j->lock ? (void *)j : j->st,
                                &j->calls, &j->e);
}

/* Fetch every group once: one call (per page) per group, concurrently on
 * `pool` when there is one, else one after the other.  Adds the calls made to
 * *calls; the last failure's message replaces *last_error. */
static void fetch_round(const struct corr_source *src, struct state *st, struct pool *pool,
                        const char *pattern, int64_t end_ms, unsigned *calls, char **last_error)
{
    const struct corr_opts *o = st->o;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct group_job *jobs = xcalloc(o->n_groups ? o->n_groups : 1, sizeof *jobs);
    for (size_t g = 0; g < o->n_groups; g++) {
        jobs[g] = (struct group_job){.src = src, .st = st, .lock = pool ? &lock : NULL,
                                     .group = o->groups[g], .pattern = pattern, .end_ms = end_ms};
        if (pool)
            pool_submit(pool, group_job_run, &jobs[g]);
        else
            group_job_run(&jobs[g]);
    }
    if (pool)
        pool_wait(pool);
    for (size_t g = 0; g < o->n_groups; g++) {
        *calls += jobs[g].calls;
        if (jobs[g].rc < 0) {
            free(*last_error);
            *last_error = xstrdup(jobs[g].e.msg);
            log_trace(1, "logs: %s: %s", jobs[g].group, jobs[g].e.msg);
        }
    }
    free(jobs);
    pthread_mutex_destroy(&lock);
}

int correlate_run(const struct corr_source *src, const struct corr_opts *o,
                  const struct corr_probe *probes, size_t n, struct run_result *run,
                  struct corr_stats *stats)
{
    int64_t (*now)(void) = o->now_ms ? o->now_ms : real_now_ms;
    void (*sleep_fn)(long) = o->sleep_ms ? o->sleep_ms : real_sleep_ms;
    struct state st = {.o = o, .probes = probes, .n = n};
    st.found = xcalloc(n ? n : 1, sizeof *st.found);
    st.index = xcalloc(n ? n : 1, sizeof *st.index);
    st.prefix_len = strlen(o->token_prefix);
    for (size_t i = 0; i < n; i++)
        st.index[i] = (struct index_entry){probes[i].token ? probes[i].token : "", i};
    qsort(st.index, n, sizeof *st.index, cmp_entry);

    struct corr_stats local = {0};
    int64_t t0 = now();
    int64_t give_up = t0 + (int64_t)o->wait_s * 1000;
    if (o->deadline_ms && o->deadline_ms < give_up)
        give_up = o->deadline_ms;
    char *pattern = correlate_filter_pattern(o->token_prefix);
    char *last_error = NULL;
    bool interrupted = false;
    /* The first re-poll comes soon (a line written just after its answer is
     * often one delivery away), then doubling to 2 s between rounds. */
    long backoff_ms = 100;
    int64_t end_ms = t0;
    struct pool *pool = NULL;
    if (o->parallel > 1 && o->n_groups > 1 && !o->insights)
        pool = pool_new(o->parallel < (int)o->n_groups ? o->parallel : (int)o->n_groups);

    while (n && !all_settled(&st)) {
        if (o->stop && *o->stop) {
            interrupted = true;
            break;
        }
        end_ms = now() + 5 * 60 * 1000; /* tolerate skewed clocks on the far side too */
        unsigned before = local.calls;
        struct err e = {0};
        free(last_error);
        last_error = NULL;
        if (o->insights && src->fetch_all) {
            if (src->fetch_all(src->ctx, o->groups, o->n_groups, o->token_prefix, o->start_ms,
                               end_ms, on_event, &st, &local.calls, &e) < 0)
                last_error = xstrdup(e.msg);
        } else {
            fetch_round(src, &st, pool, pattern, end_ms, &local.calls, &last_error);
        }
        local.rounds++;
        unsigned used = local.calls - before;
        if (used > local.max_calls_per_round)
            local.max_calls_per_round = used;
        log_trace(1, "logs: round %d: %u API calls, %s", local.rounds, used,
                  all_settled(&st) ? "every token found" : "still waiting");
        if (all_settled(&st))
            break;
        int64_t t = now();
        if (t >= give_up) {
            if (o->deadline_ms && t >= o->deadline_ms)
                interrupted = true;
            break;
        }
        long wait = backoff_ms;
        if (t + wait > give_up)
            wait = (long)(give_up - t);
        sleep_fn(wait);
        backoff_ms = backoff_ms * 2 > 2000 ? 2000 : backoff_ms * 2;
    }
    local.seconds = (double)(now() - t0) / 1000.0;
    pool_free(pool);

    for (size_t i = 0; i < n; i++)
        judge(&st, i, run, last_error, interrupted, end_ms);

    for (size_t i = 0; i < n; i++) {
        free(st.found[i].group);
        free(st.found[i].stream);
        free(st.found[i].message);
        strv_free(st.found[i].others, st.found[i].n_others);
    }
    free(st.found);
    free(st.index);
    free(pattern);
    free(last_error);
    if (stats)
        *stats = local;
    return interrupted ? -1 : 0;
}
