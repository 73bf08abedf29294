/* jsonpos.c — a position index over JSON text (see jsonpos.h).
 *
 * Written by hand because jansson (the parser we use for values) does not
 * record where values are, and pulling in a second full JSON parser only for
 * positions would be heavier than this scanner.  It trusts nothing: every
 * read is bounds-checked and an unexpected byte ends the scan with -1, so
 * it is safe on any input even though it only runs on text jansson accepted.
 */
#include "jsonpos.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define JSONPOS_MAX_DEPTH 4096

struct scan {
    const unsigned char *s;
    size_t len, i;
    int line, col;          /* of s[i] */
    struct jsonpos *p;
    char *path;             /* current pointer, NUL-terminated */
    size_t plen, pcap;
};

static int peek(const struct scan *sc)
{
    return sc->i < sc->len ? sc->s[sc->i] : -1;
}

/* Consume one byte, keeping line and column (columns count UTF-8 lead bytes). */
static void adv(struct scan *sc)
{
    if (sc->i >= sc->len)
        return;
    unsigned char c = sc->s[sc->i++];
    if (c == '\n') {
        sc->line++;
        sc->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        /* the next character starts after this one; continuation bytes of a
         * multibyte character do not move the column */
        sc->col++;
    }
}

static void skip_ws(struct scan *sc)
{
    for (;;) {
        int c = peek(sc);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            adv(sc);
        else
            return;
    }
}

static void path_reserve(struct scan *sc, size_t extra)
{
    if (sc->plen + extra + 1 > sc->pcap) {
        size_t ncap = sc->pcap ? sc->pcap : 64;
        while (ncap < sc->plen + extra + 1)
            ncap *= 2;
        sc->path = xrealloc(sc->path, ncap);
        sc->pcap = ncap;
    }
}

static void path_push_raw(struct scan *sc, const char *seg, size_t n)
{
    path_reserve(sc, n + 1);
    sc->path[sc->plen++] = '/';
    for (size_t k = 0; k < n; k++) {
        if (seg[k] == '~' || seg[k] == '/') {
            path_reserve(sc, 2);
            sc->path[sc->plen++] = '~';
            sc->path[sc->plen++] = seg[k] == '~' ? '0' : '1';
        } else {
            path_reserve(sc, 1);
            sc->path[sc->plen++] = seg[k];
        }
    }
    sc->path[sc->plen] = '\0';
}

static struct jsonpos_entry *record(struct scan *sc, int kl, int kc, int vl, int vc)
{
    struct jsonpos_entry *e = ARRAY_PUSH(sc->p->v, sc->p->n, sc->p->cap);
    e->ptr = xstrndup(sc->path ? sc->path : "", sc->plen);
    e->key_line = kl;
    e->key_col = kc;
    e->val_line = vl;
    e->val_col = vc;
    return e;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(struct scan *sc, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(peek(sc));
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
        adv(sc);
    }
    *out = v;
    return 0;
}

static void put_utf8(char **d, size_t *n, size_t *cap, unsigned cp)
{
    char tmp[4];
    size_t k = 0;
    if (cp < 0x80) {
        tmp[k++] = (char)cp;
    } else if (cp < 0x800) {
        tmp[k++] = (char)(0xC0 | (cp >> 6));
        tmp[k++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        tmp[k++] = (char)(0xE0 | (cp >> 12));
        tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[k++] = (char)(0x80 | (cp & 0x3F));
    } else {
        tmp[k++] = (char)(0xF0 | (cp >> 18));
        tmp[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[k++] = (char)(0x80 | (cp & 0x3F));
    }
    if (*n + k + 1 > *cap) {
        *cap = (*n + k + 1) * 2;
        *d = xrealloc(*d, *cap);
    }
    memcpy(*d + *n, tmp, k);
    *n += k;
    (*d)[*n] = '\0';
}

/* Read a string token; when out != NULL, decode it (caller frees *out). */
static int scan_string(struct scan *sc, char **out, size_t *out_len)
{
    char *d = NULL;
    size_t n = 0, cap = 0;
    if (peek(sc) != '"')
        return -1;
    adv(sc);
    for (;;) {
        int c = peek(sc);
        if (c < 0)
            goto fail;
        if (c == '"') {
            adv(sc);
            break;
        }
        if (c == '\\') {
            adv(sc);
            int esc = peek(sc);
            unsigned cp;
            adv(sc);
            switch (esc) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (read_hex4(sc, &cp) < 0)
                    goto fail;
                if (cp >= 0xD800 && cp <= 0xDBFF && peek(sc) == '\\') {
                    size_t save_i = sc->i;
                    int save_l = sc->line, save_c = sc->col;
                    unsigned lo;
                    adv(sc);
                    if (peek(sc) == 'u') {
                        adv(sc);
                        if (read_hex4(sc, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            break;
                        }
                    }
                    sc->i = save_i;
                    sc->line = save_l;
                    sc->col = save_c;
                }
                break;
            default:
                goto fail;
            }
            if (out)
                put_utf8(&d, &n, &cap, cp);
            continue;
        }
        if (out) {
            if (n + 2 > cap) {
                cap = cap ? cap * 2 : 32;
                d = xrealloc(d, cap);
            }
            d[n++] = (char)c;
            d[n] = '\0';
        }
        adv(sc);
    }
    if (out) {
        *out = d ? d : xstrdup("");
        *out_len = n;
    }
    return 0;
fail:
    free(d);
    return -1;
}

static int scan_value(struct scan *sc, int depth, int kl, int kc);

static int scan_object(struct scan *sc, int depth)
{
    adv(sc); /* { */
    skip_ws(sc);
    if (peek(sc) == '}') {
        adv(sc);
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        int kl = sc->line, kc = sc->col;
        char *key = NULL;
        size_t klen = 0;
        if (scan_string(sc, &key, &klen) < 0)
            return -1;
        skip_ws(sc);
        if (peek(sc) != ':') {
            free(key);
            return -1;
        }
        adv(sc);
        size_t save = sc->plen;
        path_push_raw(sc, key, klen);
        free(key);
        int rc = scan_value(sc, depth + 1, kl, kc);
        sc->plen = save;
        sc->path[save] = '\0';
        if (rc < 0)
            return -1;
        skip_ws(sc);
        int c = peek(sc);
        adv(sc);
        if (c == '}')
            return 0;
        if (c != ',')
            return -1;
    }
}

static int scan_array(struct scan *sc, int depth)
{
    adv(sc); /* [ */
    skip_ws(sc);
    if (peek(sc) == ']') {
        adv(sc);
        return 0;
    }
    for (size_t idx = 0;; idx++) {
        char seg[32];
        int sn = snprintf(seg, sizeof seg, "%zu", idx);
        size_t save = sc->plen;
        path_push_raw(sc, seg, (size_t)sn);
        int rc = scan_value(sc, depth + 1, 0, 0);
        sc->plen = save;
        sc->path[save] = '\0';
        if (rc < 0)
            return -1;
        skip_ws(sc);
        int c = peek(sc);
        adv(sc);
        if (c == ']')
            return 0;
        if (c != ',')
            return -1;
    }
}

static int scan_value(struct scan *sc, int depth, int kl, int kc)
{
    if (depth > JSONPOS_MAX_DEPTH)
        return -1;
    skip_ws(sc);
    record(sc, kl, kc, sc->line, sc->col);
    int c = peek(sc);
    if (c == '{')
        return scan_object(sc, depth);
    if (c == '[')
        return scan_array(sc, depth);
    if (c == '"')
        return scan_string(sc, NULL, NULL);
    /* number, true, false, null: a run of these characters */
    size_t start = sc->i;
    while (sc->i < sc->len && (strchr("+-.0123456789eEtrufalsn", sc->s[sc->i]) != NULL) &&
           sc->s[sc->i] != '\0')
        adv(sc);
    return sc->i > start ? 0 : -1;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct jsonpos_entry *x = a, *y = b;
    return strcmp(x->ptr, y->ptr);
}

int jsonpos_build(struct jsonpos *p, const char *text, size_t len)
{
    struct scan sc = {.s = (const unsigned char *)text, .len = len, .line = 1, .col = 1, .p = p};
    path_reserve(&sc, 0);
    sc.path[0] = '\0';
    int rc = scan_value(&sc, 0, 0, 0);
    free(sc.path);
    /* Sort for bsearch; stable ties do not matter: pointers are unique in
     * text jansson accepted with JSON_REJECT_DUPLICATES. */
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, cmp_entry);
    return rc;
}

void jsonpos_cleanup(struct jsonpos *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].ptr);
    free(p->v);
    memset(p, 0, sizeof *p);
}

const struct jsonpos_entry *jsonpos_find(const struct jsonpos *p, const char *ptr)
{
    if (!p || !p->n || !ptr)
        return NULL;
    struct jsonpos_entry key = {.ptr = (char *)(uintptr_t)ptr};
    return bsearch(&key, p->v, p->n, sizeof *p->v, cmp_entry);
}

int jsonpos_append(char *dst, size_t cap, const char *key)
{
    size_t n = strlen(dst);
    if (n + 1 >= cap)
        return -1;
    dst[n++] = '/';
    for (const char *k = key; *k; k++) {
        const char *rep = *k == '~' ? "~0" : *k == '/' ? "~1" : NULL;
        size_t need = rep ? 2 : 1;
        if (n + need >= cap)
            return -1;
        if (rep) {
            dst[n++] = rep[0];
            dst[n++] = rep[1];
        } else {
            dst[n++] = *k;
        }
    }
    dst[n] = '\0';
    return 0;
}
