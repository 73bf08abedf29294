/* fuzz_escape.c — libFuzzer target: esc_dup() of arbitrary bytes in every
 * mode, with each mode's promise (include/report/escape.h) checked:
 * the output is valid UTF-8 (NUL allowed only in ESC_UTF8), ESC_TEXT holds no
 * C0 control but tab and LF, ESC_LINE none at all, the XML/HTML/markdown
 * modes no raw '<' '>' (nor quotes in the attribute modes, nor '|' or
 * newlines in a markdown cell), the GitHub modes no control (nor ':' ','
 * in a property).  A capped buffer must refuse cleanly, never overflow.
 * fuzz_report.c writes whole reports around the same kind of input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *out, size_t len)
{
    fprintf(stderr, "%s: %.*s\n", what, (int)(len > 400 ? 400 : len), out);
    abort();
}

/* Valid UTF-8 where NUL bytes (kept by ESC_UTF8) count as valid too. */
static bool utf8_ok(const char *p, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || p[i] == '\0') {
            if (!esc_utf8_valid(p + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static void check_escape(const uint8_t *data, size_t size)
{
    static const enum esc_mode modes[] = {ESC_TEXT, ESC_LINE, ESC_XML, ESC_XML_ATTR, ESC_HTML,
                                          ESC_UTF8, ESC_GH_DATA, ESC_GH_PROP, ESC_MD_CELL};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        size_t len = 0;
        char *out = esc_dup(data, size, modes[m], &len);
        if (!out)
            abort();
        if (modes[m] != ESC_UTF8 && len != strlen(out))
            fail("NUL in escaped output", out, len);
        if (!utf8_ok(out, len))
            fail("escaped output is not UTF-8", out, len);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)out[i];
            switch (modes[m]) {
            case ESC_TEXT:
                if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                    fail("control in ESC_TEXT", out, len);
                break;
            case ESC_LINE:
                if (c < 0x20 || c == 0x7f)
                    fail("control in ESC_LINE", out, len);
                break;
            case ESC_XML:
            case ESC_XML_ATTR:
            case ESC_HTML:
            case ESC_MD_CELL:
                if (c == '<' || c == '>' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
                    fail("raw markup or control in XML/HTML", out, len);
                if (modes[m] != ESC_XML && (c == '"' || c == '\''))
                    fail("raw quote in attribute mode", out, len);
                if (modes[m] == ESC_MD_CELL && (c == '|' || c == '\n' || c == '\r'))
                    fail("raw pipe or newline in markdown cell", out, len);
                break;
            case ESC_GH_DATA:
            case ESC_GH_PROP:
                if (c < 0x20 || c == 0x7f)
                    fail("control in GitHub command", out, len);
                if (modes[m] == ESC_GH_PROP && (c == ':' || c == ','))
                    fail("raw : or , in GitHub property", out, len);
                break;
            default:
                break;
            }
        }
        free(out);
    }
    struct buf b;
    buf_init(&b, 64);   /* a small cap: appending must fail cleanly, not overflow */
    (void)esc_append(&b, data, size, ESC_HTML);
    if (b.len > 64)
        abort();
    buf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_escape(data, size);
    return 0;
}
