/* retry.c — the retry policy as pure functions (see retry.h). */
#include "aws/retry.h"

#include <math.h>
#include <string.h>

/* botocore retries/standard.py: ThrottledRetryableChecker._THROTTLED_ERROR_CODES */
static const char *const standard_throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL,
};

/* botocore data/_retry.json, "general" → "throttling" */
static const char *const legacy_throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "ProvisionedThroughputExceededException", NULL,
};

/* standard.py: TransientRetryableChecker._TRANSIENT_ERROR_CODES */
static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", NULL,
};

static const char *const auth_codes[] = {
    "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException",
    "IncompleteSignature", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
    "InvalidAccessKeyId", "AuthFailure", NULL,
};

/* Codes that are never retried whatever the status says. */
static const char *const never_retry_prefixes[] = {
    "ExpiredToken", "AccessDenied", NULL,
};

static bool in_list(const char *code, const char *const *list)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; list[i]; i++)
        if (strcmp(code, list[i]) == 0)
            return true;
    return false;
}

static bool has_prefix_in(const char *code, const char *const *list)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; list[i]; i++)
        if (strncmp(code, list[i], strlen(list[i])) == 0)
            return true;
    return false;
}

bool aws_retry_is_auth_code(const char *aws_code)
{
    return in_list(aws_code, auth_codes) || has_prefix_in(aws_code, never_retry_prefixes);
}

bool aws_retry_is_throttle_code(const char *aws_code)
{
    return in_list(aws_code, standard_throttle_codes);
}

enum aws_retry_class aws_retry_classify(enum aws_retry_mode mode,
                                        const struct aws_attempt_failure *f)
{
    if (!f)
        return AWS_RETRY_NONE;
    const char *code = f->aws_code;
    if (f->code == ERR_AUTH || aws_retry_is_auth_code(code))
        return AWS_RETRY_NONE;
    /* Only transport, AWS-answered and 5xx-with-odd-body failures can go away;
     * a size cap, a local problem or a malformed 2xx answer will not. */
    if (f->code != ERR_NET && f->code != ERR_AWS && f->code != ERR_PARSE)
        return AWS_RETRY_NONE;
    if (f->code == ERR_NET && f->permanent)
        return AWS_RETRY_NONE;
    if (f->code == ERR_NET)
        return f->timed_out ? AWS_RETRY_TIMEOUT : AWS_RETRY_TRANSIENT;
    bool legacy = mode == AWS_RETRY_LEGACY;
    if (in_list(code, legacy ? legacy_throttle_codes : standard_throttle_codes))
        return AWS_RETRY_THROTTLE;
    if (legacy && f->http_status == 429)
        return AWS_RETRY_THROTTLE;
    if (in_list(code, transient_codes))
        return AWS_RETRY_TRANSIENT;
    switch (f->http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
        return AWS_RETRY_TRANSIENT;
    case 509:
        return legacy ? AWS_RETRY_THROTTLE : AWS_RETRY_NONE;
    default:
        return AWS_RETRY_NONE;
    }
}

int aws_retry_default_attempts(enum aws_retry_mode mode)
{
    return mode == AWS_RETRY_LEGACY ? 5 : 3;
}

long aws_retry_delay_ms(enum aws_retry_mode mode, int attempts_made, double rand01)
{
    if (attempts_made < 1)
        attempts_made = 1;
    if (rand01 < 0 || !(rand01 < 1.0)) /* also catches NaN */
        rand01 = 0;
    double base_s;
    if (mode == AWS_RETRY_LEGACY) {
        base_s = ldexp(1.0, attempts_made > 30 ? 30 : attempts_made - 1);
    } else {
        base_s = attempts_made > 6 ? 20.0 : ldexp(1.0, attempts_made - 1);
        if (base_s > 20.0)
            base_s = 20.0;
    }
    return (long)(rand01 * base_s * 1000.0);
}

void aws_retry_quota_init(struct aws_retry_quota *q)
{
    q->tokens = AWS_RETRY_QUOTA_INITIAL;
    q->max = AWS_RETRY_QUOTA_INITIAL;
}

int aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_class cls)
{
    int cost = cls == AWS_RETRY_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
    if (cls == AWS_RETRY_NONE || q->tokens < cost)
        return 0;
    q->tokens -= cost;
    return cost;
}

void aws_retry_quota_release(struct aws_retry_quota *q, int last_cost)
{
    q->tokens += last_cost > 0 ? last_cost : AWS_RETRY_NO_RETRY_REFUND;
    if (q->tokens > q->max)
        q->tokens = q->max;
}
