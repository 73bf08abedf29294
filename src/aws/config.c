/* config.c — shared config/credentials files and settings resolution (see
 * aws/config.h for the file format and the precedence rules). */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xmalloc.h"

/* ------------------------------------------------------------ ini model */

static void prop_cleanup(struct aws_ini_prop *p)
{
    for (size_t i = 0; i < p->nsub; i++)
        prop_cleanup(&p->sub[i]);
    free(p->sub);
    if (p->value)
        memset(p->value, 0, strlen(p->value)); /* may be a secret */
    free(p->key);
    free(p->value);
    memset(p, 0, sizeof *p);
}

void aws_ini_cleanup(struct aws_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        struct aws_ini_section *s = &ini->sections[i];
        for (size_t j = 0; j < s->nprops; j++)
            prop_cleanup(&s->props[j]);
        free(s->props);
        free(s->name);
    }
    free(ini->sections);
    free(ini->path);
    memset(ini, 0, sizeof *ini);
}

const struct aws_ini_section *aws_ini_section(const struct aws_ini *ini, enum aws_ini_kind kind,
                                              const char *name)
{
    if (!ini || !name)
        return NULL;
    for (size_t i = 0; i < ini->n; i++)
        if (ini->sections[i].kind == kind && strcmp(ini->sections[i].name, name) == 0)
            return &ini->sections[i];
    return NULL;
}

const struct aws_ini_prop *aws_ini_prop(const struct aws_ini_section *s, const char *key)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->nprops; i++)
        if (strcmp(s->props[i].key, key) == 0)
            return &s->props[i];
    return NULL;
}

const char *aws_ini_get(const struct aws_ini_section *s, const char *key)
{
    const struct aws_ini_prop *p = aws_ini_prop(s, key);
    return p ? p->value : NULL;
}

const char *aws_ini_get_sub(const struct aws_ini_section *s, const char *key, const char *subkey)
{
    const struct aws_ini_prop *p = aws_ini_prop(s, key);
    if (!p)
        return NULL;
    for (size_t i = 0; i < p->nsub; i++)
        if (strcmp(p->sub[i].key, subkey) == 0)
            return p->sub[i].value;
    return NULL;
}

/* ------------------------------------------------------------ parser */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\v'))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    return end;
}

/* Map a header's text to a section kind and name (botocore build_profile_map:
 * "profile X", "services X", "sso-session X" split on whitespace into exactly
 * two words; "default" exactly). */
static void classify_header(const char *h, bool is_config, enum aws_ini_kind *kind, char **name)
{
    if (!is_config) {
        *kind = AWS_INI_PROFILE;
        *name = xstrdup(h);
        return;
    }
    if (strcmp(h, "default") == 0) {
        *kind = AWS_INI_PROFILE;
        *name = xstrdup(h);
        return;
    }
    static const struct { const char *prefix; enum aws_ini_kind kind; } prefixes[] = {
        {"profile", AWS_INI_PROFILE},
        {"sso-session", AWS_INI_SSO_SESSION},
        {"services", AWS_INI_SERVICES},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t pl = strlen(prefixes[i].prefix);
        if (strncmp(h, prefixes[i].prefix, pl) != 0)
            continue;
        /* Split into words; quotes around the name are removed (shlex). */
        const char *p = h, *end = h + strlen(h);
        const char *w[3];
        size_t wl[3];
        int nw = 0;
        while (nw < 3) {
            p = skip_ws(p, end);
            if (p >= end)
                break;
            const char *s = p;
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                s = p;
                while (p < end && *p != q)
                    p++;
                w[nw] = s;
                wl[nw] = (size_t)(p - s);
                if (p < end)
                    p++;
            } else {
                while (p < end && !isspace((unsigned char)*p))
                    p++;
                w[nw] = s;
                wl[nw] = (size_t)(p - s);
            }
            nw++;
        }
        if (nw == 2 && wl[0] == pl) {
            *kind = prefixes[i].kind;
            *name = xstrndup(w[1], wl[1]);
            return;
        }
        break;
    }
    *kind = AWS_INI_OTHER;
    *name = xstrdup(h);
}

static struct aws_ini_section *open_section(struct aws_ini *ini, enum aws_ini_kind kind, char *name)
{
    for (size_t i = 0; i < ini->n; i++) {
        if (ini->sections[i].kind == kind && strcmp(ini->sections[i].name, name) == 0) {
            free(name); /* duplicate section: merge into the first */
            return &ini->sections[i];
        }
    }
    struct aws_ini_section *s = ARRAY_PUSH(ini->sections, ini->n, ini->cap);
    s->kind = kind;
    s->name = name;
    return s;
}

static struct aws_ini_prop *set_prop(struct aws_ini_prop **arr, size_t *n, size_t *cap,
                                     char *key, char *value)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*arr)[i].key, key) == 0) {
            struct aws_ini_prop *p = &(*arr)[i];
            prop_cleanup(p); /* a repeated key: the last one wins */
            p->key = key;
            p->value = value;
            return p;
        }
    }
    struct aws_ini_prop *p = ARRAY_PUSH(*arr, *n, *cap);
    p->key = key;
    p->value = value;
    return p;
}

int aws_ini_parse(struct aws_ini *ini, const char *text, size_t len, const char *path,
                  bool is_config, struct err *e)
{
    const char *where = path ? path : "<config>";
    const char *p = text, *end = text + len;
    struct aws_ini_section *sec = NULL;
    size_t prop_idx = 0;
    bool have_prop = false;
    size_t prop_indent = 0;
    unsigned lineno = 0;

    ini->path = xstrdup(path);
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        lineno++;
        if (le > p && le[-1] == '\r')
            le--;
        if (le > p && memchr(p, '\0', (size_t)(le - p))) {
            err_set(e, ERR_CONFIG, "%s:%u: NUL byte in line", where, lineno);
            goto fail;
        }
        const char *s = skip_ws(p, le);
        const char *t = trim_end(s, le);
        size_t indent = (size_t)(s - p);
        p = next;
        if (s == t || *s == '#' || *s == ';')
            continue; /* blank line or full-line comment */

        if (sec && have_prop && indent > prop_indent) {
            /* Continuation of the last property. */
            struct aws_ini_prop *prop = &sec->props[prop_idx];
            if (prop->value[0] == '\0' || prop->nsub) {
                const char *eq = memchr(s, '=', (size_t)(t - s));
                if (!eq) {
                    err_set(e, ERR_CONFIG, "%s:%u: expected 'name = value' in the nested "
                            "settings of '%s'", where, lineno, prop->key);
                    goto fail;
                }
                const char *ke = trim_end(s, eq);
                const char *vs = skip_ws(eq + 1, t);
                if (ke == s) {
                    err_set(e, ERR_CONFIG, "%s:%u: empty setting name in the nested settings "
                            "of '%s'", where, lineno, prop->key);
                    goto fail;
                }
                set_prop(&prop->sub, &prop->nsub, &prop->capsub, xstrndup(s, (size_t)(ke - s)),
                         xstrndup(vs, (size_t)(t - vs)));
            } else {
                char *v = xasprintf("%s\n%.*s", prop->value, (int)(t - s), s);
                memset(prop->value, 0, strlen(prop->value));
                free(prop->value);
                prop->value = v;
            }
            continue;
        }

        if (*s == '[') {
            /* Header: up to the last ']' on the line; anything after is ignored. */
            const char *close = NULL;
            for (const char *q = t; q > s; q--)
                if (q[-1] == ']') {
                    close = q - 1;
                    break;
                }
            if (!close || close == s + 1) {
                err_set(e, ERR_CONFIG, "%s:%u: %s", where, lineno,
                        close ? "empty section name '[]'" : "section header without a closing ']'");
                goto fail;
            }
            enum aws_ini_kind kind;
            char *name;
            char *h = xstrndup(s + 1, (size_t)(close - s - 1));
            classify_header(h, is_config, &kind, &name);
            free(h);
            sec = open_section(ini, kind, name);
            have_prop = false;
            continue;
        }

        if (!sec) {
            err_set(e, ERR_CONFIG, "%s:%u: a setting before any [section] header", where, lineno);
            goto fail;
        }
        const char *d = s;
        while (d < t && *d != '=' && *d != ':')
            d++;
        if (d == t) {
            err_set(e, ERR_CONFIG, "%s:%u: expected 'name = value' or a [section] header",
                    where, lineno);
            goto fail;
        }
        const char *ke = trim_end(s, d);
        if (ke == s) {
            err_set(e, ERR_CONFIG, "%s:%u: empty setting name before '%c'", where, lineno, *d);
            goto fail;
        }
        char *key = xstrndup(s, (size_t)(ke - s));
        for (char *k = key; *k; k++)
            *k = (char)tolower((unsigned char)*k);
        const char *vs = skip_ws(d + 1, t);
        struct aws_ini_prop *prop = set_prop(&sec->props, &sec->nprops, &sec->capprops, key,
                                             xstrndup(vs, (size_t)(t - vs)));
        prop_idx = (size_t)(prop - sec->props);
        have_prop = true;
        prop_indent = indent;
    }
    return 0;
fail:
    aws_ini_cleanup(ini);
    return -1;
}

int aws_ini_load(struct aws_ini *ini, const char *path, bool is_config, struct err *e)
{
    int rc = -1;
    FILE *f = NULL;
    struct buf b;
    buf_init(&b, AWS_CONFIG_MAX_FILE_BYTES);

    f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) {
            memset(ini, 0, sizeof *ini);
            ini->path = xstrdup(path);
            rc = 0;
            goto out;
        }
        err_set(e, ERR_CONFIG, "%s: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        err_set(e, ERR_CONFIG, "%s: is a directory", path);
        goto out;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, n) < 0) {
            err_set(e, ERR_LIMIT, "%s: larger than %u bytes", path, AWS_CONFIG_MAX_FILE_BYTES);
            goto out;
        }
    }
    if (ferror(f)) {
        err_set(e, ERR_CONFIG, "%s: read error", path);
        goto out;
    }
    memset(ini, 0, sizeof *ini);
    if (aws_ini_parse(ini, buf_str(&b), b.len, path, is_config, e) < 0)
        goto out;
    ini->found = true;
    rc = 0;
out:
    if (b.data)
        memset(b.data, 0, b.len);
    buf_cleanup(&b);
    if (f)
        fclose(f);
    return rc;
}

/* ------------------------------------------------------------ both files */

char *aws_config_default_path(bool credentials)
{
    const char *env = getenv(credentials ? "AWS_SHARED_CREDENTIALS_FILE" : "AWS_CONFIG_FILE");
    const char *p = (env && *env) ? env : (credentials ? "~/.aws/credentials" : "~/.aws/config");
    if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
        const char *home = getenv("HOME");
        return xasprintf("%s%s", home ? home : "", p + 1);
    }
    return xstrdup(p);
}

int aws_config_load(struct aws_config *cfg, const char *config_path, const char *creds_path,
                    struct err *e)
{
    char *cp = config_path ? xstrdup(config_path) : aws_config_default_path(false);
    char *kp = creds_path ? xstrdup(creds_path) : aws_config_default_path(true);
    int rc = -1;
    memset(cfg, 0, sizeof *cfg);
    if (aws_ini_load(&cfg->config, cp, true, e) < 0)
        goto out;
    if (aws_ini_load(&cfg->credentials, kp, false, e) < 0) {
        aws_ini_cleanup(&cfg->config);
        goto out;
    }
    rc = 0;
out:
    free(cp);
    free(kp);
    return rc;
}

void aws_config_cleanup(struct aws_config *cfg)
{
    if (!cfg)
        return;
    aws_ini_cleanup(&cfg->config);
    aws_ini_cleanup(&cfg->credentials);
}

bool aws_config_has_profile(const struct aws_config *cfg, const char *profile)
{
    return aws_ini_section(&cfg->config, AWS_INI_PROFILE, profile) ||
           aws_ini_section(&cfg->credentials, AWS_INI_PROFILE, profile);
}

const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key)
{
    const char *v = aws_ini_get(aws_ini_section(&cfg->credentials, AWS_INI_PROFILE, profile), key);
    if (v)
        return v;
    return aws_ini_get(aws_ini_section(&cfg->config, AWS_INI_PROFILE, profile), key);
}

bool aws_config_bool(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

/* ------------------------------------------------------------ settings */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

/* Regions where sts_regional_endpoints = legacy selects the global endpoint
 * (botocore's STS endpoint rule set, UseGlobalEndpoint). */
static bool sts_legacy_global_region(const char *region)
{
    static const char *const regions[] = {
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
        "ca-central-1",   "eu-central-1", "eu-north-1",  "eu-west-1",      "eu-west-2",
        "eu-west-3",      "sa-east-1",  "us-east-1",     "us-east-2",      "us-west-1",
        "us-west-2",
    };
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(region, regions[i]) == 0)
            return true;
    return false;
}

static int resolve_endpoints(const struct aws_settings_input *in, struct aws_settings *out,
                             struct err *e)
{
    const struct aws_config *cfg = &out->cfg;
    const char *ignore = env_nonempty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ignore)
        ignore = aws_config_get(cfg, out->profile, "ignore_configured_endpoint_urls");
    bool ignore_configured = aws_config_bool(ignore);

    const struct aws_ini_section *services = NULL;
    const char *services_name = aws_config_get(cfg, out->profile, "services");
    if (services_name && !ignore_configured) {
        services = aws_ini_section(&cfg->config, AWS_INI_SERVICES, services_name);
        if (!services)
            return err_set(e, ERR_CONFIG, "profile '%s' uses services section '%s', which does "
                           "not exist in %s", out->profile, services_name,
                           cfg->config.path ? cfg->config.path : "the config file");
    }
    const char *global_env = env_nonempty("AWS_ENDPOINT_URL");
    const char *profile_url = aws_config_get(cfg, out->profile, "endpoint_url");
    if (profile_url && !*profile_url)
        profile_url = NULL;

    for (int svc = 0; svc < AWS_SVC_COUNT; svc++) {
        const struct aws_service_info *si = aws_service_info((enum aws_service)svc);
        const char *url = NULL, *from = NULL;
        if (in->endpoint_url && *in->endpoint_url) {
            url = in->endpoint_url;
            from = "--endpoint-url";
        } else if (!ignore_configured) {
            char name[128];
            snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", si->env_suffix);
            const char *v = env_nonempty(name);
            const char *sub = aws_ini_get_sub(services, si->config_key, "endpoint_url");
            if (v) {
                url = v;
                from = "AWS_ENDPOINT_URL_<SERVICE>";
            } else if (global_env) {
                url = global_env;
                from = "AWS_ENDPOINT_URL";
            } else if (sub && *sub) {
                url = sub;
                from = "services section";
            } else if (profile_url) {
                url = profile_url;
                from = "profile endpoint_url";
            }
        }
        if (!url && svc == AWS_SVC_STS && !out->sts_regional &&
            sts_legacy_global_region(out->region)) {
            url = "https://sts.amazonaws.com/";
            from = "sts_regional_endpoints=legacy";
            out->sts_signing_region = "us-east-1";
        }
        out->endpoints[svc] = xstrdup(url);
        out->endpoint_from[svc] = from;
    }
    return 0;
}

int aws_settings_resolve(const struct aws_settings_input *in, struct aws_settings *out,
                         struct err *e)
{
    memset(out, 0, sizeof *out);
    if (aws_config_load(&out->cfg, in->config_path, in->credentials_path, e) < 0)
        return -1;

    /* Profile. */
    const char *profile = NULL;
    if (in->profile && *in->profile) {
        profile = in->profile;
        out->profile_from = "--profile";
        out->profile_explicit = in->profile_explicit;
    } else if ((profile = env_nonempty("AWS_PROFILE"))) {
        out->profile_from = "AWS_PROFILE";
    } else if ((profile = env_nonempty("AWS_DEFAULT_PROFILE"))) {
        out->profile_from = "AWS_DEFAULT_PROFILE";
    } else {
        profile = "default";
        out->profile_from = "default";
    }
    out->profile = xstrdup(profile);
    if (!aws_config_has_profile(&out->cfg, profile) &&
        (strcmp(profile, "default") != 0 || out->profile_explicit)) {
        char *cp = aws_config_default_path(false), *kp = aws_config_default_path(true);
        err_set(e, strcmp(out->profile_from, "--profile") == 0 ? ERR_USAGE : ERR_CONFIG,
                "profile '%s' (from %s) is not in %s nor in %s", profile, out->profile_from,
                out->cfg.config.path ? out->cfg.config.path : cp,
                out->cfg.credentials.path ? out->cfg.credentials.path : kp);
        free(cp);
        free(kp);
        goto fail;
    }

    /* Region. */
    const char *region = NULL;
    if (in->region && *in->region) {
        region = in->region;
        out->region_from = "--region";
    } else if ((region = env_nonempty("AWS_REGION"))) {
        out->region_from = "AWS_REGION";
    } else if ((region = env_nonempty("AWS_DEFAULT_REGION"))) {
        out->region_from = "AWS_DEFAULT_REGION";
    } else if ((region = aws_config_get(&out->cfg, out->profile, "region")) && *region) {
        out->region_from = "profile";
    } else {
        err_set(e, ERR_USAGE, "no AWS region: use --region, AWS_REGION or AWS_DEFAULT_REGION, "
                "or set region in profile '%s'", out->profile);
        goto fail;
    }
    for (const char *r = region; *r; r++) {
        if (!(isalnum((unsigned char)*r) || *r == '-')) {
            err_set(e, ERR_USAGE, "invalid AWS region '%s' (from %s)", region, out->region_from);
            goto fail;
        }
    }
    out->region = xstrdup(region);
    out->sts_signing_region = out->region;

    /* Retries. */
    const char *ma = env_nonempty("AWS_MAX_ATTEMPTS");
    const char *ma_from = "AWS_MAX_ATTEMPTS";
    if (!ma) {
        ma = aws_config_get(&out->cfg, out->profile, "max_attempts");
        ma_from = "max_attempts in the profile";
    }
    if (ma && *ma) {
        char *endp;
        errno = 0;
        long v = strtol(ma, &endp, 10);
        if (errno || *endp || endp == ma || v < 1 || v > 100) {
            err_set(e, ERR_CONFIG, "%s must be a whole number from 1 to 100, not '%s'", ma_from, ma);
            goto fail;
        }
        out->max_attempts = (int)v;
    }
    const char *rm = env_nonempty("AWS_RETRY_MODE");
    const char *rm_from = "AWS_RETRY_MODE";
    if (!rm) {
        rm = aws_config_get(&out->cfg, out->profile, "retry_mode");
        rm_from = "retry_mode in the profile";
    }
    out->retry_mode = AWS_RETRY_STANDARD;
    if (rm && *rm) {
        if (strcmp(rm, "standard") == 0)
            out->retry_mode = AWS_RETRY_STANDARD;
        else if (strcmp(rm, "legacy") == 0)
            out->retry_mode = AWS_RETRY_LEGACY;
        else if (strcmp(rm, "adaptive") == 0)
            out->retry_mode = AWS_RETRY_ADAPTIVE;
        else {
            err_set(e, ERR_CONFIG, "%s must be legacy, standard or adaptive, not '%s'", rm_from, rm);
            goto fail;
        }
    }

    /* STS regional endpoints (botocore default: regional). */
    const char *sre = env_nonempty("AWS_STS_REGIONAL_ENDPOINTS");
    const char *sre_from = "AWS_STS_REGIONAL_ENDPOINTS";
    if (!sre) {
        sre = aws_config_get(&out->cfg, out->profile, "sts_regional_endpoints");
        sre_from = "sts_regional_endpoints in the profile";
    }
    out->sts_regional = true;
    if (sre && *sre) {
        if (strcmp(sre, "legacy") == 0)
            out->sts_regional = false;
        else if (strcmp(sre, "regional") != 0) {
            err_set(e, ERR_CONFIG, "%s must be legacy or regional, not '%s'", sre_from, sre);
            goto fail;
        }
    }

    if (resolve_endpoints(in, out, e) < 0)
        goto fail;
    return 0;
fail:
    aws_settings_cleanup(out);
    return -1;
}

void aws_settings_cleanup(struct aws_settings *s)
{
    if (!s)
        return;
    free(s->profile);
    free(s->region);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        free(s->endpoints[i]);
    aws_config_cleanup(&s->cfg);
    memset(s, 0, sizeof *s);
}

void aws_settings_client_opts(const struct aws_settings *s, struct aws_client_opts *opts)
{
    opts->region = s->region;
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        opts->endpoints[i] = s->endpoints[i];
    opts->max_attempts = s->max_attempts;
    opts->retry_mode = s->retry_mode;
}
