/* xml.h — small helpers to read AWS Query answers with libxml2.
 *
 * AWS answers are read by element *local name* (namespaces are honoured by
 * ignoring the prefix, never assumed), and never by position: element order is
 * not guaranteed.  Lists are <member> children.  Parsing is done without
 * network access, entity expansion or DTD loading.
 */
#ifndef ALBCHECK_AWS_XML_H
#define ALBCHECK_AWS_XML_H

#include <libxml/tree.h>
#include <stddef.h>

#include "util/err.h"

/* Parse an answer; on failure e says "<what>: malformed XML: <libxml2 message>". */
int xml_parse(const char *data, size_t len, const char *what, xmlDocPtr *out, struct err *e);
/* First child element of `parent` with this local name, or NULL. */
xmlNodePtr xml_child(xmlNodePtr parent, const char *name);
/* Follow a '/'-separated path of local names from `from` ("DescribeRulesResult/Rules"). */
xmlNodePtr xml_path(xmlNodePtr from, const char *path);
/* Next sibling element with this local name after `node`, or NULL. */
xmlNodePtr xml_next(xmlNodePtr node, const char *name);
/* Text of a node (new string, caller frees), NULL for a NULL node. */
char *xml_text(xmlNodePtr node);
/* Text of the child `name` (new string) or NULL when absent. */
char *xml_child_text(xmlNodePtr parent, const char *name);
/* Integer value of child `name`, or `dflt` when absent or not a number. */
long xml_child_long(xmlNodePtr parent, const char *name, long dflt);
/* Iterate the <member> children of `list`: for (m = xml_first_member(l); m; m = xml_next(m, "member")) */
xmlNodePtr xml_first_member(xmlNodePtr list);
/* Count <member> children. */
size_t xml_count_members(xmlNodePtr list);

#endif
