/* check_alb.c — the `alb` check: the load balancer exists, is active, has the
 * expected scheme and listeners.  Its DNS name is recorded as evidence. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "util/buf.h"

void check_alb_run(const struct check_ctx *ctx)
{
    const struct load_balancer *lb = &ctx->topo->lb;
    const char *name = lb->name ? lb->name : "(unknown)";
    char id[300], title[300];
    snprintf(id, sizeof id, "alb:%s", name);
    snprintf(title, sizeof title, "alb %s", name);
    struct check_result *c = run_check(ctx->run, run_add_check(ctx->run, "alb", "load-balancer", id, title));

    if (!lb->arn) {
        check_set(c, CHECK_FAIL, "load balancer not found");
        return;
    }
    check_detail(c, "arn", "%s", lb->arn);
    if (lb->dns_name)
        check_detail(c, "dns name", "%s", lb->dns_name);
    check_detail(c, "scheme", "%s", lb->scheme ? lb->scheme : "?");
    check_detail(c, "state", "%s%s%s", lb->state ? lb->state : "?",
                 lb->state_reason ? ": " : "", lb->state_reason ? lb->state_reason : "");

    struct buf why;
    buf_init(&why, 4096);
    if (!lb->state || strcmp(lb->state, "active") != 0)
        buf_printf(&why, "%sstate is %s, not active%s%s", why.len ? "; " : "",
                   lb->state ? lb->state : "unknown", lb->state_reason ? " (" : "",
                   lb->state_reason ? lb->state_reason : "");
    if (lb->state_reason && lb->state && strcmp(lb->state, "active") != 0)
        buf_appends(&why, ")");
    if (lb->type && strcmp(lb->type, "application") != 0)
        buf_printf(&why, "%stype is %s, not application", why.len ? "; " : "", lb->type);
    const char *want_scheme = ctx->suite->expect_scheme;
    if (want_scheme && (!lb->scheme || strcmp(lb->scheme, want_scheme) != 0))
        buf_printf(&why, "%sscheme is %s, expected %s", why.len ? "; " : "",
                   lb->scheme ? lb->scheme : "unknown", want_scheme);
    for (size_t i = 0; i < ctx->suite->n_listeners; i++) {
        const struct listener_expect *le = &ctx->suite->listeners[i];
        bool found = false;
        for (size_t j = 0; j < ctx->topo->n_listeners; j++) {
            const struct listener *l = &ctx->topo->listeners[j];
            if (l->port == le->port &&
                (!le->protocol || (l->protocol && strcasecmp(l->protocol, le->protocol) == 0)))
                found = true;
        }
        if (!found)
            buf_printf(&why, "%sno %s:%d listener", why.len ? "; " : "",
                       le->protocol ? le->protocol : "*", le->port);
    }
    if (ctx->topo->n_listeners == 0)
        buf_printf(&why, "%sno listeners", why.len ? "; " : "");

    struct buf ls;
    buf_init(&ls, 4096);
    for (size_t j = 0; j < ctx->topo->n_listeners; j++)
        buf_printf(&ls, "%s%s:%d", j ? ", " : "",
                   ctx->topo->listeners[j].protocol ? ctx->topo->listeners[j].protocol : "?",
                   ctx->topo->listeners[j].port);
    check_detail(c, "listeners", "%s", ls.len ? buf_str(&ls) : "none");

    if (why.len)
        check_set(c, CHECK_FAIL, "%s", buf_str(&why));
    else
        check_set(c, CHECK_PASS, "%s %s, %s, listeners %s", lb->type ? lb->type : "load balancer",
                  lb->state, lb->scheme ? lb->scheme : "?", buf_str(&ls));
    buf_cleanup(&why);
    buf_cleanup(&ls);
}
