/* errors.c — turning an AWS error answer into struct err (see protocol.h).
 *
 * NOTES §2: Query errors are <ErrorResponse><Error><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>; JSON 1.1 errors carry "__type" (or "code")
 * and "message"/"Message" and/or the X-Amzn-Errortype header.  The body is
 * sniffed rather than trusted to the service's protocol because moto answers
 * JSON services with XML errors, and a proxy in between may answer HTML.
 */
#include "aws/protocol.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/retry.h"
#include "aws/xml.h"
#include "util/xmalloc.h"

void aws_error_code_sanitize(const char *raw, char *out, size_t out_size)
{
    if (!out_size)
        return;
    out[0] = '\0';
    if (!raw)
        return;
    const char *start = strchr(raw, '#');
    start = start ? start + 1 : raw;
    while (*start && isspace((unsigned char)*start))
        start++;
    size_t n = strcspn(start, ":");
    while (n && isspace((unsigned char)start[n - 1]))
        n--;
    if (n >= out_size)
        n = out_size - 1;
    memcpy(out, start, n);
    out[n] = '\0';
}

/* Depth-first search for the first element with this local name. */
static xmlNodePtr find_elem(xmlNodePtr n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, name) == 0)
            return n;
        xmlNodePtr hit = find_elem(n->children, name);
        if (hit)
            return hit;
    }
    return NULL;
}

/* Copy s into out, collapsing runs of whitespace and dropping control
 * characters, so a message always fits on one line.  Returns true when all
 * of s fitted. */
static bool one_line(const char *s, size_t len, char *out, size_t out_size)
{
    size_t o = 0, i = 0;
    bool space = false;
    for (; i < len && s[i] && o + 1 < out_size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c) || c < 0x20 || c == 0x7f) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < out_size)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    while (i < len && s[i] && (isspace((unsigned char)s[i]) || (unsigned char)s[i] < 0x20))
        i++;
    return i >= len || !s[i];
}

static void copy_field(char *dst, size_t dst_size, const char *src)
{
    one_line(src ? src : "", src ? strlen(src) : 0, dst, dst_size);
}

struct parsed_error {
    char code[128];
    char message[512];
    char request_id[128];
    bool aws_shaped;   /* the body was an AWS error document */
};

static void parse_xml_error(const char *body, size_t len, struct parsed_error *pe)
{
    xmlDocPtr doc = NULL;
    if (xml_parse(body, len, "error", &doc, NULL) < 0)
        return;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr error = strcmp((const char *)root->name, "Error") == 0 ? root
                                                                      : find_elem(root, "Error");
    if (error) {
        char *code = xml_child_text(error, "Code");
        char *msg = xml_child_text(error, "Message");
        if (code && *code) {
            copy_field(pe->code, sizeof pe->code, code);
            copy_field(pe->message, sizeof pe->message, msg);
            pe->aws_shaped = true;
        }
        free(code);
        free(msg);
    }
    xmlNodePtr rid = find_elem(root, "RequestId");
    if (!rid)
        rid = find_elem(root, "RequestID");
    if (rid && pe->aws_shaped) {
        char *t = xml_text(rid);
        copy_field(pe->request_id, sizeof pe->request_id, t);
        free(t);
    }
    xmlFreeDoc(doc);
}

static const char *json_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void parse_json_error(const char *body, size_t len, struct parsed_error *pe)
{
    json_t *j = json_loadb(body, len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return;
    }
    const char *type = json_str(j, "__type");
    if (!type)
        type = json_str(j, "code");
    if (!type)
        type = json_str(j, "Code");
    const char *msg = json_str(j, "message");
    if (!msg)
        msg = json_str(j, "Message");
    if (!msg)
        msg = json_str(j, "errorMessage");
    if (type && *type) {
        char code[128];
        aws_error_code_sanitize(type, code, sizeof code);
        copy_field(pe->code, sizeof pe->code, code);
        pe->aws_shaped = true;
    }
    if (msg)
        copy_field(pe->message, sizeof pe->message, msg);
    json_decref(j);
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return NULL;
    }
}

int aws_error_from_answer(const char *op, const struct aws_answer *a, struct err *e)
{
    struct parsed_error pe;
    memset(&pe, 0, sizeof pe);
    const char *body = a->body ? a->body : "";
    size_t len = a->body ? a->len : 0;
    size_t skip = 0;
    while (skip < len && isspace((unsigned char)body[skip]))
        skip++;
    if (skip < len && body[skip] == '<')
        parse_xml_error(body + skip, len - skip, &pe);
    else if (skip < len && body[skip] == '{')
        parse_json_error(body + skip, len - skip, &pe);
    if (!pe.code[0] && a->error_type && *a->error_type) {
        char code[128];
        aws_error_code_sanitize(a->error_type, code, sizeof code);
        copy_field(pe.code, sizeof pe.code, code);
        pe.aws_shaped = pe.code[0] != '\0';
    }
    if (a->request_id && *a->request_id && !pe.request_id[0])
        copy_field(pe.request_id, sizeof pe.request_id, a->request_id);

    char tail[200];
    if (pe.request_id[0])
        snprintf(tail, sizeof tail, "(HTTP %d, request id %s)", a->http_status, pe.request_id);
    else
        snprintf(tail, sizeof tail, "(HTTP %d)", a->http_status);

    enum err_code code = aws_retry_is_auth_code(pe.code) ? ERR_AUTH : ERR_AWS;
    if (pe.aws_shaped) {
        if (pe.message[0])
            err_set(e, code, "%s: %s: %s %s", op, pe.code, pe.message, tail);
        else
            err_set(e, code, "%s: %s %s", op, pe.code, tail);
    } else {
        char excerpt[161];
        bool whole = one_line(body, len, excerpt, sizeof excerpt);
        const char *reason = reason_phrase(a->http_status);
        char status[64];
        if (reason)
            snprintf(status, sizeof status, "HTTP %d %s", a->http_status, reason);
        else
            snprintf(status, sizeof status, "HTTP %d", a->http_status);
        const char *ct = a->content_type && *a->content_type ? a->content_type : "no content type";
        if (excerpt[0])
            err_set(e, ERR_AWS, "%s: %s, not an AWS answer (%s%s%s): %s%s", op, status, ct,
                    pe.request_id[0] ? ", request id " : "", pe.request_id, excerpt,
                    whole ? "" : "…");
        else
            err_set(e, ERR_AWS, "%s: %s with an empty body, not an AWS answer%s%s", op, status,
                    pe.request_id[0] ? ", request id " : "", pe.request_id);
    }
    if (e) {
        snprintf(e->aws_code, sizeof e->aws_code, "%s", pe.code);
        snprintf(e->request_id, sizeof e->request_id, "%s", pe.request_id);
        e->http_status = a->http_status;
    }
    return -1;
}

int aws_json_parse_answer(const char *op, const struct aws_answer *a, json_t **out,
                          struct err *e)
{
    *out = NULL;
    size_t skip = 0;
    while (a->body && skip < a->len && isspace((unsigned char)a->body[skip]))
        skip++;
    if (!a->body || skip == a->len) {
        *out = json_object();
        return 0;
    }
    json_error_t je;
    json_t *j = json_loadb(a->body, a->len, 0, &je);
    if (!j)
        return err_set(e, ERR_PARSE, "%s: malformed JSON answer: %s (line %d, column %d)", op,
                       je.text, je.line, je.column);
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(e, ERR_PARSE, "%s: unexpected answer: a JSON object was expected", op);
    }
    *out = j;
    return 0;
}
