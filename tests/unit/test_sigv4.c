/* test_sigv4.c — unit tests for the SigV4 signer, stage by stage.
 *
 * Known answers come from the AWS documentation (signing-key derivation for
 * 20150830/us-east-1/iam) and the get-vanilla vector of the AWS test suite;
 * the canonical requests of the small cases below were written out by hand
 * from the rules in the SigV4 specification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "util/buf.h"

#define T_2015 ((time_t)1440938160) /* 2015-08-30T12:36:00Z */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define TEST_TOKEN "AQoDYXdzEPT//////////wEXAMPLE+tok="

static struct sigv4_params vector_params(void)
{
    struct sigv4_params p = {
        .access_key_id = "AKIDEXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        .region = "us-east-1",
        .service = "service",
        .now = T_2015,
        .normalize_path = true,
        .expires_s = 3600,
    };
    return p;
}

static const struct sigv4_header host_only[] = {{"Host", "example.amazonaws.com"}};

static char *canonical(const struct sigv4_request *r, const struct sigv4_params *p,
                       enum sigv4_form form)
{
    struct buf b;
    struct err e = {0};
    buf_init(&b, 0);
    assert_int_equal(sigv4_canonical_request(r, p, form, &b, &e), 0);
    return buf_steal(&b);
}

static void signing_key_known_answer(void **state)
{
    (void)state;
    /* AWS General Reference, "Examples of how to derive a signing key". */
    struct sigv4_params p = vector_params();
    p.service = "iam";
    unsigned char key[32];
    char hex[65];
    assert_int_equal(sigv4_signing_key(&p, key, NULL), 0);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    assert_string_equal(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

static void amz_date_formats_utc(void **state)
{
    (void)state;
    static const struct {
        time_t t;
        const char *want;
    } cases[] = {
        {T_2015, "20150830T123600Z"},
        {0, "19700101T000000Z"},
        {951782400, "20000229T000000Z"},
        {2145916799, "20371231T235959Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[17];
        sigv4_amz_date(cases[i].t, out);
        assert_string_equal(out, cases[i].want);
    }
}

static void payload_hash_known_answers(void **state)
{
    (void)state;
    char out[65];
    sigv4_payload_hash(NULL, 0, out);
    assert_string_equal(out, EMPTY_SHA256);
    sigv4_payload_hash("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sigv4_payload_hash("Param1=value1", 13, out);
    assert_string_equal(out, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
}

/* Header-form canonical requests on small inputs, checked by hand. */
static void canonical_request_cases(void **state)
{
    (void)state;
    static const struct sigv4_header trim_hdrs[] = {
        {"Host", "example.amazonaws.com"},
        {"My-Header1", "  a   b \t c  "},
        {"X-Folded", "one\r\n  two\n\tthree"},
    };
    static const struct sigv4_header dup_hdrs[] = {
        {"x-b", "2"}, {"Host", "h:8443"}, {"X-B", " 1 "}, {"x-a", ""}, {"X-b", "3"},
    };
    static const struct sigv4_header unsigned_hdrs[] = {
        {"Host", "h"}, {"User-Agent", "albcheck/0.1"}, {"Expect", "100-continue"},
        {"Authorization", "old"}, {"X-Amz-Date", "19990101T000000Z"}, {"Connection", "close"},
        {"X-Amz-Target", "Logs_20140328.FilterLogEvents"},
    };
    static const struct {
        const char *name;
        const char *path, *query;
        const struct sigv4_header *hdrs;
        size_t n;
        bool normalize;
        const char *want;
    } cases[] = {
        {"vanilla", "/", NULL, host_only, 1, true,
         "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"empty path is /", "", "", host_only, 1, true,
         "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"dot segments and slashes", "/a/./b//../c/", NULL, host_only, 1, true,
         "GET\n/a/c/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"dot segments kept without normalisation", "/a/./b//../c/", NULL, host_only, 1, false,
         "GET\n/a/./b//../c/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {".. above the root", "/../..", NULL, host_only, 1, true,
         "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"trailing /. drops the slash (as botocore)", "/a/b/.", NULL, host_only, 1, true,
         "GET\n/a/b\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"path encoding: space, UTF-8, '%' again, unreserved kept", "/a b/\xc3\xbc/%41/~-._!",
         NULL, host_only, 1, true,
         "GET\n/a%20b/%C3%BC/%2541/~-._%21\n\nhost:example.amazonaws.com\n"
         "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" EMPTY_SHA256},
        {"query: sorted by key then value, empty values, decoded then encoded",
         "/", "b=2&a=z&a=y&c&%7e=%41&&sp=a%20b", host_only, 1, true,
         "GET\n/\na=y&a=z&b=2&c=&sp=a%20b&~=A\n"
         "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"query: reserved and UTF-8 bytes, '+' literal, case of escapes",
         "/", "k=%2f%3A!*'()+&\xc3\xbc=%c3%bc", host_only, 1, true,
         "GET\n/\n%C3%BC=%C3%BC&k=%2F%3A%21%2A%27%28%29%2B\n"
         "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"query: broken escapes stay literal", "/", "a=%zz&b=%4", host_only, 1, true,
         "GET\n/\na=%25zz&b=%254\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
         "host;x-amz-date\n" EMPTY_SHA256},
        {"header trim, collapse, folded lines", "/", NULL, trim_hdrs, 3, true,
         "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:a b c\nx-amz-date:20150830T123600Z\n"
         "x-folded:one two three\n\nhost;my-header1;x-amz-date;x-folded\n" EMPTY_SHA256},
        {"repeated headers joined in order, sorted, empty value", "/", NULL, dup_hdrs, 5, true,
         "GET\n/\n\nhost:h:8443\nx-a:\nx-amz-date:20150830T123600Z\nx-b:2,1,3\n\n"
         "host;x-a;x-amz-date;x-b\n" EMPTY_SHA256},
        {"hop-by-hop, User-Agent, old Authorization and X-Amz-Date not signed", "/", NULL,
         unsigned_hdrs, 7, true,
         "GET\n/\n\nhost:h\nx-amz-date:20150830T123600Z\n"
         "x-amz-target:Logs_20140328.FilterLogEvents\n\nhost;x-amz-date;x-amz-target\n" EMPTY_SHA256},
    };
    struct sigv4_params p = vector_params();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sigv4_request r = {"GET", cases[i].path, cases[i].query, cases[i].hdrs, cases[i].n,
                                  NULL, 0};
        p.normalize_path = cases[i].normalize;
        char *got = canonical(&r, &p, SIGV4_HEADER);
        if (strcmp(got, cases[i].want) != 0)
            print_error("case '%s'\n got:\n%s\n want:\n%s\n", cases[i].name, got, cases[i].want);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

static void string_to_sign_and_signature_match_vector(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    struct sigv4_request r = {"GET", "/", NULL, host_only, 1, NULL, 0};
    char *cr = canonical(&r, &p, SIGV4_HEADER);
    struct buf sts;
    buf_init(&sts, 0);
    assert_int_equal(sigv4_string_to_sign(cr, &p, &sts, NULL), 0);
    assert_string_equal(buf_str(&sts),
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    char sig[65];
    assert_int_equal(sigv4_signature(buf_str(&sts), &p, sig, NULL), 0);
    assert_string_equal(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /* The signature depends on each scope element. */
    p.region = "us-west-2";
    char other[65];
    assert_int_equal(sigv4_signature(buf_str(&sts), &p, other, NULL), 0);
    assert_string_not_equal(sig, other);
    buf_cleanup(&sts);
    free(cr);
}

static void sign_headers_fills_authorization(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    struct sigv4_request r = {"GET", "/", NULL, host_only, 1, NULL, 0};
    struct sigv4_signed s;
    assert_int_equal(sigv4_sign_headers(&r, &p, &s, NULL), 0);
    assert_string_equal(s.amz_date, "20150830T123600Z");
    assert_null(s.security_token);
    assert_string_equal(s.content_sha256, "");
    assert_null(s.signed_query);
    assert_string_equal(s.authorization,
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                        "aws4_request, SignedHeaders=host;x-amz-date, Signature="
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    sigv4_signed_cleanup(&s);
    sigv4_signed_cleanup(&s); /* idempotent */
    sigv4_signed_cleanup(NULL);
}

static void sign_body_adds_content_sha256(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    p.sign_body = true;
    struct sigv4_request r = {"POST", "/", NULL, host_only, 1, "Param1=value1", 13};
    char *cr = canonical(&r, &p, SIGV4_HEADER);
    assert_non_null(strstr(cr, "\nx-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"));
    assert_non_null(strstr(cr, "\nhost;x-amz-content-sha256;x-amz-date\n9095672b"));
    struct sigv4_signed s;
    assert_int_equal(sigv4_sign_headers(&r, &p, &s, NULL), 0);
    assert_string_equal(s.content_sha256,
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    sigv4_signed_cleanup(&s);
    free(cr);
    /* Without sign_body the body is still hashed, but no header is added. */
    p.sign_body = false;
    cr = canonical(&r, &p, SIGV4_HEADER);
    assert_null(strstr(cr, "x-amz-content-sha256"));
    assert_non_null(strstr(cr, "\nhost;x-amz-date\n9095672b"));
    free(cr);
}

static void session_token_placement(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    p.session_token = TEST_TOKEN;
    struct sigv4_request r = {"POST", "/", NULL, host_only, 1, NULL, 0};

    /* Signed by default: a canonical header and in SignedHeaders. */
    char *cr = canonical(&r, &p, SIGV4_HEADER);
    assert_non_null(strstr(cr, "\nx-amz-security-token:" TEST_TOKEN "\n"));
    assert_non_null(strstr(cr, "\nhost;x-amz-date;x-amz-security-token\n"));
    free(cr);
    struct sigv4_signed s;
    assert_int_equal(sigv4_sign_headers(&r, &p, &s, NULL), 0);
    assert_string_equal(s.security_token, TEST_TOKEN);
    assert_non_null(strstr(s.authorization, "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
    char signed_sig[65];
    memcpy(signed_sig, s.signature, sizeof(signed_sig));
    sigv4_signed_cleanup(&s);

    /* omit_session_token: still returned to send, not signed. */
    p.omit_session_token = true;
    cr = canonical(&r, &p, SIGV4_HEADER);
    assert_null(strstr(cr, "security-token"));
    free(cr);
    assert_int_equal(sigv4_sign_headers(&r, &p, &s, NULL), 0);
    assert_string_equal(s.security_token, TEST_TOKEN);
    assert_non_null(strstr(s.authorization, "SignedHeaders=host;x-amz-date,"));
    assert_string_not_equal(s.signature, signed_sig);
    sigv4_signed_cleanup(&s);

    /* Query form: signed → in the canonical query, encoded. */
    p.omit_session_token = false;
    cr = canonical(&r, &p, SIGV4_QUERY);
    assert_non_null(strstr(cr, "&X-Amz-Security-Token=AQoDYXdzEPT%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEXAMPLE%2Btok%3D&X-Amz-SignedHeaders=host\n"));
    free(cr);
    /* Query form, omitted: appended after the signature, not in the canonical query. */
    p.omit_session_token = true;
    cr = canonical(&r, &p, SIGV4_QUERY);
    assert_null(strstr(cr, "Security-Token"));
    free(cr);
    assert_int_equal(sigv4_presign(&r, &p, &s, NULL), 0);
    const char *sig = strstr(s.signed_query, "&X-Amz-Signature=");
    const char *tok = strstr(s.signed_query, "&X-Amz-Security-Token=AQoDYXdzEPT%2F");
    assert_non_null(sig);
    assert_non_null(tok);
    assert_true(tok > sig);
    sigv4_signed_cleanup(&s);
}

static void presign_parameters(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    struct sigv4_request r = {"GET", "/", NULL, host_only, 1, NULL, 0};
    char *cr = canonical(&r, &p, SIGV4_QUERY);
    assert_string_equal(cr, "GET\n/\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE"
                            "%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date="
                            "20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n"
                            "host:example.amazonaws.com\n\nhost\n" EMPTY_SHA256);
    free(cr);
    struct sigv4_signed s;
    assert_int_equal(sigv4_presign(&r, &p, &s, NULL), 0);
    assert_string_equal(s.signature, "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    assert_string_equal(s.signed_query,
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
                        "us-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&"
                        "X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
                        "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    assert_null(s.authorization);
    sigv4_signed_cleanup(&s);

    /* The request's own parameters sort among the added ones. */
    r.query = "Z=1&Action=List";
    p.expires_s = 60;
    cr = canonical(&r, &p, SIGV4_QUERY);
    assert_non_null(strstr(cr, "\nAction=List&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    assert_non_null(strstr(cr, "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&Z=1\n"));
    free(cr);
}

static void errors_are_reported(void **state)
{
    (void)state;
    struct sigv4_params p = vector_params();
    static const struct sigv4_header no_host[] = {{"X-A", "b"}};
    struct sigv4_request r = {"GET", "/", NULL, no_host, 1, NULL, 0};
    struct buf b;
    struct err e = {0};
    buf_init(&b, 0);
    assert_int_equal(sigv4_canonical_request(&r, &p, SIGV4_HEADER, &b, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_non_null(strstr(e.msg, "Host"));

    struct sigv4_signed s;
    r.headers = host_only;
    p.region = NULL;
    assert_int_equal(sigv4_sign_headers(&r, &p, &s, &e), -1);
    assert_null(s.authorization);
    assert_non_null(strstr(e.msg, "region"));

    /* A canonical request larger than the caller's cap is a limit error. */
    p = vector_params();
    struct buf small;
    buf_init(&small, 16);
    assert_int_equal(sigv4_canonical_request(&r, &p, SIGV4_HEADER, &small, &e), -1);
    assert_int_equal(e.code, ERR_LIMIT);
    buf_cleanup(&small);
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signing_key_known_answer),
        cmocka_unit_test(amz_date_formats_utc),
        cmocka_unit_test(payload_hash_known_answers),
        cmocka_unit_test(canonical_request_cases),
        cmocka_unit_test(string_to_sign_and_signature_match_vector),
        cmocka_unit_test(sign_headers_fills_authorization),
        cmocka_unit_test(sign_body_adds_content_sha256),
        cmocka_unit_test(session_token_placement),
        cmocka_unit_test(presign_parameters),
        cmocka_unit_test(errors_are_reported),
    };
    return cmocka_run_group_tests_name("sigv4", tests, NULL, NULL);
}
