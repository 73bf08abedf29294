/* protocol.h — the wire formats of the AWS client, without the network.
 *
 * What client.c does to a request body and to an answer, as separate
 * functions so that tests can check them byte for byte: Query form encoding
 * (RFC 3986 percent-encoding, Action/Version first), reading a Query (XML) or
 * JSON 1.1 answer, and turning an error answer of either protocol — or a
 * non-AWS one such as a proxy's HTML 502 — into struct err (NOTES §2).
 */
#ifndef ALBCHECK_AWS_PROTOCOL_H
#define ALBCHECK_AWS_PROTOCOL_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "aws/aws.h"
#include "aws/client.h"
#include "util/buf.h"
#include "util/err.h"

/* Append s percent-encoded as RFC 3986 (unreserved A-Z a-z 0-9 - . _ ~ kept,
 * every other byte as %XX upper case). Returns buf_append's result. */
int aws_percent_encode(struct buf *b, const char *s);

/* The Query request body: "Action=<action>&Version=<version>" then each
 * parameter in order, keys and values percent-encoded. */
int aws_query_encode(const char *action, const char *version, const struct aws_query *params,
                     struct buf *out);

/* An HTTP answer as the transport captured it (all borrowed). */
struct aws_answer {
    int http_status;
    const char *body;           /* may be NULL when len == 0 */
    size_t len;
    const char *content_type;   /* or NULL */
    const char *request_id;     /* x-amzn-RequestId / x-amz-request-id, or NULL */
    const char *error_type;     /* X-Amzn-Errortype, or NULL */
};

/* Sanitise an error code as the JSON protocols define: the text after the
 * first '#' and before the first ':' ("aws.x#Foo:http://…" → "Foo"). */
void aws_error_code_sanitize(const char *raw, char *out, size_t out_size);

/* Fill e from an error answer of operation `op` and return -1.  The body is
 * sniffed, not trusted to the protocol: an XML error on a JSON service
 * (moto) parses too.  Message: "<op>: <Code>: <Message> (HTTP <s>, request id <id>)";
 * ERR_AUTH for refused credentials, ERR_AWS otherwise; a body that is not an
 * AWS error gives "<op>: HTTP <s> …: <excerpt>" with ERR_AWS. */
int aws_error_from_answer(const char *op, const struct aws_answer *a, struct err *e);

/* A 2xx Query answer: parse it and check its root is <opResponse>; an
 * <ErrorResponse> root is handed to aws_error_from_answer(). *out is new. */
int aws_query_parse_answer(const char *op, const struct aws_answer *a, xmlDocPtr *out,
                           struct err *e);

/* A 2xx JSON 1.1 answer: an empty body gives {}; otherwise it must be a JSON
 * object. *out is a new reference. */
int aws_json_parse_answer(const char *op, const struct aws_answer *a, json_t **out,
                          struct err *e);

#endif
