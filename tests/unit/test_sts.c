/* test_sts.c — STS answer parsing and ISO 8601 times.
 *
 * The shared samples ($SHARED/aws/samples/sts/ *.xml) are parsed when present;
 * synthetic answers cover missing fields, other element orders and bad times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sts.h"
#include "aws/xml.h"

static xmlDocPtr parse(const char *s)
{
    xmlDocPtr doc = NULL;
    assert_int_equal(xml_parse(s, strlen(s), "test", &doc, NULL), 0);
    return doc;
}

static xmlDocPtr load_sample(const char *name)
{
    const char *shared = getenv("SHARED");
    if (!shared || !*shared)
        return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/aws/samples/sts/%s", shared, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char data[1 << 16];
    size_t n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    xmlDocPtr doc = NULL;
    assert_int_equal(xml_parse(data, n, name, &doc, NULL), 0);
    return doc;
}

static void iso8601_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int ok;
        int64_t want;
    } t[] = {
        {"1970-01-01T00:00:00Z", 1, 0},
        {"2019-11-09T13:34:41Z", 1, 1573306481},
        {"2014-10-24T23:00:23Z", 1, 1414191623},
        {"2014-10-24T23:00:23.123Z", 1, 1414191623},
        {"2014-10-24T23:00:23+00:00", 1, 1414191623},
        {"2014-10-25T01:00:23+02:00", 1, 1414191623},
        {"2014-10-24T22:00:23-0100", 1, 1414191623},
        {"2024-02-29T12:00:00Z", 1, 1709208000},
        {" 2019-11-09T13:34:41Z\n", 1, 1573306481},
        {"2019-11-09 13:34:41Z", 1, 1573306481},
        {"2019-11-09T13:34:41", 0, 0},   /* no zone: refused, not guessed */
        {"2019-11-09", 0, 0},
        {"2019-13-09T13:34:41Z", 0, 0},
        {"2019-11-09T25:34:41Z", 0, 0},
        {"2019-11-09T13:34:41Zjunk", 0, 0},
        {"1573306481", 0, 0},
        {"", 0, 0},
        {NULL, 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int64_t got = -42;
        int rc = sts_parse_iso8601(t[i].s, &got);
        if ((rc == 0) != t[i].ok)
            fail_msg("'%s': rc %d", t[i].s ? t[i].s : "(null)", rc);
        if (t[i].ok)
            assert_int_equal(got, t[i].want);
        else
            assert_int_equal(got, -42);
    }
}

static void caller_identity_synthetic(void **state)
{
    (void)state;
    xmlDocPtr doc = parse("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                          "2011-06-15/\"><GetCallerIdentityResult><Account>111122223333"
                          "</Account><UserId>AIDAX</UserId><Arn>arn:aws:iam::111122223333:user/b"
                          "</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>");
    struct sts_identity id;
    struct err e;
    assert_int_equal(sts_parse_caller_identity(doc, &id, &e), 0);
    assert_string_equal(id.account, "111122223333");
    assert_string_equal(id.arn, "arn:aws:iam::111122223333:user/b");
    assert_string_equal(id.user_id, "AIDAX");
    sts_identity_cleanup(&id);
    assert_null(id.account);
    xmlFreeDoc(doc);

    doc = parse("<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>"
                "<Arn>a</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>");
    err_clear(&e);
    assert_int_equal(sts_parse_caller_identity(doc, &id, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_string_equal(e.msg, "GetCallerIdentity: the answer has no UserId");
    assert_null(id.account);
    xmlFreeDoc(doc);

    doc = parse("<AssumeRoleResponse/>");
    assert_int_equal(sts_parse_caller_identity(doc, &id, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    xmlFreeDoc(doc);
}

static void caller_identity_sample(void **state)
{
    (void)state;
    xmlDocPtr doc = load_sample("GetCallerIdentity.xml");
    assert_non_null(doc);
    struct sts_identity id;
    struct err e;
    assert_int_equal(sts_parse_caller_identity(doc, &id, &e), 0);
    assert_string_equal(id.account, "123456789012");
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/Alice");
    assert_string_equal(id.user_id, "AIDACKCEVSQ6C2EXAMPLE");
    sts_identity_cleanup(&id);
    xmlFreeDoc(doc);
}

static void credentials_samples(void **state)
{
    (void)state;
    static const struct {
        const char *file, *op, *key, *token_prefix;
        int64_t exp;
    } t[] = {
        {"AssumeRole.xml", "AssumeRole", "ASIAIOSFODNN7EXAMPLE", "AQoDYXdzEPT//", 1573306481},
        {"AssumeRoleWithWebIdentity.xml", "AssumeRoleWithWebIdentity", "ASgeIAIOSFODNN7EXAMPLE",
         "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp", 1414191623},
    };
    int seen = 0;
    for (size_t i = 0; i < 2; i++) {
        xmlDocPtr doc = load_sample(t[i].file);
        if (!doc)
            continue;
        struct aws_creds c;
        struct err e;
        assert_int_equal(sts_parse_credentials(doc, t[i].op, &c, &e), 0);
        assert_string_equal(c.access_key_id, t[i].key);
        assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
        assert_memory_equal(c.session_token, t[i].token_prefix, strlen(t[i].token_prefix));
        assert_int_equal(c.expiration_s, t[i].exp);
        assert_null(c.source);
        /* The wrong operation's name is refused, not silently accepted. */
        struct aws_creds c2;
        assert_int_equal(sts_parse_credentials(doc, i ? "AssumeRole" : "AssumeRoleWithWebIdentity",
                                               &c2, &e),
                         -1);
        assert_int_equal(e.code, ERR_PARSE);
        assert_null(c2.access_key_id);
        aws_creds_cleanup(&c);
        xmlFreeDoc(doc);
        seen++;
    }
    assert_int_equal(seen, 2);
}

static void credentials_synthetic(void **state)
{
    (void)state;
    static const struct {
        const char *xml;
        int ok;
        const char *msg;
    } t[] = {
        {"<AssumeRoleResponse><AssumeRoleResult><Credentials><Expiration>2030-01-01T00:00:00Z"
         "</Expiration><SessionToken>T</SessionToken><AccessKeyId>K</AccessKeyId>"
         "<SecretAccessKey>S</SecretAccessKey></Credentials></AssumeRoleResult>"
         "</AssumeRoleResponse>",
         1, NULL},
        {"<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>", 0,
         "AssumeRole: the answer has no Credentials"},
        {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>K</AccessKeyId>"
         "<SecretAccessKey>S</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>"
         "</Credentials></AssumeRoleResult></AssumeRoleResponse>",
         0, "AssumeRole: the answer has no SessionToken"},
        {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>K</AccessKeyId>"
         "<SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>"
         "<Expiration>tomorrow</Expiration></Credentials></AssumeRoleResult>"
         "</AssumeRoleResponse>",
         0, "AssumeRole: the credentials' Expiration 'tomorrow' is not an ISO 8601 time"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        xmlDocPtr doc = parse(t[i].xml);
        struct aws_creds c;
        struct err e;
        err_clear(&e);
        int rc = sts_parse_credentials(doc, "AssumeRole", &c, &e);
        assert_int_equal(rc, t[i].ok ? 0 : -1);
        if (t[i].ok) {
            assert_string_equal(c.access_key_id, "K");
            assert_string_equal(c.secret_access_key, "S");
            assert_string_equal(c.session_token, "T");
            assert_int_equal(c.expiration_s, 1893456000);
        } else {
            assert_string_equal(e.msg, t[i].msg);
            assert_null(c.access_key_id);
            assert_null(c.secret_access_key);
        }
        aws_creds_cleanup(&c);
        xmlFreeDoc(doc);
    }
}

/* The sample tests run only when $SHARED has the samples; otherwise they are
 * left out with a SKIP line (cmocka's own skip() prints "not ok … # SKIP",
 * which tests/run-tests would count as a failure). */
int main(void)
{
    const struct CMUnitTest all[] = {
        cmocka_unit_test(iso8601_table),
        cmocka_unit_test(caller_identity_synthetic),
        cmocka_unit_test(credentials_synthetic),
        cmocka_unit_test(caller_identity_sample),
        cmocka_unit_test(credentials_samples),
    };
    size_t n = sizeof all / sizeof all[0];
    xmlDocPtr probe = load_sample("GetCallerIdentity.xml");
    if (!probe) {
        n -= 2;
        printf("# SKIP STS sample tests: $SHARED/aws/samples/sts not found\n");
    }
    xmlFreeDoc(probe);
    return _cmocka_run_group_tests("sts", all, n, NULL, NULL);
}
