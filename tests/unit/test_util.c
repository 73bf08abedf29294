/* test_util.c — unit tests for the capped buffer, errors and results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/result.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/pool.h"
#include "util/xmalloc.h"

#include <pthread.h>

static void buf_grows_and_stays_terminated(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    assert_string_equal(buf_str(&b), "");
    for (int i = 0; i < 100; i++)
        assert_int_equal(buf_appends(&b, "ab"), 0);
    assert_int_equal(b.len, 200);
    assert_int_equal(b.data[200], '\0');
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(b.data + 200, "42-x");
    buf_cleanup(&b);
}

static void buf_refuses_past_cap_and_frees(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(buf_append(&b, "x", 1), -1);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_printf(&b, "%s", "01234567890"), -1);
    buf_cleanup(&b);
}

static void buf_trunc_keeps_prefix(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4);
    buf_append_trunc(&b, "abcdef", 6);
    assert_true(b.truncated);
    assert_int_equal(b.len, 4);
    assert_string_equal(buf_str(&b), "abcd");
    char *s = buf_steal(&b);
    assert_string_equal(s, "abcd");
    free(s);
    assert_null(b.data);
}

static void err_prefix_and_exit_status(void **state)
{
    (void)state;
    struct err e;
    err_set(&e, ERR_AWS, "Throttling: Rate exceeded");
    err_prefix(&e, "DescribeRules");
    assert_string_equal(e.msg, "DescribeRules: Throttling: Rate exceeded");
    assert_int_equal(err_exit_status(ERR_AWS), 3);
    assert_int_equal(err_exit_status(ERR_SUITE), 2);
    assert_int_equal(err_exit_status(ERR_USAGE), 2);
    assert_int_equal(err_set(NULL, ERR_IO, "x"), -1);
}

static void run_exit_status_follows_checks(void **state)
{
    (void)state;
    struct run_result *r = run_result_new("run-1");
    size_t a = run_add_check(r, "health", "auth", "health:auth-tg", "health auth-tg");
    assert_int_equal(run_exit_status(r), 0);
    check_set(run_check(r, a), CHECK_FLAKY, "passed on attempt %d", 2);
    assert_int_equal(run_exit_status(r), 0);
    size_t b = run_add_check(r, "logs", "auth", "logs:x", "logs x");
    check_set(run_check(r, b), CHECK_ERROR, "FilterLogEvents: AccessDenied");
    assert_int_equal(run_exit_status(r), 3);
    check_set(run_check(r, a), CHECK_FAIL, "no healthy targets");
    assert_int_equal(run_exit_status(r), 1);
    check_detail(run_check(r, a), "target", "%s:%d", "10.0.0.1", 5000);
    check_detail(run_check(r, a), "state", "unhealthy");
    assert_int_equal(run_check(r, a)->n_details, 2);
    assert_string_equal(run_check(r, a)->details[0].value, "10.0.0.1:5000");
    assert_int_equal(run_count(r, CHECK_FAIL), 1);
    run_result_free(r);
}

struct pool_counter {
    pthread_mutex_t lock;
    int done;
    struct pool *pool;
    int spawn; /* tasks each first-level task submits */
};

static void leaf_task(void *arg)
{
    struct pool_counter *pc = arg;
    pthread_mutex_lock(&pc->lock);
    pc->done++;
    pthread_mutex_unlock(&pc->lock);
}

static void parent_task(void *arg)
{
    struct pool_counter *pc = arg;
    for (int i = 0; i < pc->spawn; i++)
        pool_submit(pc->pool, leaf_task, pc);
    leaf_task(pc);
}

static void pool_waits_for_nested_tasks(void **state)
{
    (void)state;
    struct pool_counter pc = {.lock = PTHREAD_MUTEX_INITIALIZER, .spawn = 5};
    pc.pool = pool_new(4);
    for (int i = 0; i < 20; i++)
        pool_submit(pc.pool, parent_task, &pc);
    pool_wait(pc.pool);
    assert_int_equal(pc.done, 20 * 6);
    pool_submit(pc.pool, leaf_task, &pc);
    pool_free(pc.pool);
    assert_int_equal(pc.done, 20 * 6 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_grows_and_stays_terminated),
        cmocka_unit_test(buf_refuses_past_cap_and_frees),
        cmocka_unit_test(buf_trunc_keeps_prefix),
        cmocka_unit_test(err_prefix_and_exit_status),
        cmocka_unit_test(run_exit_status_follows_checks),
        cmocka_unit_test(pool_waits_for_nested_tasks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
