/* session.h — from the command line and environment to an AWS client.
 *
 * Resolves the region (--region, AWS_REGION, AWS_DEFAULT_REGION), the
 * endpoints (--endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL),
 * the retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) and the credentials,
 * and builds the struct aws_client the subcommands use.
 *
 * For now credentials come from the environment only (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and the region from flags and
 * environment only; the full provider chain and profile files replace the
 * two seams in session.c (session_region(), session_creds_source()).
 */
#ifndef ALBCHECK_CLI_SESSION_H
#define ALBCHECK_CLI_SESSION_H

#include "aws/client.h"
#include "cli/cli.h"
#include "util/err.h"

/* A new client for the options in g (caller frees with session_client_free),
 * or NULL with e set: ERR_USAGE for no region or a bad AWS_MAX_ATTEMPTS /
 * AWS_RETRY_MODE / endpoint, ERR_CONFIG when no credentials are found. */
struct aws_client *session_client_new(const struct cli_globals *g, struct err *e);
/* Free a client made by session_client_new (NULL is fine). */
void session_client_free(struct aws_client *c);

/* Set o->retry_mode and o->max_attempts from AWS_RETRY_MODE and
 * AWS_MAX_ATTEMPTS when set; -1 with ERR_USAGE when a value is invalid. */
int session_retry_settings(struct aws_client_opts *o, struct err *e);

#endif
