/* http.h — one HTTP POST over libcurl for the AWS client (internal).
 *
 * A struct aws_http is a pool of curl easy handles sharing connections and DNS
 * through a locked CURLSH, so several threads may post at once and each host's
 * connections are reused.  aws_http_post() does one attempt: no retries, no
 * signing; it captures the status, the body (capped) and the headers the
 * client needs (request id, X-Amzn-Errortype, Content-Type).
 */
#ifndef ALBCHECK_AWS_HTTP_H
#define ALBCHECK_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct aws_http_opts {
    long connect_timeout_ms;
    long timeout_ms;            /* whole attempt */
    size_t max_response_bytes;
    const char *ca_file;        /* or NULL */
    bool insecure;
};

struct aws_http;

/* New pool (caller frees with aws_http_free), or NULL with e set. */
struct aws_http *aws_http_new(const struct aws_http_opts *opts, struct err *e);
void aws_http_free(struct aws_http *h);

struct aws_http_response {
    int status;                 /* 0 when no answer */
    struct buf body;            /* capped at max_response_bytes */
    char request_id[128];
    char error_type[128];
    char content_type[128];
    bool timed_out;             /* transport failure was a timeout */
    bool permanent;             /* transport failure retrying cannot fix (TLS verification) */
};

void aws_http_response_init(struct aws_http_response *r, size_t max_bytes);
void aws_http_response_cleanup(struct aws_http_response *r);

/* POST body to url with the given header lines ("Name: value"); `what` names
 * the operation for messages.  Returns 0 when an HTTP answer (any status)
 * came; -1 with e set: ERR_NET for transport failures (r->timed_out for
 * timeouts), ERR_LIMIT when the body exceeded the cap. */
int aws_http_post(struct aws_http *h, const char *what, const char *url,
                  const char *const *headers, size_t n_headers, const void *body, size_t len,
                  struct aws_http_response *r, struct err *e);

#endif
