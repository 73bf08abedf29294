/* rules.h — ALB listener rule evaluation and lint (the `route` check's core).
 *
 * rules_evaluate() decides, for one request, which rule of a listener an
 * Application Load Balancer applies (aws/NOTES.md §8): rules in priority
 * order, lowest first, the default rule last; all conditions of a rule must
 * match (AND), any value of a condition may match (OR); the first rule that
 * matches wins.  Conditions:
 *   path-pattern         case-sensitive glob (`*` any run, `?` one byte) on the
 *                        path only, never the query string
 *   host-header          case-insensitive glob on the Host header, port removed
 *   http-request-method  exact, case-sensitive
 *   http-header          name case-insensitive; value case-insensitive glob
 *   query-string         key (optional) and value, case-insensitive globs, on
 *                        the percent-decoded query parameters
 *   source-ip            CIDR (IPv4 or IPv6) on the client address
 * RegexValues (newer API) are matched with PCRE2, unanchored (UNVERIFIED
 * against ALB).  Nothing here calls AWS or allocates what it returns: results
 * borrow from the listener.
 *
 * rules_lint() finds rules that can never match because higher-priority rules
 * cover every request they would match (a sound check: a reported rule is
 * truly unreachable; some unreachable rules may go unreported), and target
 * groups that no reachable rule or default action forwards to.
 */
#ifndef ALBCHECK_CHECKS_RULES_H
#define ALBCHECK_CHECKS_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "model/topology.h"
#include "util/err.h"

struct rules_request {
    const char *method;         /* NULL = "GET" */
    const char *host;           /* Host header, ":port" allowed; NULL = none sent */
    const char *path;           /* request target: "/path" with an optional "?query" */
    const struct kv *headers;   /* other request headers (borrowed) */
    size_t n_headers;
    const char *source_ip;      /* client address; NULL = unknown (source-ip never matches) */
};

struct rules_match {
    int rule_index;             /* index into listener.rules; -1 when the listener's
                                   default_actions applied (no default rule listed) */
    int priority;               /* the rule's priority; INT_MAX for the default */
    bool is_default;
    const char *rule_arn;       /* borrowed; NULL when unknown */
    const struct rule_action *action; /* the terminal action (forward, redirect,
                                   fixed-response), borrowed; NULL when the rule
                                   has none */
};

/* Evaluate the listener's rules for rq.  Returns 0 with *m filled, or -1
 * (ERR_NOTFOUND) when no rule matched and the listener has no default action. */
int rules_evaluate(const struct listener *l, const struct rules_request *rq,
                   struct rules_match *m, struct err *e);

/* The order ALB evaluates l->rules in: n_rules indexes, priority ascending
 * (ties by position), default rules last, whatever the array's order.
 * Caller frees; NULL when the listener has no rules. */
size_t *rules_order(const struct listener *l);

/* Does one condition match the request? */
bool rules_condition_matches(const struct rule_condition *c, const struct rules_request *rq);

/* The terminal action of an action list (the forward, redirect or
 * fixed-response one performed last), borrowed; NULL when there is none. */
const struct rule_action *rules_terminal_action(const struct rule_action *a, size_t n);

/* Glob match with `*` and `?` over bytes; nocase folds ASCII letters. */
bool rules_glob_match(const char *pattern, const char *text, bool nocase);
/* True when every string that matches `inner` also matches `outer`
 * (sound: false is returned when containment cannot be shown). */
bool rules_glob_contains(const char *outer, const char *inner, bool nocase);
/* Is address `ip` inside `cidr` ("10.0.0.0/8", "2001:db8::/32", or a bare
 * address)?  False when either does not parse or the families differ. */
bool rules_cidr_match(const char *cidr, const char *ip);
/* Is every address of CIDR `inner` inside CIDR `outer`? */
bool rules_cidr_contains(const char *outer, const char *inner);

/* "path-pattern /auth/(star) AND host-header (star).example.com" (caller frees);
 * "default" for a rule with no conditions. */
char *rules_describe(const struct rule *r);

enum rules_finding_kind {
    RULES_SHADOWED,             /* a rule that can never match */
    RULES_TG_UNREACHED,         /* a target group no rule forwards to */
};

struct rules_finding {
    enum rules_finding_kind kind;
    size_t listener;            /* index into the listeners passed */
    int rule_index;             /* SHADOWED: the rule; -1 otherwise */
    int priority;               /* SHADOWED: its priority */
    int *covered_by;            /* SHADOWED: indexes of the rules that cover it */
    size_t n_covered_by;
    char *target_group_arn;     /* TG_UNREACHED: the group */
    char *message;              /* one line for people */
};

/* Lint n_ls listeners.  tg_arns (may be NULL/0): the target groups that
 * should be reached (e.g. every group of the suite, or of the topology).
 * *out (caller frees with rules_findings_free) gets the findings in listener
 * then priority order, then the unreached groups in the order given.
 * Returns the number of findings. */
size_t rules_lint(const struct listener *ls, size_t n_ls, const char *const *tg_arns,
                  size_t n_tgs, struct rules_finding **out);
void rules_findings_free(struct rules_finding *f, size_t n);

#endif
