/* query.c — Query protocol requests and answers (see client.h, protocol.h). */
#include "aws/protocol.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "util/xmalloc.h"

void aws_query_init(struct aws_query *q)
{
    memset(q, 0, sizeof *q);
}

void aws_query_add(struct aws_query *q, const char *key, const char *value)
{
    struct aws_qparam *p = ARRAY_PUSH(q->items, q->n, q->cap);
    p->key = xstrdup(key);
    p->value = xstrdup(value ? value : "");
}

void aws_query_addf(struct aws_query *q, const char *value, const char *keyfmt, ...)
{
    va_list ap;
    va_start(ap, keyfmt);
    char *key = xvasprintf(keyfmt, ap);
    va_end(ap);
    aws_query_add(q, key, value);
    free(key);
}

void aws_query_add_list(struct aws_query *q, const char *name, const char *const *values,
                        size_t n)
{
    for (size_t i = 0; i < n; i++)
        aws_query_addf(q, values[i], "%s.member.%zu", name, i + 1);
}

void aws_query_cleanup(struct aws_query *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->items[i].key);
        free(q->items[i].value);
    }
    free(q->items);
    memset(q, 0, sizeof *q);
}

int aws_percent_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        int rc;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            rc = buf_appendc(b, (char)c);
        } else {
            char t[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = buf_append(b, t, 3);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int aws_query_encode(const char *action, const char *version, const struct aws_query *params,
                     struct buf *out)
{
    if (buf_appends(out, "Action=") < 0 || aws_percent_encode(out, action) < 0 ||
        buf_appends(out, "&Version=") < 0 || aws_percent_encode(out, version) < 0)
        return -1;
    for (size_t i = 0; params && i < params->n; i++) {
        if (buf_appendc(out, '&') < 0 || aws_percent_encode(out, params->items[i].key) < 0 ||
            buf_appendc(out, '=') < 0 || aws_percent_encode(out, params->items[i].value) < 0)
            return -1;
    }
    return 0;
}

int aws_query_parse_answer(const char *op, const struct aws_answer *a, xmlDocPtr *out,
                           struct err *e)
{
    *out = NULL;
    xmlDocPtr doc = NULL;
    int rc = -1;
    if (!a->body || a->len == 0) {
        err_set(e, ERR_PARSE, "%s: empty answer (HTTP %d), expected XML", op, a->http_status);
        goto out;
    }
    if (xml_parse(a->body, a->len, op, &doc, e) < 0)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *name = (const char *)root->name;
    if (strcmp(name, "ErrorResponse") == 0) {
        aws_error_from_answer(op, a, e);
        goto out;
    }
    size_t oplen = strlen(op);
    if (strncmp(name, op, oplen) != 0 || strcmp(name + oplen, "Response") != 0) {
        err_set(e, ERR_PARSE, "%s: unexpected answer: root element <%s>, expected <%sResponse>",
                op, name, op);
        goto out;
    }
    *out = doc;
    doc = NULL;
    rc = 0;
out:
    xmlFreeDoc(doc);
    return rc;
}
