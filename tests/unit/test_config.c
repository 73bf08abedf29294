/* test_config.c — the shared config/credentials file parser and the
 * resolution of profile, region, endpoints, retries and STS endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/config.h"
#include "util/err.h"
#include "util/xmalloc.h"

extern char **environ;

static char tmpdir[256];
static char config_path[300], creds_path[300];

/* Remove every AWS_* variable so the developer's environment never leaks in. */
static void clear_aws_env(void)
{
    for (;;) {
        char *name = NULL;
        for (char **ep = environ; *ep; ep++)
            if (strncmp(*ep, "AWS_", 4) == 0) {
                name = xstrndup(*ep, strcspn(*ep, "="));
                break;
            }
        if (!name)
            break;
        unsetenv(name);
        free(name);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    clear_aws_env();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/albcheck-test-config-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    setenv("HOME", tmpdir, 1);
    snprintf(config_path, sizeof config_path, "%s/config", tmpdir);
    snprintf(creds_path, sizeof creds_path, "%s/credentials", tmpdir);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(config_path);
    unlink(creds_path);
    rmdir(tmpdir);
    clear_aws_env();
    return 0;
}

/* ------------------------------------------------------------ parsing */

struct parse_case {
    const char *name;
    const char *text;
    bool is_config;
    enum aws_ini_kind kind;
    const char *section;
    const char *key;
    const char *subkey;      /* NULL: top-level key */
    const char *want;        /* NULL: key absent */
};

static const struct parse_case parse_cases[] = {
    {"default section", "[default]\nregion = us-east-1\n", true, AWS_INI_PROFILE, "default",
     "region", NULL, "us-east-1"},
    {"named profile", "[profile dev]\nregion=eu-west-1\n", true, AWS_INI_PROFILE, "dev", "region",
     NULL, "eu-west-1"},
    {"extra spaces in header", "[profile   dev  ]\nregion=x\n", true, AWS_INI_PROFILE, "dev",
     "region", NULL, "x"},
    {"quoted profile name", "[profile \"my prof\"]\nregion=x\n", true, AWS_INI_PROFILE, "my prof",
     "region", NULL, "x"},
    {"profile without space is not a profile", "[profiledev]\nregion=x\n", true, AWS_INI_PROFILE,
     "profiledev", "region", NULL, NULL},
    {"CRLF line ends", "[default]\r\nregion = us-west-2\r\noutput = json\r\n", true,
     AWS_INI_PROFILE, "default", "region", NULL, "us-west-2"},
    {"comments # and ;", "# top\n[default]\n; c\n  # indented comment\nregion = r1\n", true,
     AWS_INI_PROFILE, "default", "region", NULL, "r1"},
    {"inline # stays in the value (botocore)", "[default]\nregion = r1 # prod\n", true,
     AWS_INI_PROFILE, "default", "region", NULL, "r1 # prod"},
    {"inline ; stays in the value", "[default]\ncredential_process = a ; b\n", true,
     AWS_INI_PROFILE, "default", "credential_process", NULL, "a ; b"},
    {"text after a header's ] ignored", "[default] # main\nregion = r2\n", true, AWS_INI_PROFILE,
     "default", "region", NULL, "r2"},
    {"keys lower-cased", "[default]\nRegion = r3\n", true, AWS_INI_PROFILE, "default", "region",
     NULL, "r3"},
    {"section names keep case", "[profile Dev]\nregion = r\n", true, AWS_INI_PROFILE, "dev",
     "region", NULL, NULL},
    {"colon delimiter", "[default]\nregion: r4\n", true, AWS_INI_PROFILE, "default", "region",
     NULL, "r4"},
    {"value with = and :", "[default]\nrole_arn = arn:aws:iam::1:role/a=b\n", true,
     AWS_INI_PROFILE, "default", "role_arn", NULL, "arn:aws:iam::1:role/a=b"},
    {"empty value", "[default]\nregion =\n", true, AWS_INI_PROFILE, "default", "region", NULL, ""},
    {"tabs and spaces trimmed", "[default]\n\tregion\t=\t r5 \t\n", true, AWS_INI_PROFILE,
     "default", "region", NULL, "r5"},
    {"duplicate sections merged", "[default]\na = 1\n[profile x]\nb = 2\n[default]\nc = 3\n",
     true, AWS_INI_PROFILE, "default", "a", NULL, "1"},
    {"duplicate sections merged (2nd part)", "[default]\na = 1\n[profile x]\nb = 2\n[default]\nc = 3\n",
     true, AWS_INI_PROFILE, "default", "c", NULL, "3"},
    {"repeated key: last wins", "[default]\na = 1\na = 2\n", true, AWS_INI_PROFILE, "default",
     "a", NULL, "2"},
    {"services nested sub-property", "[services local]\necs =\n  endpoint_url = http://e:1\n"
     "logs =\n  endpoint_url = http://l:2\n", true, AWS_INI_SERVICES, "local", "logs",
     "endpoint_url", "http://l:2"},
    {"nested with blank line and comment", "[services s]\necs =\n  # c\n\n  endpoint_url = http://e\n",
     true, AWS_INI_SERVICES, "s", "ecs", "endpoint_url", "http://e"},
    {"continuation of a non-empty value", "[default]\nk = a\n  b\n", true, AWS_INI_PROFILE,
     "default", "k", NULL, "a\nb"},
    {"sso-session section", "[sso-session corp]\nsso_region = us-east-1\n", true,
     AWS_INI_SSO_SESSION, "corp", "sso_region", NULL, "us-east-1"},
    {"UTF-8 BOM", "\xEF\xBB\xBF[default]\nregion = r6\n", true, AWS_INI_PROFILE, "default",
     "region", NULL, "r6"},
    {"no newline at end", "[default]\nregion = r7", true, AWS_INI_PROFILE, "default", "region",
     NULL, "r7"},
    {"credentials file: [name] is the profile", "[dev]\naws_access_key_id = AKID\n", false,
     AWS_INI_PROFILE, "dev", "aws_access_key_id", NULL, "AKID"},
    {"credentials file: [profile x] is named 'profile x'", "[profile x]\nk = v\n", false,
     AWS_INI_PROFILE, "profile x", "k", NULL, "v"},
};

static void parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        struct aws_ini ini = {0};
        struct err e;
        err_clear(&e);
        if (aws_ini_parse(&ini, c->text, strlen(c->text), "f", c->is_config, &e) != 0)
            fail_msg("%s: parse failed: %s", c->name, e.msg);
        const struct aws_ini_section *s = aws_ini_section(&ini, c->kind, c->section);
        const char *got = c->subkey ? aws_ini_get_sub(s, c->key, c->subkey) : aws_ini_get(s, c->key);
        if (c->want == NULL ? got != NULL : (got == NULL || strcmp(got, c->want) != 0))
            fail_msg("%s: got '%s', want '%s'", c->name, got ? got : "(null)",
                     c->want ? c->want : "(null)");
        aws_ini_cleanup(&ini);
    }
}

struct bad_case {
    const char *text;
    const char *want;   /* substring of the message */
};

static const struct bad_case bad_cases[] = {
    {"region = x\n", "cfg:1: a setting before any [section] header"},
    {"[default]\nregion = x\naws_secret_access_key SECRETVALUE\n", "cfg:3: expected 'name = value'"},
    {"[default\nregion = x\n", "cfg:1: section header without a closing ']'"},
    {"[]\n", "cfg:1: empty section name"},
    {"[default]\n = x\n", "cfg:2: empty setting name"},
    {"[services s]\necs =\n  endpoint_url\n", "cfg:3: expected 'name = value' in the nested settings of 'ecs'"},
    {"# c\r\n\r\n[default]\r\nbad line\r\n", "cfg:4:"},
};

static void parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        struct aws_ini ini = {0};
        struct err e;
        err_clear(&e);
        int rc = aws_ini_parse(&ini, bad_cases[i].text, strlen(bad_cases[i].text), "cfg", true, &e);
        assert_int_equal(rc, -1);
        assert_int_equal(e.code, ERR_CONFIG);
        if (!strstr(e.msg, bad_cases[i].want))
            fail_msg("case %zu: '%s' does not contain '%s'", i, e.msg, bad_cases[i].want);
        assert_null(strstr(e.msg, "SECRETVALUE"));
        assert_null(ini.sections);
    }
}

static void load_missing_and_oversized(void **state)
{
    (void)state;
    struct aws_ini ini;
    struct err e;
    err_clear(&e);
    assert_int_equal(aws_ini_load(&ini, config_path, true, &e), 0);
    assert_false(ini.found);
    assert_int_equal(ini.n, 0);
    aws_ini_cleanup(&ini);

    FILE *f = fopen(config_path, "w");
    assert_non_null(f);
    fputs("[default]\n", f);
    for (int i = 0; i < 70000; i++)
        fputs("k = vvvvvvvvvv\n", f);
    fclose(f);
    assert_int_equal(aws_ini_load(&ini, config_path, true, &e), -1);
    assert_int_equal(e.code, ERR_LIMIT);

    write_file(config_path, "[default]\nregion = r\n");
    assert_int_equal(aws_ini_load(&ini, config_path, true, &e), 0);
    assert_true(ini.found);
    assert_string_equal(aws_ini_get(aws_ini_section(&ini, AWS_INI_PROFILE, "default"), "region"), "r");
    aws_ini_cleanup(&ini);
}

static void default_paths_and_merge(void **state)
{
    (void)state;
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    char *p = aws_config_default_path(false), *q = aws_config_default_path(true);
    char want[400];
    snprintf(want, sizeof want, "%s/.aws/config", tmpdir);
    assert_string_equal(p, want);
    snprintf(want, sizeof want, "%s/.aws/credentials", tmpdir);
    assert_string_equal(q, want);
    free(p);
    free(q);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);

    write_file(config_path, "[profile dev]\nregion = cfg-region\noutput = json\n");
    write_file(creds_path, "[dev]\nregion = creds-region\n[only-creds]\nk = v\n");
    struct aws_config cfg;
    struct err e;
    assert_int_equal(aws_config_load(&cfg, NULL, NULL, &e), 0);
    assert_string_equal(aws_config_get(&cfg, "dev", "region"), "creds-region");
    assert_string_equal(aws_config_get(&cfg, "dev", "output"), "json");
    assert_true(aws_config_has_profile(&cfg, "only-creds"));
    assert_false(aws_config_has_profile(&cfg, "nope"));
    aws_config_cleanup(&cfg);
}

/* ------------------------------------------------------------ settings */

static int resolve(const char *region, const char *profile, const char *endpoint,
                   struct aws_settings *s, struct err *e)
{
    struct aws_settings_input in = {region, profile, endpoint, profile != NULL, NULL, NULL};
    err_clear(e);
    return aws_settings_resolve(&in, s, e);
}

static void region_precedence(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    write_file(config_path, "[default]\nregion = from-profile\n[profile bare]\n");

    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.region, "from-profile");
    assert_string_equal(s.region_from, "profile");
    aws_settings_cleanup(&s);

    setenv("AWS_DEFAULT_REGION", "from-default-region", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.region, "from-default-region");
    aws_settings_cleanup(&s);

    setenv("AWS_REGION", "from-aws-region", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.region, "from-aws-region");
    aws_settings_cleanup(&s);

    assert_int_equal(resolve("from-flag", NULL, NULL, &s, &e), 0);
    assert_string_equal(s.region, "from-flag");
    assert_string_equal(s.region_from, "--region");
    aws_settings_cleanup(&s);

    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    assert_int_equal(resolve(NULL, "bare", NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    assert_string_equal(e.msg, "no AWS region: use --region, AWS_REGION or AWS_DEFAULT_REGION, "
                               "or set region in profile 'bare'");
    assert_int_equal(err_exit_status(e.code), 2);

    assert_int_equal(resolve("bad region!", NULL, NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
}

static void profile_precedence(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    write_file(config_path, "[default]\nregion = r0\n[profile a]\nregion = ra\n"
                            "[profile b]\nregion = rb\n");
    write_file(creds_path, "[c]\nregion = rc\n");

    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.profile, "default");
    assert_false(s.profile_explicit);
    aws_settings_cleanup(&s);

    setenv("AWS_DEFAULT_PROFILE", "b", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.profile, "b");
    assert_string_equal(s.region, "rb");
    aws_settings_cleanup(&s);

    setenv("AWS_PROFILE", "a", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(s.profile, "a");
    assert_string_equal(s.profile_from, "AWS_PROFILE");
    assert_false(s.profile_explicit);
    assert_string_equal(s.region, "ra");
    aws_settings_cleanup(&s);

    assert_int_equal(resolve(NULL, "c", NULL, &s, &e), 0); /* only in the credentials file */
    assert_string_equal(s.profile, "c");
    assert_true(s.profile_explicit);
    assert_string_equal(s.region, "rc");
    aws_settings_cleanup(&s);

    assert_int_equal(resolve(NULL, "nope", NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    assert_non_null(strstr(e.msg, "profile 'nope' (from --profile) is not in"));

    setenv("AWS_PROFILE", "ghost", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "profile 'ghost' (from AWS_PROFILE)"));

    /* A missing default profile is fine when not asked for by name. */
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_PROFILE");
    write_file(config_path, "[profile other]\n");
    assert_int_equal(resolve("r", NULL, NULL, &s, &e), 0);
    aws_settings_cleanup(&s);
}

static const char *endpoint_of(const struct aws_settings *s, enum aws_service svc)
{
    return s->endpoints[svc];
}

static void endpoint_precedence(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    write_file(config_path, "[default]\nregion = us-east-1\nendpoint_url = http://profile-global\n"
                            "services = local\n"
                            "[services local]\necs =\n  endpoint_url = http://svc-ecs\n"
                            "elastic_load_balancing_v2 =\n  endpoint_url = http://svc-elb\n");

    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(endpoint_of(&s, AWS_SVC_ECS), "http://svc-ecs");
    assert_string_equal(endpoint_of(&s, AWS_SVC_ELBV2), "http://svc-elb");
    assert_string_equal(endpoint_of(&s, AWS_SVC_LOGS), "http://profile-global");
    assert_string_equal(s.endpoint_from[AWS_SVC_ECS], "services section");
    aws_settings_cleanup(&s);

    setenv("AWS_ENDPOINT_URL", "http://env-global", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(endpoint_of(&s, AWS_SVC_ECS), "http://env-global");
    assert_string_equal(endpoint_of(&s, AWS_SVC_STS), "http://env-global");
    aws_settings_cleanup(&s);

    setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://env-logs", 1);
    setenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://env-elb/path", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_string_equal(endpoint_of(&s, AWS_SVC_LOGS), "http://env-logs");
    assert_string_equal(endpoint_of(&s, AWS_SVC_ELBV2), "http://env-elb/path");
    assert_string_equal(endpoint_of(&s, AWS_SVC_ECS), "http://env-global");
    aws_settings_cleanup(&s);

    assert_int_equal(resolve(NULL, NULL, "http://flag", &s, &e), 0);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        assert_string_equal(s.endpoints[i], "http://flag");
    aws_settings_cleanup(&s);

    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        assert_null(s.endpoints[i]);
    aws_settings_cleanup(&s);
    assert_int_equal(resolve(NULL, NULL, "http://flag", &s, &e), 0);
    assert_string_equal(endpoint_of(&s, AWS_SVC_ECS), "http://flag");
    aws_settings_cleanup(&s);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
    unsetenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");

    write_file(config_path, "[default]\nregion = us-east-1\nservices = missing\n");
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    assert_non_null(strstr(e.msg, "services section 'missing'"));

    write_file(config_path, "[default]\nregion = us-east-1\nignore_configured_endpoint_urls = true\n"
                            "endpoint_url = http://x\n");
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_null(endpoint_of(&s, AWS_SVC_ECS));
    aws_settings_cleanup(&s);
}

static void retry_settings(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    write_file(config_path, "[default]\nregion = r\nmax_attempts = 5\nretry_mode = legacy\n");
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_int_equal(s.max_attempts, 5);
    assert_int_equal(s.retry_mode, AWS_RETRY_LEGACY);
    aws_settings_cleanup(&s);

    setenv("AWS_MAX_ATTEMPTS", "7", 1);
    setenv("AWS_RETRY_MODE", "adaptive", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), 0);
    assert_int_equal(s.max_attempts, 7);
    assert_int_equal(s.retry_mode, AWS_RETRY_ADAPTIVE);
    struct aws_client_opts o;
    memset(&o, 0, sizeof o);
    aws_settings_client_opts(&s, &o);
    assert_int_equal(o.max_attempts, 7);
    assert_int_equal(o.retry_mode, AWS_RETRY_ADAPTIVE);
    assert_string_equal(o.region, "r");
    aws_settings_cleanup(&s);

    static const char *const bad_attempts[] = {"0", "-1", "x", "3x", "101"};
    for (size_t i = 0; i < 5; i++) {
        setenv("AWS_MAX_ATTEMPTS", bad_attempts[i], 1);
        assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), -1);
        assert_int_equal(e.code, ERR_CONFIG);
        assert_non_null(strstr(e.msg, "AWS_MAX_ATTEMPTS"));
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    setenv("AWS_RETRY_MODE", "Standard", 1);
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), -1);
    assert_non_null(strstr(e.msg, "AWS_RETRY_MODE must be legacy, standard or adaptive"));
    unsetenv("AWS_RETRY_MODE");
    write_file(config_path, "[default]\nregion = r\nretry_mode = fast\n");
    assert_int_equal(resolve(NULL, NULL, NULL, &s, &e), -1);
    assert_non_null(strstr(e.msg, "retry_mode in the profile"));
}

static void sts_regional_endpoints(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    struct { const char *region, *mode, *want_url, *want_signing; } cases[] = {
        {"us-west-2", NULL, NULL, "us-west-2"},
        {"us-west-2", "regional", NULL, "us-west-2"},
        {"us-west-2", "legacy", "https://sts.amazonaws.com/", "us-east-1"},
        {"eu-west-1", "legacy", "https://sts.amazonaws.com/", "us-east-1"},
        {"af-south-1", "legacy", NULL, "af-south-1"},   /* opt-in region: stays regional */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].mode)
            setenv("AWS_STS_REGIONAL_ENDPOINTS", cases[i].mode, 1);
        else
            unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
        assert_int_equal(resolve(cases[i].region, NULL, NULL, &s, &e), 0);
        if (cases[i].want_url)
            assert_string_equal(s.endpoints[AWS_SVC_STS], cases[i].want_url);
        else
            assert_null(s.endpoints[AWS_SVC_STS]);
        assert_null(s.endpoints[AWS_SVC_ECS]);
        assert_string_equal(s.sts_signing_region, cases[i].want_signing);
        aws_settings_cleanup(&s);
    }
    /* A configured STS endpoint wins over legacy. */
    setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000", 1);
    assert_int_equal(resolve("us-east-1", NULL, NULL, &s, &e), 0);
    assert_string_equal(s.endpoints[AWS_SVC_STS], "http://127.0.0.1:5000");
    aws_settings_cleanup(&s);
    unsetenv("AWS_ENDPOINT_URL_STS");
    setenv("AWS_STS_REGIONAL_ENDPOINTS", "global", 1);
    assert_int_equal(resolve("us-east-1", NULL, NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
    write_file(config_path, "[default]\nsts_regional_endpoints = legacy\n");
    assert_int_equal(resolve("us-east-2", NULL, NULL, &s, &e), 0);
    assert_string_equal(s.endpoints[AWS_SVC_STS], "https://sts.amazonaws.com/");
    aws_settings_cleanup(&s);
}

static void malformed_file_fails_resolution(void **state)
{
    (void)state;
    struct aws_settings s;
    struct err e;
    write_file(creds_path, "[default]\naws_access_key_id = AKID\nnot a setting\n");
    assert_int_equal(resolve("r", NULL, NULL, &s, &e), -1);
    assert_int_equal(e.code, ERR_CONFIG);
    char want[400];
    snprintf(want, sizeof want, "%s:3: ", creds_path);
    assert_non_null(strstr(e.msg, want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_table),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test_setup_teardown(load_missing_and_oversized, setup, teardown),
        cmocka_unit_test_setup_teardown(default_paths_and_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(region_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(endpoint_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(retry_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(sts_regional_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_file_fails_resolution, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
