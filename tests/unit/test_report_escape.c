/* test_report_escape.c — escaping of arbitrary bytes for every report format:
 * strict UTF-8 repair (overlongs, surrogates, truncated sequences, > U+10FFFF),
 * NUL and other controls made visible, markup and GitHub command escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"
#include "util/xmalloc.h"

struct esc_case {
    const char *in;
    size_t in_len;          /* bytes of in (may hold NUL) */
    enum esc_mode mode;
    const char *want;
};

#define B(s) s, sizeof(s) - 1
#define FFFD "\xef\xbf\xbd"

static const struct esc_case cases[] = {
    /* plain text and markup */
    {B("plain"), ESC_XML, "plain"},
    {B("a<b>&\"c'"), ESC_XML, "a&lt;b&gt;&amp;\"c'"},
    {B("a<b>&\"c'"), ESC_XML_ATTR, "a&lt;b&gt;&amp;&quot;c&#39;"},
    {B("a<b>&\"c'"), ESC_HTML, "a&lt;b&gt;&amp;&quot;c&#39;"},
    {B("]]>"), ESC_XML, "]]&gt;"},
    {B("<script>document.title='PWNED'</script>"), ESC_HTML,
     "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"},
    /* whitespace controls */
    {B("a\tb\nc\rd"), ESC_XML, "a\tb\nc\rd"},
    {B("a\tb\nc\rd"), ESC_XML_ATTR, "a&#9;b&#10;c&#13;d"},
    {B("a\tb\nc\rd"), ESC_HTML, "a\tb\nc\\x0dd"},
    {B("a\tb\nc\rd"), ESC_TEXT, "a\tb\nc\\x0dd"},
    {B("a\tb\nc"), ESC_LINE, "a\\x09b\\x0ac"},
    /* NUL, ESC, DEL, C1 */
    {B("x\0y"), ESC_XML, "x\\x00y"},
    {B("x\0y"), ESC_HTML, "x\\x00y"},
    {B("\x1b[2J\x07"), ESC_TEXT, "\\x1b[2J\\x07"},
    {B("\x01\x1f\x7f"), ESC_XML, "\\x01\\x1f\\x7f"},
    {B("\xc2\x85"), ESC_XML, "\\u0085"},
    {B("\xc2\x85"), ESC_UTF8, "\xc2\x85"},
    /* valid multi-byte passes through */
    {B("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), ESC_XML, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    {B("\xf4\x8f\xbf\xbf"), ESC_XML, "\xf4\x8f\xbf\xbf"},  /* U+10FFFF is fine */
    /* invalid UTF-8: one U+FFFD per offending byte */
    {B("\xc0\xaf"), ESC_XML, FFFD FFFD},                    /* overlong '/' */
    {B("\xe0\x80\xaf"), ESC_XML, FFFD FFFD FFFD},           /* overlong, 3 bytes */
    {B("\xf0\x80\x80\xaf"), ESC_HTML, FFFD FFFD FFFD FFFD}, /* overlong, 4 bytes */
    {B("\xed\xa0\x80"), ESC_XML, FFFD FFFD FFFD},           /* surrogate U+D800 */
    {B("\xed\xbf\xbf"), ESC_UTF8, FFFD FFFD FFFD},          /* surrogate U+DFFF */
    {B("\xf4\x90\x80\x80"), ESC_XML, FFFD FFFD FFFD FFFD},  /* > U+10FFFF */
    {B("\xf5\x80"), ESC_UTF8, FFFD FFFD},
    {B("\xff\xfe"), ESC_XML, FFFD FFFD},
    {B("ab\xc3"), ESC_XML, "ab" FFFD},                      /* truncated at the end */
    {B("\xe2\x82 x"), ESC_XML, FFFD FFFD " x"},             /* truncated in the middle */
    {B("\x80<"), ESC_XML, FFFD "&lt;"},                     /* lone continuation */
    {B("\xef\xbf\xbe"), ESC_XML, FFFD},                     /* U+FFFE: not an XML char */
    {B("\xef\xbf\xbf"), ESC_HTML, FFFD},                    /* U+FFFF */
    /* GitHub workflow commands */
    {B("100% done\r\nnext"), ESC_GH_DATA, "100%25 done%0D%0Anext"},
    {B("a: b, c"), ESC_GH_DATA, "a: b, c"},
    {B("a: b, c%"), ESC_GH_PROP, "a%3A b%2C c%25"},
    {B("::error::x\n::warning::y"), ESC_GH_DATA, "::error::x%0A::warning::y"},
    {B("\x1b[31m\0"), ESC_GH_DATA, "\\x1b[31m\\x00"},
    /* markdown table cells */
    {B("a|b\nc <i>"), ESC_MD_CELL, "a&#124;b c &lt;i&gt;"},
    {B("[x](http://e) *b* `c`"), ESC_MD_CELL, "&#91;x&#93;&#40;http://e&#41; &#42;b&#42; &#96;c&#96;"},
    {B("[x](y)"), ESC_HTML, "[x](y)"},
    {B(""), ESC_XML, ""},
};

static void escapes_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct esc_case *c = &cases[i];
        size_t len;
        char *got = esc_dup(c->in, c->in_len, c->mode, &len);
        size_t want_len = strlen(c->want);
        if (len != want_len || memcmp(got, c->want, len) != 0)
            fail_msg("case %zu (mode %d): got \"%s\" want \"%s\"", i, (int)c->mode, got, c->want);
        free(got);
    }
}

/* Every single byte and every two-byte sequence, in each markup mode, gives
 * output that is valid UTF-8 with no C0 control other than tab/LF/CR and no
 * raw '<' or '&' that does not start an entity. */
static void check_markup_output(const char *s, size_t n, enum esc_mode m)
{
    assert_true(esc_utf8_valid(s, n));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20)
            assert_true(c == '\t' || c == '\n' || (c == '\r' && m == ESC_XML));
        assert_true(c != '<' && c != '>');
        if (m != ESC_XML)
            assert_true(c != '"' && c != '\'');
        if (c == '&')
            assert_non_null(memchr(s + i, ';', n - i < 8 ? n - i : 8));
    }
}

static void exhaustive_pairs(void **state)
{
    (void)state;
    static const enum esc_mode modes[] = {ESC_XML, ESC_XML_ATTR, ESC_HTML, ESC_MD_CELL};
    unsigned char in[3];
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b += (m ? 7 : 1)) {
                in[0] = (unsigned char)a;
                in[1] = (unsigned char)b;
                in[2] = 0xE2;   /* a truncated lead byte after every pair */
                size_t len;
                char *out = esc_dup(in, 3, modes[m], &len);
                assert_int_equal(strlen(out), len); /* no NUL survives */
                check_markup_output(out, len, modes[m]);
                free(out);
            }
}

static void utf8_repair_keeps_valid_text(void **state)
{
    (void)state;
    /* ESC_UTF8 output is always valid UTF-8 (NUL aside) and idempotent. */
    static const unsigned char junk[] = {'o', 'k', 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1,
                                         0xf0, 0x28, 0x8c, 0xbc, 0xf8, 0xa1, 0xa1, 0xa1, 0xa1};
    size_t len1, len2;
    char *once = esc_dup(junk, sizeof junk, ESC_UTF8, &len1);
    assert_true(esc_utf8_valid(once, len1));
    char *twice = esc_dup(once, len1, ESC_UTF8, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(once, twice, len1);
    assert_false(esc_utf8_valid(junk, sizeof junk));
    assert_false(esc_utf8_valid("a\0b", 3)); /* NUL is not "valid" for our use */
    assert_true(esc_utf8_valid("", 0));
    char *nul = esc_dup("x\0y", 3, ESC_UTF8, &len1); /* NUL kept for jansson */
    assert_int_equal(len1, 3);
    assert_memory_equal(nul, "x\0y", 3);
    free(nul);
    free(once);
    free(twice);
}

static void decoder_consumes_one_byte_on_error(void **state)
{
    (void)state;
    struct {
        const char *in;
        size_t n, used;
        uint32_t cp;
        bool valid;
    } d[] = {
        {"A", 1, 1, 'A', true},
        {"\xc3\xa9", 2, 2, 0xE9, true},
        {"\xe2\x82\xac", 3, 3, 0x20AC, true},
        {"\xf0\x9f\x98\x80", 4, 4, 0x1F600, true},
        {"\xc1\xbf", 2, 1, 0xFFFD, false},
        {"\xe2\x82", 2, 1, 0xFFFD, false},
        {"\xed\xa0\x80", 3, 1, 0xFFFD, false},
        {"\xf4\x90\x80\x80", 4, 1, 0xFFFD, false},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        uint32_t cp;
        bool ok;
        size_t used = esc_utf8_decode((const unsigned char *)d[i].in, d[i].n, &cp, &ok);
        assert_int_equal(used, d[i].used);
        assert_int_equal(cp, d[i].cp);
        assert_int_equal(ok, d[i].valid);
    }
}

static void append_respects_the_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(esc_appends(&b, "<<<", ESC_XML), -1); /* 12 bytes > 8 */
    assert_null(b.data);
    buf_init(&b, 64);
    assert_int_equal(esc_appends(&b, "<", ESC_XML), 0);
    assert_int_equal(esc_appends(&b, NULL, ESC_XML), 0);
    assert_string_equal(buf_str(&b), "&lt;");
    buf_cleanup(&b);
}

static void verdict_words(void **state)
{
    (void)state;
    struct run_result *r = run_result_new("t");
    char *v = report_verdict_line(r);
    assert_string_equal(v, "PASS: no checks were run");
    free(v);
    check_set(run_check(r, run_add_check(r, "probe", "auth", "a", "probe a")), CHECK_PASS, "ok");
    check_set(run_check(r, run_add_check(r, "probe", "auth", "b", "probe b")), CHECK_FLAKY, "ok");
    v = report_verdict_line(r);
    assert_string_equal(v, "PASS: all 2 checks passed (some only after retries)");
    assert_string_equal(report_verdict_word(r), "pass");
    free(v);
    check_set(run_check(r, run_add_check(r, "logs", "auth", "c", "logs c")), CHECK_FAIL, "missing");
    v = report_verdict_line(r);
    assert_string_equal(v, "FAIL: 1 of 3 checks failed");
    assert_string_equal(report_verdict_word(r), "fail");
    free(v);
    assert_string_equal(report_status_word(CHECK_FLAKY), "FLAKY");
    char ts[40];
    report_iso_time(1795867200000LL, true, ts, sizeof ts);
    assert_string_equal(ts, "2026-11-28T12:00:00Z");
    report_iso_time(0, true, ts, sizeof ts);
    assert_string_equal(ts, "");
    run_result_free(r);
}

static void color_decision(void **state)
{
    (void)state;
    assert_true(report_color_wanted("always", NULL));
    assert_false(report_color_wanted("never", stdout));
    setenv("NO_COLOR", "1", 1);
    assert_false(report_color_wanted("auto", stdout));
    assert_true(report_color_wanted("always", stdout)); /* the flag wins */
    unsetenv("NO_COLOR");
    FILE *f = tmpfile();
    assert_false(report_color_wanted("auto", f)); /* not a TTY */
    fclose(f);
}

static void console_lines(void **state)
{
    (void)state;
    struct run_result *r = run_result_new("t");
    struct check_result *c = run_check(r, run_add_check(r, "probe", "auth", "p", "probe GET /x"));
    check_set(c, CHECK_FAIL, "body \x1b]0;owned\x07 was \xff");
    check_hint(c, "look\nhere");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct report_console_opts o = {.color = false, .quiet = true};
    report_console_check(f, c, &o);
    struct check_result *p = run_check(r, run_add_check(r, "probe", "auth", "q", "probe GET /y"));
    check_set(p, CHECK_PASS, "fine");
    report_console_check(f, p, &o); /* quiet: not printed */
    fclose(f);
    assert_string_equal(out, "FAIL  probe GET /x — body \\x1b]0;owned\\x07 was " FFFD "\n"
                             "      hint: look\\x0ahere\n");
    free(out);
    f = open_memstream(&out, &len);
    o.color = true;
    o.quiet = false;
    report_console_check(f, p, &o);
    fclose(f);
    assert_string_equal(out, "\033[32mPASS \033[0m probe GET /y — fine\n");
    free(out);

    /* The summary line: counts, verdict in words, duration, exit status. */
    r->started_ms = 1000;
    r->finished_ms = 3500;
    f = open_memstream(&out, &len);
    o.color = false;
    report_console_summary(f, r, &o);
    fclose(f);
    assert_string_equal(out, "\n2 checks: 1 passed, 1 failed, 0 errors, 0 flaky, 0 skipped in 2.5 s\n"
                             "FAIL: 1 of 2 checks failed (exit 1)\n");
    free(out);
    run_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_table),
        cmocka_unit_test(exhaustive_pairs),
        cmocka_unit_test(utf8_repair_keeps_valid_text),
        cmocka_unit_test(decoder_consumes_one_byte_on_error),
        cmocka_unit_test(append_respects_the_cap),
        cmocka_unit_test(verdict_words),
        cmocka_unit_test(color_decision),
        cmocka_unit_test(console_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
