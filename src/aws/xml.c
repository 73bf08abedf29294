/* xml.c — reading AWS XML answers by local name (see xml.h). */
#include "aws/xml.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* A generic error handler that drops the message (see xml_parse). */
static void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int xml_parse(const char *data, size_t len, const char *what, xmlDocPtr *out, struct err *e)
{
    *out = NULL;
    if (len > (size_t)0x7fffffff)
        return err_set(e, ERR_LIMIT, "%s: answer too large to parse", what);
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx)
        return err_set(e, ERR_INTERNAL, "%s: cannot create an XML parser", what);
    /* XML_PARSE_NOERROR silences the parser's own errors, but libxml2 reports
     * encoding-conversion and I/O errors without the parser context, through
     * the (per-thread) generic handler, which prints to stderr: an answer
     * declaring a charset it does not use would write "encoding error : …"
     * into albcheck's output (found by tests/fuzz/fuzz_aws_xml.c).  The
     * parser context's last error still says what went wrong. */
    xmlGenericErrorFunc saved_fn = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    xmlDocPtr doc = xmlCtxtReadMemory(ctx, data, (int)len, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(saved_ctx, saved_fn);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *xe = xmlCtxtGetLastError(ctx);
        char msg[256] = "empty document";
        if (xe && xe->message) {
            snprintf(msg, sizeof msg, "%s", xe->message);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
            if (xe->line)
                snprintf(msg + n, sizeof msg - n, " (line %d)", xe->line);
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctx);
        return err_set(e, ERR_PARSE, "%s: malformed XML answer: %s", what, msg);
    }
    xmlFreeParserCtxt(ctx);
    *out = doc;
    return 0;
}

static int is_named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr xml_child(xmlNodePtr parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (is_named(n, name))
            return n;
    return NULL;
}

xmlNodePtr xml_path(xmlNodePtr from, const char *path)
{
    char part[128];
    const char *p = path;
    xmlNodePtr n = from;
    while (n && *p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, p, len);
        part[len] = '\0';
        n = xml_child(n, part);
        p += len + (slash ? 1 : 0);
    }
    return n;
}

xmlNodePtr xml_next(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr n = node ? node->next : NULL; n; n = n->next)
        if (is_named(n, name))
            return n;
    return NULL;
}

char *xml_text(xmlNodePtr node)
{
    if (!node)
        return NULL;
    xmlChar *c = xmlNodeGetContent(node);
    char *s = xstrdup(c ? (const char *)c : "");
    xmlFree(c);
    return s;
}

char *xml_child_text(xmlNodePtr parent, const char *name)
{
    return xml_text(xml_child(parent, name));
}

long xml_child_long(xmlNodePtr parent, const char *name, long dflt)
{
    char *s = xml_child_text(parent, name);
    if (!s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end)
        v = dflt;
    free(s);
    return v;
}

xmlNodePtr xml_first_member(xmlNodePtr list)
{
    return xml_child(list, "member");
}

size_t xml_count_members(xmlNodePtr list)
{
    size_t n = 0;
    for (xmlNodePtr m = xml_first_member(list); m; m = xml_next(m, "member"))
        n++;
    return n;
}
