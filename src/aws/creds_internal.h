/* creds_internal.h — helpers shared by the credential provider files. */
#ifndef ALBCHECK_AWS_CREDS_INTERNAL_H
#define ALBCHECK_AWS_CREDS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/aws.h"
#include "util/err.h"

/* Fill out from a JSON credentials object: access key, secret and token
 * under the given names (token_key may be NULL for "none"), Expiration.
 * require_token / require_expiration say which are mandatory.  Messages
 * start with what and never include values. */
int creds_from_json(json_t *j, const char *what, const char *token_key, bool require_token,
                    bool require_expiration, struct aws_creds *out, struct err *e);

/* Read a small file (≤ max bytes) into a new string; trailing CR/LF removed.
 * NULL with e set on failure. */
char *creds_read_small_file(const char *path, size_t max, const char *what, struct err *e);

#endif
