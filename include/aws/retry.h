/* retry.h — the retry policy of the AWS client, as pure functions.
 *
 * Which failures are retried, how long to wait before the next attempt and
 * whether the per-client retry quota still allows one: the SDKs' "standard"
 * mode (botocore retries/standard.py, retries/quota.py; NOTES §3) and
 * botocore's "legacy" mode (_retry.json "general" policies).  Nothing here
 * reads the clock, draws random numbers or locks: the caller passes the
 * random draw in and guards struct aws_retry_quota with its own lock, so the
 * policy is table-testable (tests/unit/test_retry.c).
 *
 * Legacy mode as implemented: default 5 attempts; delay = rand[0,1) *
 * 2^(attempt-1) s with no cap; retried are the throttling codes Throttling,
 * ThrottlingException, ThrottledException, RequestThrottledException,
 * ProvisionedThroughputExceededException, HTTP 429, 500, 502, 503, 504, 509,
 * RequestTimeout(Exception), PriorRequestNotComplete, connection errors and
 * timeouts; no retry quota.  Adaptive mode is treated as standard.
 */
#ifndef ALBCHECK_AWS_RETRY_H
#define ALBCHECK_AWS_RETRY_H

#include <stdbool.h>

#include "aws/client.h"
#include "util/err.h"

/* Why a failed attempt may be retried. */
enum aws_retry_class {
    AWS_RETRY_NONE = 0,       /* not retryable */
    AWS_RETRY_TRANSIENT,      /* 5xx, transient code, connection error */
    AWS_RETRY_THROTTLE,       /* a throttling code */
    AWS_RETRY_TIMEOUT,        /* connect/read timeout (costs more quota) */
};

/* What one failed attempt looked like. */
struct aws_attempt_failure {
    enum err_code code;       /* ERR_NET, ERR_AWS, ERR_AUTH, ERR_PARSE, … */
    int http_status;          /* 0 when no answer came */
    const char *aws_code;     /* the wire error code or NULL/"" */
    bool timed_out;           /* the transport timed out */
    bool permanent;           /* a transport failure retrying cannot fix (TLS verification) */
};

/* Classify a failed attempt for `mode`. */
enum aws_retry_class aws_retry_classify(enum aws_retry_mode mode,
                                        const struct aws_attempt_failure *f);
/* True for codes that mean "credentials refused" (→ ERR_AUTH, never retried). */
bool aws_retry_is_auth_code(const char *aws_code);
/* True for the standard-mode throttling codes. */
bool aws_retry_is_throttle_code(const char *aws_code);

/* Total attempts for `mode` when the user gave none (max_attempts <= 0). */
int aws_retry_default_attempts(enum aws_retry_mode mode);

/* Delay before the next attempt, in ms.  `attempts_made` is how many attempts
 * were made so far (1 after the first failure); `rand01` is a draw in [0, 1). */
long aws_retry_delay_ms(enum aws_retry_mode mode, int attempts_made, double rand01);

/* The standard mode retry quota (token bucket), one per client. */
#define AWS_RETRY_QUOTA_INITIAL 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_NO_RETRY_REFUND 1

struct aws_retry_quota {
    int tokens;
    int max;
};

void aws_retry_quota_init(struct aws_retry_quota *q);
/* Take the cost of one retry for a failure of class `cls`: returns the cost
 * taken (> 0), or 0 when the bucket lacks it (then do not retry). */
int aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_class cls);
/* A call succeeded: `last_cost` is the cost of its last retry (0 when it
 * needed none, then 1 token is refunded).  Never above the initial size. */
void aws_retry_quota_release(struct aws_retry_quota *q, int last_cost);

#endif
