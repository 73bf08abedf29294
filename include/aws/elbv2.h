/* elbv2.h — typed Elastic Load Balancing v2 calls, parsed into topology structs.
 *
 * Each operation has a pure parser (a parsed XML answer in, structs out; no
 * network, tested on samples and synthetic documents) and a call function
 * that builds the Query request, follows Marker/NextMarker pagination (PageSize
 * 400) or batches ARNs (≤ 20 per call), and hands each page to the parser.
 *
 * Answers are read by local element name, never by position.  A malformed
 * answer is an ERR_PARSE error naming the operation and the field
 * ("DescribeRules: rule without Priority"); AWS errors come from the client
 * with the operation's name.
 *
 * Ownership: the arrays a function returns are new (caller frees with the
 * matching elbv2_free_*); parsers append to arrays the caller owns in every
 * case — on failure they may hold the elements parsed before the error.
 */
#ifndef ALBCHECK_AWS_ELBV2_H
#define ALBCHECK_AWS_ELBV2_H

#include <libxml/tree.h>
#include <stddef.h>

#include "aws/client.h"
#include "model/topology.h"
#include "util/err.h"

#define ELBV2_PAGE_SIZE 400      /* PageSize on paginated Describe* calls */
#define ELBV2_MAX_ARNS 20        /* LoadBalancerArns / ResourceArns per call */

/* Tags of one resource (DescribeTags). */
struct elbv2_tags {
    char *resource_arn;
    struct kv *tags;
    size_t n_tags;
};

/* ------------------------------------------------------------ parsers
 * Each appends to (*out, *n); where the operation is paginated, *next_marker
 * receives the NextMarker (new string) or NULL on the last page. */
int elbv2_parse_load_balancers(xmlDocPtr doc, struct load_balancer **out, size_t *n,
                               char **next_marker, struct err *e);
int elbv2_parse_listeners(xmlDocPtr doc, struct listener **out, size_t *n,
                          char **next_marker, struct err *e);
/* Rules are appended in document order; call elbv2_sort_rules() once all
 * pages are in.  Priority "default" (or IsDefault=true) gives INT_MAX. */
int elbv2_parse_rules(xmlDocPtr doc, struct rule **out, size_t *n, char **next_marker,
                      struct err *e);
/* Stable sort: priority ascending, the default rule last. */
void elbv2_sort_rules(struct rule *rules, size_t n);
int elbv2_parse_target_groups(xmlDocPtr doc, struct target_group **out, size_t *n,
                              char **next_marker, struct err *e);
int elbv2_parse_target_health(xmlDocPtr doc, struct target **out, size_t *n, struct err *e);
int elbv2_parse_tags(xmlDocPtr doc, struct elbv2_tags **out, size_t *n, struct err *e);

/* ------------------------------------------------------------ calls
 * On success *out, *n hold a new array (possibly empty, then NULL/0); on
 * failure they are NULL/0 and e says why. */

/* By names (n_names > 0), else by ARNs (n_arns > 0, batched by 20), else all
 * load balancers of the account and region. */
int elbv2_describe_load_balancers(struct aws_client *c, const char *const *names,
                                  size_t n_names, const char *const *arns, size_t n_arns,
                                  struct load_balancer **out, size_t *n, struct err *e);
int elbv2_describe_listeners(struct aws_client *c, const char *lb_arn,
                             struct listener **out, size_t *n, struct err *e);
/* Rules of a listener, sorted: priority ascending, the default rule last. */
int elbv2_describe_rules(struct aws_client *c, const char *listener_arn, struct rule **out,
                         size_t *n, struct err *e);
/* Exactly one selector: lb_arn, names (n_names > 0) or arns (n_arns > 0);
 * none at all lists every target group. */
int elbv2_describe_target_groups(struct aws_client *c, const char *lb_arn,
                                 const char *const *names, size_t n_names,
                                 const char *const *arns, size_t n_arns,
                                 struct target_group **out, size_t *n, struct err *e);
int elbv2_describe_target_health(struct aws_client *c, const char *tg_arn,
                                 struct target **out, size_t *n, struct err *e);
/* Tags of any number of resources (batched by 20). */
int elbv2_describe_tags(struct aws_client *c, const char *const *arns, size_t n_arns,
                        struct elbv2_tags **out, size_t *n, struct err *e);

/* ------------------------------------------------------------ freeing (NULL ok) */
void elbv2_free_load_balancers(struct load_balancer *v, size_t n);
void elbv2_free_listeners(struct listener *v, size_t n);
void elbv2_free_rules(struct rule *v, size_t n);
void elbv2_free_target_groups(struct target_group *v, size_t n);
void elbv2_free_targets(struct target *v, size_t n);
void elbv2_free_tags(struct elbv2_tags *v, size_t n);

#endif
