/* escape.c — strict UTF-8 decoding and per-format escaping (see escape.h).
 *
 * Written by hand rather than with libxml2's xmlEncodeEntities or iconv:
 * those either reject invalid input outright or pass C0 controls through,
 * and every report format here needs the same "repair, then make visible"
 * policy over raw, possibly hostile, bytes.
 */
#include "report/escape.h"

#include <stdio.h>
#include <string.h>

#include "util/xmalloc.h"

#define REPLACEMENT 0xFFFDu

size_t esc_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp, bool *valid)
{
    unsigned char c = p[0];
    size_t len;
    uint32_t v, min;

    *valid = false;
    *cp = REPLACEMENT;
    if (c < 0x80) {
        *cp = c;
        *valid = true;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 1;           /* continuation byte, C0/C1 overlong lead, F5..FF */
    }
    if (n < len)
        return 1;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 1;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 1;           /* overlong, too large, surrogate */
    *cp = v;
    *valid = true;
    return len;
}

bool esc_utf8_valid(const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        bool ok;
        i += esc_utf8_decode(s + i, n - i, &cp, &ok);
        if (!ok || cp == 0)
            return false;
    }
    return true;
}

static int put_utf8(struct buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp; n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return buf_append(b, o, n);
}

/* A control shown as text: "\x1b" for C0 and DEL, "\u0085" for C1. */
static int put_visible(struct buf *b, uint32_t cp)
{
    if (cp < 0x100 && (cp < 0x20 || cp == 0x7F))
        return buf_printf(b, "\\x%02x", (unsigned)cp);
    return buf_printf(b, "\\u%04x", (unsigned)cp);
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

static bool is_markup(enum esc_mode m)
{
    return m == ESC_XML || m == ESC_XML_ATTR || m == ESC_HTML || m == ESC_MD_CELL;
}

/* One decoded code point, escaped for mode m. */
static int put_cp(struct buf *b, uint32_t cp, enum esc_mode m)
{
    if (cp == 0xFFFE || cp == 0xFFFF) /* not characters; illegal in XML */
        cp = m == ESC_UTF8 ? cp : REPLACEMENT;
    if (is_markup(m)) {
        switch (cp) {
        case '&': return buf_appends(b, "&amp;");
        case '<': return buf_appends(b, "&lt;");
        case '>': return buf_appends(b, "&gt;");
        case '"': if (m != ESC_XML) return buf_appends(b, "&quot;"); break;
        case '\'': if (m != ESC_XML) return buf_appends(b, "&#39;"); break;
        case '|': case '[': case ']': case '(': case ')': case '*': case '_':
        case '`': case '~': case '!': case '\\': case '#':
            /* markdown syntax: as a numeric reference it is only text */
            if (m == ESC_MD_CELL)
                return buf_printf(b, "&#%u;", (unsigned)cp);
            break;
        default: break;
        }
    }
    switch (m) {
    case ESC_UTF8:
        return put_utf8(b, cp);
    case ESC_TEXT:
        if (cp == '\t' || cp == '\n')
            return buf_appendc(b, (char)cp);
        break;
    case ESC_LINE:
        break;
    case ESC_XML:
        if (cp == '\t' || cp == '\n' || cp == '\r')
            return buf_appendc(b, (char)cp);
        break;
    case ESC_XML_ATTR:
        if (cp == '\t' || cp == '\n' || cp == '\r')
            return buf_printf(b, "&#%u;", (unsigned)cp);
        break;
    case ESC_HTML:
        if (cp == '\t' || cp == '\n')
            return buf_appendc(b, (char)cp);
        break;
    case ESC_GH_PROP:
    case ESC_GH_DATA:
        if (m == ESC_GH_PROP && cp == ':')
            return buf_appends(b, "%3A");
        if (m == ESC_GH_PROP && cp == ',')
            return buf_appends(b, "%2C");
        if (cp == '%')
            return buf_appends(b, "%25");
        if (cp == '\r')
            return buf_appends(b, "%0D");
        if (cp == '\n')
            return buf_appends(b, "%0A");
        break;
    case ESC_MD_CELL:
        if (cp == '\n' || cp == '\r' || cp == '\t')
            return buf_appendc(b, ' ');
        break;
    }
    if (is_control(cp))
        return put_visible(b, cp);
    return put_utf8(b, cp);
}

int esc_append(struct buf *b, const void *p, size_t n, enum esc_mode mode)
{
    const unsigned char *s = p;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        bool ok;
        i += esc_utf8_decode(s + i, n - i, &cp, &ok);
        if (put_cp(b, cp, mode) < 0)
            return -1;
    }
    if (!b->data) /* an empty input still leaves a valid empty string */
        return buf_append(b, "", 0);
    return 0;
}

int esc_appends(struct buf *b, const char *s, enum esc_mode mode)
{
    return s ? esc_append(b, s, strlen(s), mode) : 0;
}

char *esc_dup(const void *p, size_t n, enum esc_mode mode, size_t *out_len)
{
    struct buf b;
    /* The worst case is 6 output bytes per input byte ("\x01", "&quot;"). */
    buf_init(&b, n * 6 + 16);
    if (esc_append(&b, p, n, mode) < 0)
        buf_init(&b, 1);    /* cannot happen with this cap; stay defined */
    if (out_len)
        *out_len = b.len;
    return buf_steal(&b);
}

char *esc_strdup(const char *s, enum esc_mode mode)
{
    return s ? esc_dup(s, strlen(s), mode, NULL) : NULL;
}
