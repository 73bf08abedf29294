/* typed_util.c — private helpers of the typed AWS calls (see typed_util.h). */
#include "typed_util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/xml.h"
#include "util/xmalloc.h"

void *typed_push(void **arr, size_t *n, size_t elem)
{
    size_t k = *n;
    /* Capacity is the smallest power of two >= k: grow when k is 0 or one. */
    if ((k & (k - 1)) == 0)
        *arr = xreallocarray(*arr, k ? k * 2 : 1, elem);
    char *slot = (char *)*arr + k * elem;
    memset(slot, 0, elem);
    *n = k + 1;
    return slot;
}

int64_t typed_iso8601_s(const char *s)
{
    if (!s)
        return 0;
    int y, mo, d, h, mi, sec;
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
        return 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    int64_t t = (int64_t)timegm(&tm);
    /* Skip fractional seconds, then apply a numeric offset if any. */
    const char *p = s + used;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if ((*p == '+' || *p == '-') && strlen(p) >= 6 && p[3] == ':') {
        int oh = (p[1] - '0') * 10 + (p[2] - '0');
        int om = (p[4] - '0') * 10 + (p[5] - '0');
        int64_t off = (int64_t)oh * 3600 + om * 60;
        t += *p == '+' ? -off : off;
    }
    return t;
}

int typed_xml_result(xmlDocPtr doc, const char *op, xmlNodePtr *result, struct err *e)
{
    char want[128];
    *result = NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root)
        return err_set(e, ERR_PARSE, "%s: empty answer", op);
    snprintf(want, sizeof want, "%sResponse", op);
    if (strcmp((const char *)root->name, want) != 0)
        return err_set(e, ERR_PARSE, "%s: unexpected answer <%.64s>, wanted <%s>", op,
                       (const char *)root->name, want);
    snprintf(want, sizeof want, "%sResult", op);
    *result = xml_child(root, want);
    if (!*result)
        return err_set(e, ERR_PARSE, "%s: answer without %s", op, want);
    return 0;
}

char *typed_xml_next_marker(xmlNodePtr result)
{
    char *m = xml_child_text(result, "NextMarker");
    if (m && !*m) {
        free(m);
        m = NULL;
    }
    return m;
}

bool typed_xml_bool(xmlNodePtr parent, const char *name, bool dflt)
{
    char *s = xml_child_text(parent, name);
    bool v = dflt;
    if (s && strcmp(s, "true") == 0)
        v = true;
    else if (s && strcmp(s, "false") == 0)
        v = false;
    free(s);
    return v;
}

int typed_xml_int(xmlNodePtr parent, const char *name, int *out, const char *op,
                  struct err *e)
{
    char *s = xml_child_text(parent, name);
    if (!s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    const char *p = s;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
        end++;
    int rc = 0;
    if (!*p || *end || v < INT_MIN || v > INT_MAX)
        rc = err_set(e, ERR_PARSE, "%s: %s is not an integer: \"%.40s\"", op, name, s);
    else
        *out = (int)v;
    free(s);
    return rc;
}

void typed_xml_strv(xmlNodePtr list, char ***v, size_t *n)
{
    for (xmlNodePtr m = xml_first_member(list); m; m = xml_next(m, "member")) {
        char **slot = TYPED_PUSH(*v, *n);
        *slot = xml_text(m);
    }
}

int typed_json_object(const json_t *doc, const char *op, struct err *e)
{
    if (!json_is_object(doc))
        return err_set(e, ERR_PARSE, "%s: the answer is not a JSON object", op);
    return 0;
}

int typed_jstr(const json_t *o, const char *key, char **out, const char *op, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set(e, ERR_PARSE, "%s: %s is not a string", op, key);
    *out = xstrndup(json_string_value(v), json_string_length(v));
    return 0;
}

static int jnum(const json_t *o, const char *key, double *d, long long *i, bool *is_int,
                const char *op, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *d = 0;
    *i = 0;
    *is_int = false;
    if (!v || json_is_null(v))
        return 1;
    if (json_is_integer(v)) {
        *i = json_integer_value(v);
        *d = (double)*i;
        *is_int = true;
        return 0;
    }
    if (json_is_real(v)) {
        *d = json_real_value(v);
        *is_int = false;
        return 0;
    }
    return err_set(e, ERR_PARSE, "%s: %s is not a number", op, key);
}

int typed_jint(const json_t *o, const char *key, int *out, const char *op, struct err *e)
{
    int64_t v;
    int rc = typed_jint64(o, key, &v, op, e);
    if (rc == 0 && o && json_object_get(o, key) && !json_is_null(json_object_get(o, key))) {
        if (v < INT_MIN || v > INT_MAX)
            return err_set(e, ERR_PARSE, "%s: %s is out of range", op, key);
        *out = (int)v;
    }
    return rc;
}

int typed_jint64(const json_t *o, const char *key, int64_t *out, const char *op,
                 struct err *e)
{
    double d;
    long long i;
    bool is_int;
    int rc = jnum(o, key, &d, &i, &is_int, op, e);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return -1;
    if (is_int) {
        *out = (int64_t)i;
        return 0;
    }
    if (!isfinite(d) || d != floor(d) || d < -9.2e18 || d > 9.2e18)
        return err_set(e, ERR_PARSE, "%s: %s is not an integer", op, key);
    *out = (int64_t)d;
    return 0;
}

int typed_jtime_s(const json_t *o, const char *key, int64_t *out, const char *op,
                  struct err *e)
{
    double d;
    long long i;
    bool is_int;
    int rc = jnum(o, key, &d, &i, &is_int, op, e);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return -1;
    if (is_int) {
        *out = (int64_t)i;
        return 0;
    }
    if (!isfinite(d) || d < -9.2e18 || d > 9.2e18)
        return err_set(e, ERR_PARSE, "%s: %s is not a time", op, key);
    *out = (int64_t)floor(d);
    return 0;
}

int typed_jdouble(const json_t *o, const char *key, double *out, const char *op,
                  struct err *e)
{
    double d;
    long long i;
    bool is_int;
    int rc = jnum(o, key, &d, &i, &is_int, op, e);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return -1;
    *out = d;
    return 0;
}

int typed_jbool(const json_t *o, const char *key, bool *out, const char *op, struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return err_set(e, ERR_PARSE, "%s: %s is not a boolean", op, key);
    *out = json_is_true(v);
    return 0;
}

/* The member `key` of o when it has JSON type `type`; absent or null → NULL. */
static int jtyped(const json_t *o, const char *key, json_type type, const char *what,
                  json_t **out, const char *op, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_typeof(v) != type)
        return err_set(e, ERR_PARSE, "%s: %s is not %s", op, key, what);
    *out = v;
    return 0;
}

int typed_jarray(const json_t *o, const char *key, json_t **out, const char *op,
                 struct err *e)
{
    return jtyped(o, key, JSON_ARRAY, "an array", out, op, e);
}

int typed_jobject(const json_t *o, const char *key, json_t **out, const char *op,
                  struct err *e)
{
    return jtyped(o, key, JSON_OBJECT, "an object", out, op, e);
}

int typed_jstrv(const json_t *o, const char *key, char ***v, size_t *n, const char *op,
                struct err *e)
{
    json_t *arr;
    if (typed_jarray(o, key, &arr, op, e))
        return -1;
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (!json_is_string(x))
            return err_set(e, ERR_PARSE, "%s: %s[%zu] is not a string", op, key, i);
    }
    json_array_foreach(arr, i, x) {
        char **slot = TYPED_PUSH(*v, *n);
        *slot = xstrndup(json_string_value(x), json_string_length(x));
    }
    return 0;
}
