/* escape.h — escaping arbitrary bytes for every report format.
 *
 * Everything a report shows may come from an attacker (a response body, a
 * header, a log line), so every string goes through one of these modes before
 * it reaches a file or a terminal.  All modes first decode UTF-8 strictly:
 * overlong forms, surrogates, code points past U+10FFFF and truncated
 * sequences become U+FFFD, one per offending byte.  Then, by mode:
 *
 *   ESC_TEXT      terminal text: C0 controls (but tab and LF), DEL and C1
 *                 controls shown as "\x1b" / "\u0085" so nothing can drive
 *                 the terminal.
 *   ESC_LINE      like ESC_TEXT, and LF / tab shown too: one line guaranteed.
 *   ESC_XML       XML 1.0 element text: & < > escaped, C0 controls other than
 *                 tab/LF/CR (illegal in XML 1.0) and DEL/C1 shown as "\x01",
 *                 U+FFFE/U+FFFF (illegal) become U+FFFD.  No CDATA is ever
 *                 used, so "]]>" needs nothing special (">" is escaped).
 *   ESC_XML_ATTR  ESC_XML plus " ' escaped and tab/LF/CR as character
 *                 references, so attribute normalisation keeps them.
 *   ESC_HTML      HTML text and attribute values: & < > " ' escaped,
 *                 controls shown as in ESC_XML (CR too).
 *   ESC_UTF8      only the UTF-8 repair: controls and NUL kept (for jansson,
 *                 which escapes them itself).
 *   ESC_GH_DATA   GitHub workflow command message: % CR LF as %25 %0D %0A,
 *                 other controls shown as "\x01".
 *   ESC_GH_PROP   GitHub workflow command property: ESC_GH_DATA plus : and ,
 *                 as %3A %2C.
 *   ESC_MD_CELL   a cell of a GitHub-flavoured markdown table: HTML escaping,
 *                 markdown punctuation (| [ ] ( ) * _ ` ~ ! \ #) as numeric
 *                 references so it stays text, newlines as a space, controls
 *                 shown.
 */
#ifndef ALBCHECK_REPORT_ESCAPE_H
#define ALBCHECK_REPORT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum esc_mode {
    ESC_TEXT = 0,
    ESC_LINE,
    ESC_XML,
    ESC_XML_ATTR,
    ESC_HTML,
    ESC_UTF8,
    ESC_GH_DATA,
    ESC_GH_PROP,
    ESC_MD_CELL,
};

/* Decode one code point from p[0..n) (n > 0).  Returns the bytes consumed
 * (1..4) and stores the code point in *cp; an invalid or truncated sequence
 * consumes exactly one byte and yields U+FFFD with *valid set false. */
size_t esc_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp, bool *valid);

/* True when p[0..n) is valid UTF-8 without NUL bytes. */
bool esc_utf8_valid(const void *p, size_t n);

/* Append p[0..n) to b, escaped for `mode`.  0, or -1 when b's cap was hit
 * (b is then freed, as every struct buf append). */
int esc_append(struct buf *b, const void *p, size_t n, enum esc_mode mode);
/* The same for a C string; NULL appends nothing. */
int esc_appends(struct buf *b, const char *s, enum esc_mode mode);

/* A new NUL-terminated escaped copy of p[0..n) (caller frees).  The result
 * of ESC_UTF8 may hold NUL bytes: its length is stored in *out_len when
 * out_len is not NULL. */
char *esc_dup(const void *p, size_t n, enum esc_mode mode, size_t *out_len);
/* esc_dup for a C string; NULL gives NULL. */
char *esc_strdup(const char *s, enum esc_mode mode);

#endif
