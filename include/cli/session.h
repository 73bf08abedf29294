/* session.h — from the command line and environment to an AWS client.
 *
 * Resolves the region (--region, AWS_REGION, AWS_DEFAULT_REGION), the
 * endpoints (--endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL),
 * the retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) and the credentials,
 * and builds the struct aws_client the subcommands use.
 *
 * Settings come from aws/config.h (flags, environment, the shared config and
 * credentials files); credentials from the provider chain in aws/creds.h.
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
/* The client to use for STS calls: the same client, or one signing for the
 * global endpoint's region when sts_regional_endpoints is legacy (borrowed). */
struct aws_client *session_sts_client(struct aws_client *c);
/* Free a client made by session_client_new (NULL is fine). */
void session_client_free(struct aws_client *c);

#endif
