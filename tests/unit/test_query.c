/* test_query.c — Query request serialisation and RFC 3986 percent-encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"
#include "util/buf.h"

static void percent_encoding_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"AZaz09-._~", "AZaz09-._~"},
        {" ", "%20"},             /* never '+' */
        {"+", "%2B"},
        {"*", "%2A"},
        {"/", "%2F"},
        {"=&?#", "%3D%26%3F%23"},
        {"%", "%25"},
        {":", "%3A"},
        {"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
         "arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A123456789012%3Aloadbalancer%2Fapp%2Fmy-alb%2F50dc6c495c0c9188"},
        {"\xc3\xa9", "%C3%A9"},  /* é as UTF-8 bytes, upper-case hex */
        {"\xe2\x82\xac", "%E2%82%AC"},
        {"\x7f\x01", "%7F%01"},
        {"a b\tc\n", "a%20b%09c%0A"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b, 4096);
        assert_int_equal(aws_percent_encode(&b, cases[i].in), 0);
        assert_string_equal(buf_str(&b), cases[i].out);
        buf_cleanup(&b);
    }
}

static void action_and_version_come_first(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(aws_query_encode("GetCallerIdentity", "2011-06-15", NULL, &b), 0);
    assert_string_equal(buf_str(&b), "Action=GetCallerIdentity&Version=2011-06-15");
    buf_cleanup(&b);
}

static void params_keep_order_and_encode(void **state)
{
    (void)state;
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "RoleArn", "arn:aws:iam::123456789012:role/demo");
    aws_query_add(&q, "RoleSessionName", "a b+c");
    aws_query_add(&q, "Empty", NULL);
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(aws_query_encode("AssumeRole", "2011-06-15", &q, &b), 0);
    assert_string_equal(buf_str(&b), "Action=AssumeRole&Version=2011-06-15"
                                     "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                                     "&RoleSessionName=a%20b%2Bc&Empty=");
    buf_cleanup(&b);
    aws_query_cleanup(&q);
    assert_int_equal(q.n, 0);
    assert_null(q.items);
}

static void lists_and_structs(void **state)
{
    (void)state;
    const char *arns[] = {"arn:1", "arn:2", "arn:3"};
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add_list(&q, "ResourceArns", arns, 3);
    for (size_t i = 0; i < 2; i++) {
        aws_query_addf(&q, i ? "10.0.0.2" : "10.0.0.1", "Targets.member.%zu.Id", i + 1);
        aws_query_addf(&q, "80", "Targets.member.%zu.Port", i + 1);
    }
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(aws_query_encode("DescribeTags", "2015-12-01", &q, &b), 0);
    assert_string_equal(buf_str(&b),
                        "Action=DescribeTags&Version=2015-12-01"
                        "&ResourceArns.member.1=arn%3A1&ResourceArns.member.2=arn%3A2"
                        "&ResourceArns.member.3=arn%3A3"
                        "&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=80"
                        "&Targets.member.2.Id=10.0.0.2&Targets.member.2.Port=80");
    buf_cleanup(&b);
    aws_query_cleanup(&q);
}

static void encoding_over_the_cap_fails(void **state)
{
    (void)state;
    struct aws_query q;
    aws_query_init(&q);
    aws_query_add(&q, "Marker", "0123456789012345678901234567890123456789");
    struct buf b;
    buf_init(&b, 48);
    assert_int_equal(aws_query_encode("DescribeRules", "2015-12-01", &q, &b), -1);
    buf_cleanup(&b);
    aws_query_cleanup(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percent_encoding_table),
        cmocka_unit_test(action_and_version_come_first),
        cmocka_unit_test(params_keep_order_and_encode),
        cmocka_unit_test(lists_and_structs),
        cmocka_unit_test(encoding_over_the_cap_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
