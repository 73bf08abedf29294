/* config.h — the shared AWS config and credentials files, and the settings
 * (profile, region, endpoints, retries) resolved from flags, environment and
 * those files the way the AWS CLI does.
 *
 * File format (botocore's configloader on Python's RawConfigParser, checked
 * against botocore 1.43): `[section]` headers; `key = value` or `key: value`;
 * keys are lower-cased, section names keep their case; full-line comments
 * start with `#` or `;` — an inline `# …` after a value is part of the value,
 * as in botocore (no inline comments), while text after a header's closing
 * `]` is ignored; an indented line after `key =` (empty value) is a nested
 * sub-property (`ecs =\n  endpoint_url = …`), after a non-empty value it
 * continues the value; CRLF and a UTF-8 BOM are accepted.  Duplicate
 * sections are merged and a repeated key keeps the last value (botocore
 * refuses both; the SDKs' shared spec merges).  In the config file only
 * `[default]`, `[profile NAME]`, `[services NAME]` (and `[sso-session NAME]`,
 * kept but unused) matter; in the credentials file every `[NAME]` is a
 * profile.  A missing file is empty; a malformed one is an ERR_CONFIG error
 * "PATH:LINE: message" that never quotes the line (it may hold a secret).
 */
#ifndef ALBCHECK_AWS_CONFIG_H
#define ALBCHECK_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/aws.h"
#include "aws/client.h"
#include "util/err.h"

#define AWS_CONFIG_MAX_FILE_BYTES (1024u * 1024u) /* 1 MiB */

enum aws_ini_kind {
    AWS_INI_PROFILE = 0,  /* [default], [profile x]; every section of the credentials file */
    AWS_INI_SERVICES,     /* [services x] */
    AWS_INI_SSO_SESSION,  /* [sso-session x] (ignored by albcheck) */
    AWS_INI_OTHER,        /* anything else: kept, never looked at */
};

struct aws_ini_prop {
    char *key;                  /* lower-cased (nested keys keep their case, as botocore) */
    char *value;                /* "" for a nested block */
    struct aws_ini_prop *sub;   /* nested sub-properties */
    size_t nsub, capsub;
};

struct aws_ini_section {
    enum aws_ini_kind kind;
    char *name;                 /* profile / services name */
    struct aws_ini_prop *props;
    size_t nprops, capprops;
};

struct aws_ini {
    char *path;                 /* as loaded, for messages; NULL when parsed from memory */
    bool found;                 /* the file existed */
    struct aws_ini_section *sections;
    size_t n, cap;
};

/* Parse text (len bytes) into ini, which must be zeroed.  is_config selects
 * the config-file section naming; path is used in messages ("PATH:LINE: …").
 * Returns 0, or -1 with e set (ERR_CONFIG) and ini cleaned up. */
int aws_ini_parse(struct aws_ini *ini, const char *text, size_t len, const char *path,
                  bool is_config, struct err *e);
/* Read and parse a file; a missing file gives an empty ini (found = false).
 * Files over AWS_CONFIG_MAX_FILE_BYTES are refused (ERR_LIMIT). */
int aws_ini_load(struct aws_ini *ini, const char *path, bool is_config, struct err *e);
void aws_ini_cleanup(struct aws_ini *ini);
/* Borrowed; NULL when absent. */
const struct aws_ini_section *aws_ini_section(const struct aws_ini *ini, enum aws_ini_kind kind,
                                              const char *name);
const struct aws_ini_prop *aws_ini_prop(const struct aws_ini_section *s, const char *key);
/* The value of key in s (borrowed), or NULL when s is NULL or has no such key. */
const char *aws_ini_get(const struct aws_ini_section *s, const char *key);
/* The value of a nested sub-property (services sections), or NULL. */
const char *aws_ini_get_sub(const struct aws_ini_section *s, const char *key, const char *subkey);

/* Both files. */
struct aws_config {
    struct aws_ini config;       /* ~/.aws/config or $AWS_CONFIG_FILE */
    struct aws_ini credentials;  /* ~/.aws/credentials or $AWS_SHARED_CREDENTIALS_FILE */
};

/* The paths the AWS CLI uses: $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE,
 * else ~/.aws/config / ~/.aws/credentials; a leading "~/" is expanded from
 * $HOME.  New strings (caller frees). */
char *aws_config_default_path(bool credentials);
/* Load both files from the default paths (or the given ones when not NULL).
 * cfg must be zeroed.  Missing files are empty.  On failure cfg is cleaned. */
int aws_config_load(struct aws_config *cfg, const char *config_path, const char *creds_path,
                    struct err *e);
void aws_config_cleanup(struct aws_config *cfg);
/* The profile exists in either file. */
bool aws_config_has_profile(const struct aws_config *cfg, const char *profile);
/* A profile setting as botocore's session sees it: the credentials file's
 * value wins over the config file's (botocore's full_config).  Borrowed. */
const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key);

/* ------------------------------------------------------------ settings */

/* What the command line gave.  NULLs mean "not given". */
struct aws_settings_input {
    const char *region;          /* --region */
    const char *profile;         /* --profile */
    const char *endpoint_url;    /* --endpoint-url (every service) */
    bool profile_explicit;       /* the profile came from --profile (env keys are then skipped) */
    const char *config_path;     /* override the config file path (tests); NULL → default */
    const char *credentials_path;/* override the credentials file path (tests); NULL → default */
};

struct aws_settings {
    char *profile;               /* resolved profile name ("default" at worst) */
    bool profile_explicit;
    const char *profile_from;    /* "--profile", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default" */
    char *region;
    const char *region_from;     /* "--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile" */
    /* Endpoint per service, or NULL for the regional default. */
    char *endpoints[AWS_SVC_COUNT];
    const char *endpoint_from[AWS_SVC_COUNT]; /* "--endpoint-url", "AWS_ENDPOINT_URL_ECS", …; NULL = default */
    int max_attempts;            /* 0 = client default (3) */
    enum aws_retry_mode retry_mode;
    bool sts_regional;           /* sts_regional_endpoints = regional (the default) */
    /* Region to sign STS requests for: "us-east-1" when the legacy global
     * endpoint https://sts.amazonaws.com/ was chosen, else the region. */
    const char *sts_signing_region;
    struct aws_config cfg;       /* both files, owned */
};

/* Resolve everything from in, the environment and the files (see the
 * precedence in each field's comment and NOTES §4).  out must be zeroed;
 * on success the caller runs aws_settings_cleanup().  Errors: no region →
 * ERR_USAGE; unknown --profile → ERR_USAGE (from the environment →
 * ERR_CONFIG); malformed files, bad AWS_MAX_ATTEMPTS / retry mode /
 * sts_regional_endpoints, a profile naming a missing services section →
 * ERR_CONFIG. */
int aws_settings_resolve(const struct aws_settings_input *in, struct aws_settings *out,
                         struct err *e);
void aws_settings_cleanup(struct aws_settings *s);

/* Fill opts from s (region, endpoints, retries); creds and the other fields
 * are left as they were.  The strings are borrowed from s. */
void aws_settings_client_opts(const struct aws_settings *s, struct aws_client_opts *opts);

/* Parse a boolean setting as botocore's ensure_boolean: "true" (any case) is
 * true, anything else false. */
bool aws_config_bool(const char *v);

#endif
