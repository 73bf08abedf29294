/* creds_process.c — credential_process (run through /bin/sh -c with a
 * timeout and a capped stdout), plus the JSON/time/file helpers the
 * providers share. */
#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds_internal.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define PROCESS_STDOUT_MAX (64u * 1024u)
#define PROCESS_STDERR_MAX (8u * 1024u)

int creds_parse_time(const char *s, int64_t *out_s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    s += n;
    if (*s != 'T' && *s != 't' && *s != ' ')
        return -1;
    s++;
    if (sscanf(s, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8)
        return -1;
    s += n;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return -1;
        while (isdigit((unsigned char)*s))
            s++;
    }
    long off = 0;
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        int oh, om;
        int sign = *s == '-' ? -1 : 1;
        s++;
        if (sscanf(s, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
            s += 5;
        else if (sscanf(s, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4)
            s += 4;
        else
            return -1;
        off = sign * (oh * 3600L + om * 60L);
    } else {
        return -1;
    }
    if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out_s = (int64_t)t - off;
    return 0;
}

int creds_from_json(json_t *j, const char *what, const char *token_key, bool require_token,
                    bool require_expiration, struct aws_creds *out, struct err *e)
{
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *tk = token_key ? json_string_value(json_object_get(j, token_key)) : NULL;
    json_t *exp = json_object_get(j, "Expiration");
    int64_t exp_s = 0;
    if (!ak || !*ak)
        return err_set(e, ERR_PARSE, "%s: no AccessKeyId in the answer", what);
    if (!sk || !*sk)
        return err_set(e, ERR_PARSE, "%s: no SecretAccessKey in the answer", what);
    if (require_token && (!tk || !*tk))
        return err_set(e, ERR_PARSE, "%s: no %s in the answer", what, token_key);
    if (exp && !json_is_null(exp)) {
        if (!json_is_string(exp) || creds_parse_time(json_string_value(exp), &exp_s) < 0)
            return err_set(e, ERR_PARSE, "%s: Expiration is not an ISO 8601 time", what);
    } else if (require_expiration) {
        return err_set(e, ERR_PARSE, "%s: no Expiration in the answer", what);
    }
    out->access_key_id = xstrdup(ak);
    out->secret_access_key = xstrdup(sk);
    out->session_token = (tk && *tk) ? xstrdup(tk) : NULL;
    out->expiration_s = exp_s;
    return 0;
}

char *creds_read_small_file(const char *path, size_t max, const char *what, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_CONFIG, "%s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, max);
    char chunk[4096];
    size_t n;
    int bad = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(&b, chunk, n) < 0) {
            bad = 1;
            break;
        }
    if (!bad && ferror(f))
        bad = 2;
    fclose(f);
    if (bad) {
        if (b.data)
            memset(b.data, 0, b.len);
        buf_cleanup(&b);
        err_set(e, bad == 1 ? ERR_LIMIT : ERR_IO, "%s %s: %s", what, path,
                bad == 1 ? "file too large" : "read error");
        return NULL;
    }
    while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
        b.data[--b.len] = '\0';
    return buf_steal(&b);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Run cmd; collect stdout (capped: over the cap is an error) and stderr
 * (truncated).  Returns 0 with *status (waitpid status), -1 with e set. */
static int run_shell(const char *cmd, long timeout_ms, const char *what, struct buf *out,
                     struct buf *errb, int *status, struct err *e)
{
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    int rc = -1;
    pid_t pid = -1;
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        err_set(e, ERR_IO, "%s: pipe: %s", what, strerror(errno));
        goto out;
    }
    pid = fork();
    if (pid < 0) {
        err_set(e, ERR_IO, "%s: fork: %s", what, strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    po[1] = pe[1] = -1;

    long deadline = now_ms() + timeout_ms;
    bool too_big = false, timed_out = false;
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        long left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        int pr = poll(fds, 2, (int)(left > 1000 ? 1000 : left));
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 0) {
                if (buf_append(out, chunk, (size_t)n) < 0) {
                    too_big = true;
                    break;
                }
            } else {
                buf_append_trunc(errb, chunk, (size_t)n);
            }
        }
        if (too_big)
            break;
    }
    if (timed_out || too_big)
        kill(-pid, SIGKILL);
    /* The shell may have exited with children still holding the pipes:
     * give it until the deadline, then kill the group. */
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (now_ms() > deadline) {
            kill(-pid, SIGKILL);
            timed_out = true;
            waitpid(pid, status, 0);
            break;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    pid = -1;
    if (timed_out) {
        err_set(e, ERR_CONFIG, "%s: timed out after %ld ms", what, timeout_ms);
        goto out;
    }
    if (too_big) {
        err_set(e, ERR_LIMIT, "%s: output larger than %u bytes", what, PROCESS_STDOUT_MAX);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
    }
    return rc;
}

int creds_process_fetch(const char *cmd, long timeout_ms, const char *what, struct aws_creds *out,
                        struct err *e)
{
    int rc = -1, status = 0;
    json_t *j = NULL;
    struct buf o, eb;
    buf_init(&o, PROCESS_STDOUT_MAX);
    buf_init(&eb, PROCESS_STDERR_MAX);
    if (timeout_ms <= 0)
        timeout_ms = 60000;
    if (run_shell(cmd, timeout_ms, what, &o, &eb, &status, e) < 0)
        goto out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const char *s = buf_str(&eb);
        while (*s && isspace((unsigned char)*s))
            s++;
        int l = (int)strcspn(s, "\r\n");
        if (l > 300)
            l = 300;
        if (WIFEXITED(status))
            err_set(e, ERR_CONFIG, "%s exited with status %d%s%.*s", what, WEXITSTATUS(status),
                    l ? ": " : "", l, s);
        else
            err_set(e, ERR_CONFIG, "%s was killed by signal %d%s%.*s", what,
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0, l ? ": " : "", l, s);
        goto out;
    }
    json_error_t je;
    j = json_loadb(buf_str(&o), o.len, 0, &je);
    if (!j || !json_is_object(j)) {
        err_set(e, ERR_PARSE, "%s: output is not a JSON object (%s at line %d)", what,
                j ? "not an object" : "invalid JSON", j ? 1 : je.line);
        goto out;
    }
    json_t *ver = json_object_get(j, "Version");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
        err_set(e, ERR_PARSE, "%s: unsupported Version (must be 1)", what);
        goto out;
    }
    if (creds_from_json(j, what, "SessionToken", false, false, out, e) < 0)
        goto out;
    rc = 0;
out:
    json_decref(j);
    if (o.data)
        memset(o.data, 0, o.len);
    buf_cleanup(&o);
    buf_cleanup(&eb);
    return rc;
}
