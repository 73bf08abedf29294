/* test_retry.c — the retry policy: classification, backoff, quota, attempts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "aws/client.h"
#include "aws/retry.h"

#define S AWS_RETRY_STANDARD
#define L AWS_RETRY_LEGACY

static const struct {
    enum aws_retry_mode mode;
    enum err_code code;
    int status;
    const char *aws_code;
    bool timed_out;
    enum aws_retry_class want;
} class_cases[] = {
    /* transient statuses */
    {S, ERR_AWS, 500, "InternalFailure", false, AWS_RETRY_TRANSIENT},
    {S, ERR_AWS, 502, "", false, AWS_RETRY_TRANSIENT},
    {S, ERR_AWS, 503, "ServiceUnavailable", false, AWS_RETRY_TRANSIENT},
    {S, ERR_AWS, 504, "", false, AWS_RETRY_TRANSIENT},
    {S, ERR_PARSE, 502, "", false, AWS_RETRY_TRANSIENT},   /* a proxy's odd 502 body */
    {S, ERR_AWS, 501, "", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 400, "ValidationError", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 404, "", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 429, "", false, AWS_RETRY_NONE},          /* status alone: not in standard */
    {L, ERR_AWS, 429, "", false, AWS_RETRY_THROTTLE},
    {L, ERR_AWS, 509, "", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 509, "", false, AWS_RETRY_NONE},
    /* transient codes */
    {S, ERR_AWS, 400, "RequestTimeout", false, AWS_RETRY_TRANSIENT},
    {S, ERR_AWS, 400, "RequestTimeoutException", false, AWS_RETRY_TRANSIENT},
    /* throttling codes (standard list) */
    {S, ERR_AWS, 400, "Throttling", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "ThrottlingException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "ThrottledException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "RequestThrottledException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "TooManyRequestsException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "ProvisionedThroughputExceededException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "TransactionInProgressException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "RequestLimitExceeded", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "BandwidthLimitExceeded", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "LimitExceededException", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "RequestThrottled", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 503, "SlowDown", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "PriorRequestNotComplete", false, AWS_RETRY_THROTTLE},
    {S, ERR_AWS, 400, "EC2ThrottledException", false, AWS_RETRY_THROTTLE},
    {L, ERR_AWS, 400, "Throttling", false, AWS_RETRY_THROTTLE},
    {L, ERR_AWS, 400, "LimitExceededException", false, AWS_RETRY_NONE}, /* not in legacy */
    {AWS_RETRY_ADAPTIVE, ERR_AWS, 400, "ThrottlingException", false, AWS_RETRY_THROTTLE},
    /* transport */
    {S, ERR_NET, 0, "", false, AWS_RETRY_TRANSIENT},
    {S, ERR_NET, 0, "", true, AWS_RETRY_TIMEOUT},
    {L, ERR_NET, 0, "", true, AWS_RETRY_TIMEOUT},
    /* never */
    {S, ERR_AUTH, 403, "SignatureDoesNotMatch", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 403, "InvalidClientTokenId", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 400, "ExpiredTokenException", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 403, "AccessDenied", false, AWS_RETRY_NONE},
    {S, ERR_AWS, 500, "AccessDeniedException", false, AWS_RETRY_NONE}, /* code beats status */
    {S, ERR_AWS, 400, "UnrecognizedClientException", false, AWS_RETRY_NONE},
    {S, ERR_LIMIT, 200, "", false, AWS_RETRY_NONE},
    {S, ERR_PARSE, 200, "", false, AWS_RETRY_NONE},
    {S, ERR_CONFIG, 0, "", false, AWS_RETRY_NONE},
    {S, ERR_INTERNAL, 500, "", false, AWS_RETRY_NONE},
};

static void classification_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof class_cases / sizeof class_cases[0]; i++) {
        struct aws_attempt_failure f = {
            .code = class_cases[i].code,
            .http_status = class_cases[i].status,
            .aws_code = class_cases[i].aws_code,
            .timed_out = class_cases[i].timed_out,
        };
        enum aws_retry_class got = aws_retry_classify(class_cases[i].mode, &f);
        if (got != class_cases[i].want)
            fail_msg("case %zu (%d, %s): got %d, want %d", i, class_cases[i].status,
                     class_cases[i].aws_code, got, class_cases[i].want);
    }
    assert_int_equal(aws_retry_classify(S, NULL), AWS_RETRY_NONE);
    /* A TLS verification failure will not go away: never retried. */
    struct aws_attempt_failure tls = {.code = ERR_NET, .permanent = true};
    assert_int_equal(aws_retry_classify(S, &tls), AWS_RETRY_NONE);
    assert_int_equal(aws_retry_classify(L, &tls), AWS_RETRY_NONE);
    tls.permanent = false;
    assert_int_equal(aws_retry_classify(S, &tls), AWS_RETRY_TRANSIENT);
}

static void auth_codes(void **state)
{
    (void)state;
    static const char *const yes[] = {"SignatureDoesNotMatch", "InvalidClientTokenId",
                                      "UnrecognizedClientException", "ExpiredToken",
                                      "ExpiredTokenException", "AccessDenied",
                                      "AccessDeniedException", "IncompleteSignature",
                                      "MissingAuthenticationToken"};
    static const char *const no[] = {"Throttling", "ValidationError", "", "Access", "Expired"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(aws_retry_is_auth_code(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(aws_retry_is_auth_code(no[i]));
    assert_false(aws_retry_is_auth_code(NULL));
}

static void backoff_bounds(void **state)
{
    (void)state;
    /* standard: rand * min(2^(n-1), 20) s */
    static const struct {
        int attempts;
        double r;
        long want_ms;
    } t[] = {
        {1, 0.0, 0},      {1, 0.5, 500},     {1, 0.999, 999},  {2, 0.5, 1000},
        {2, 0.999, 1998}, {3, 0.25, 1000},   {5, 0.5, 8000},   {6, 0.5, 10000},
        {7, 0.5, 10000},  {50, 0.999, 19980}, {0, 0.5, 500},   {1, 1.0, 0},
        {1, -0.5, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        assert_int_equal(aws_retry_delay_ms(S, t[i].attempts, t[i].r), t[i].want_ms);
    /* the bound grows then caps at 20 s */
    for (int n = 1; n < 40; n++) {
        long hi = aws_retry_delay_ms(S, n, 0.999999);
        assert_true(hi <= 20000);
        assert_true(hi >= aws_retry_delay_ms(S, n > 1 ? n - 1 : 1, 0.999999));
    }
    /* legacy: rand * 2^(n-1), no cap */
    assert_int_equal(aws_retry_delay_ms(L, 1, 0.5), 500);
    assert_int_equal(aws_retry_delay_ms(L, 4, 0.5), 4000);
    assert_int_equal(aws_retry_delay_ms(L, 6, 0.5), 16000);
    assert_int_equal(aws_retry_delay_ms(L, 7, 0.5), 32000);
}

static void quota_accounting(void **state)
{
    (void)state;
    struct aws_retry_quota q;
    aws_retry_quota_init(&q);
    assert_int_equal(q.tokens, 500);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_THROTTLE), 5);
    assert_int_equal(q.tokens, 495);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TIMEOUT), 10);
    assert_int_equal(q.tokens, 485);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_NONE), 0);
    assert_int_equal(q.tokens, 485);
    /* success after a retry refunds the last cost */
    aws_retry_quota_release(&q, 10);
    assert_int_equal(q.tokens, 495);
    /* success without retry refunds 1, capped at the initial size */
    aws_retry_quota_release(&q, 0);
    assert_int_equal(q.tokens, 496);
    for (int i = 0; i < 10; i++)
        aws_retry_quota_release(&q, 0);
    assert_int_equal(q.tokens, 500);
    /* drain: 100 retries of cost 5, then refused */
    int granted = 0;
    while (aws_retry_quota_acquire(&q, AWS_RETRY_TRANSIENT))
        granted++;
    assert_int_equal(granted, 100);
    assert_int_equal(q.tokens, 0);
    aws_retry_quota_release(&q, 5);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TIMEOUT), 0); /* needs 10 */
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_THROTTLE), 5);
}

static void default_attempts(void **state)
{
    (void)state;
    assert_int_equal(aws_retry_default_attempts(S), 3);
    assert_int_equal(aws_retry_default_attempts(AWS_RETRY_ADAPTIVE), 3);
    assert_int_equal(aws_retry_default_attempts(L), 5);
}

/* max_attempts from the options: a client against a closed port makes
 * exactly that many attempts (connection refused is retryable), sleeping
 * through the injected sleep with standard-mode delays. */
static long slept[16];
static int n_slept;
static void fake_sleep(long ms)
{
    if (n_slept < 16)
        slept[n_slept++] = ms;
}

static void max_attempts_from_opts(void **state)
{
    (void)state;
    static const struct {
        int opt;
        enum aws_retry_mode mode;
        int want;
    } t[] = {{0, S, 3}, {1, S, 1}, {4, S, 4}, {0, L, 5}, {2, L, 2}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct aws_client_opts o;
        memset(&o, 0, sizeof o);
        o.region = "us-east-1";
        /* Port 1 on loopback: nothing listens there, so the connect is refused. */
        o.endpoints[AWS_SVC_ECS] = "http://127.0.0.1:1/";
        o.max_attempts = t[i].opt;
        o.retry_mode = t[i].mode;
        o.sleep_ms = fake_sleep;
        o.connect_timeout_ms = 2000;
        struct err e;
        struct aws_client *c = aws_client_new(&o, &e);
        assert_non_null(c);
        n_slept = 0;
        json_t *out = NULL;
        assert_int_equal(aws_json_call(c, AWS_SVC_ECS, "ListClusters", NULL, &out, &e), -1);
        assert_null(out);
        assert_int_equal(e.code, ERR_NET);
        assert_int_equal(e.attempts, t[i].want);
        assert_non_null(strstr(e.msg, "ListClusters: http://127.0.0.1:1/: connection refused"));
        assert_int_equal(n_slept, t[i].want - 1);
        for (int k = 0; k < n_slept; k++)
            assert_true(slept[k] >= 0 && slept[k] < (1L << k) * 1000);
        assert_int_equal(aws_client_total_attempts(c), (unsigned)t[i].want);
        struct aws_call_stat st[4];
        assert_int_equal(aws_client_stats(c, st, 4), 1);
        assert_string_equal(st[0].operation, "ECS.ListClusters");
        assert_int_equal(st[0].calls, 1);
        assert_int_equal(st[0].failures, 1);
        assert_int_equal(st[0].attempts, (unsigned)t[i].want);
        aws_client_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classification_table),
        cmocka_unit_test(auth_codes),
        cmocka_unit_test(backoff_bounds),
        cmocka_unit_test(quota_accounting),
        cmocka_unit_test(default_attempts),
        cmocka_unit_test(max_attempts_from_opts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
