/* typed_util.h — private helpers shared by the typed AWS calls.
 *
 * Used only by src/aws/{elbv2,ecs,logs,cfn}.c: growing output arrays, reading
 * XML and JSON fields with type checks, and turning a bad field into an
 * ERR_PARSE error that names the operation and the field
 * ("DescribeRules: rule without Priority").  Not part of the public API.
 */
#ifndef ALBCHECK_AWS_TYPED_UTIL_H
#define ALBCHECK_AWS_TYPED_UTIL_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Append one zeroed element to an array whose capacity is implied by its
 * count (the next power of two): returns the new slot, increments *n.  Only
 * for arrays that start as NULL/0 and grow through this function. */
void *typed_push(void **arr, size_t *n, size_t elem);
#define TYPED_PUSH(arr, n) ((__typeof__(arr))typed_push((void **)&(arr), &(n), sizeof(*(arr))))

/* ISO 8601 UTC time ("2016-03-25T21:26:12.920Z") to epoch seconds; 0 when
 * the text is not such a time. */
int64_t typed_iso8601_s(const char *s);

/* The <op>Result element of an <op>Response document, or an error that says
 * the answer has the wrong shape. */
int typed_xml_result(xmlDocPtr doc, const char *op, xmlNodePtr *result, struct err *e);
/* NextMarker of a result, NULL when absent or empty (new string). */
char *typed_xml_next_marker(xmlNodePtr result);
/* "true"/"false" child; dflt when absent or anything else. */
bool typed_xml_bool(xmlNodePtr parent, const char *name, bool dflt);
/* Integer child: *out untouched when absent; error naming op and field when
 * present but not an integer. */
int typed_xml_int(xmlNodePtr parent, const char *name, int *out, const char *op,
                  struct err *e);
/* Append the texts of list's <member> children to (*v, *n). */
void typed_xml_strv(xmlNodePtr list, char ***v, size_t *n);

/* The answer must be a JSON object. */
int typed_json_object(const json_t *doc, const char *op, struct err *e);
/* Optional string field: absent or null → *out = NULL; a string → new copy;
 * anything else → error "op: <field> is not a string". */
int typed_jstr(const json_t *o, const char *key, char **out, const char *op, struct err *e);
/* Optional integer field (JSON integer, or a real with an integral value):
 * *out untouched when absent or null. */
int typed_jint(const json_t *o, const char *key, int *out, const char *op, struct err *e);
int typed_jint64(const json_t *o, const char *key, int64_t *out, const char *op,
                 struct err *e);
/* Optional number of epoch seconds, possibly fractional (truncated). */
int typed_jtime_s(const json_t *o, const char *key, int64_t *out, const char *op,
                  struct err *e);
/* Optional number as a double. */
int typed_jdouble(const json_t *o, const char *key, double *out, const char *op,
                  struct err *e);
/* Optional boolean. */
int typed_jbool(const json_t *o, const char *key, bool *out, const char *op, struct err *e);
/* Optional array (borrowed; NULL when absent or null). */
int typed_jarray(const json_t *o, const char *key, json_t **out, const char *op,
                 struct err *e);
/* Optional object (borrowed; NULL when absent or null). */
int typed_jobject(const json_t *o, const char *key, json_t **out, const char *op,
                  struct err *e);
/* Optional array of strings appended to (*v, *n). */
int typed_jstrv(const json_t *o, const char *key, char ***v, size_t *n, const char *op,
                struct err *e);

#endif
