/* evidence.h — private to src/report: the evidence of a check as ordered
 * "key: value" lines, shared by the JUnit <system-out> and the HTML <details>
 * so that both show the same facts in the same order. */
#ifndef ALBCHECK_REPORT_EVIDENCE_H
#define ALBCHECK_REPORT_EVIDENCE_H

#include <stddef.h>

#include "model/result.h"

struct ev_line {
    const char *key;
    char *value;            /* owned; raw (not escaped) */
};

struct evidence {
    struct ev_line *lines;
    size_t n, cap;
};

/* Collect the evidence of c (details, probe request/response, log match),
 * everything except the body, which callers show on their own. */
void evidence_init(struct evidence *ev, const struct check_result *c);
void evidence_cleanup(struct evidence *ev);

/* Human words for a probe origin. */
const char *evidence_origin_name(enum probe_origin o);

#endif
