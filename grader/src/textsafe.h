/*
 * textsafe.h — making untrusted text safe to put in the grader's reports.
 *
 * Test output and assertion messages come from learners' code: any bytes at all.
 * JSON needs valid UTF-8 (jansson refuses anything else) and XML/HTML need escaping
 * plus the removal of characters XML 1.0 forbids. Every report writer goes through here.
 */
#ifndef CIO_GRADE_TEXTSAFE_H
#define CIO_GRADE_TEXTSAFE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/**
 * A copy of @p s (NULL counts as "") that is valid UTF-8: each byte that does not
 * start a well-formed sequence becomes U+FFFD. Returns NULL only if memory ran out.
 */
char *textsafe_utf8(const char *s);

/** A jansson string holding textsafe_utf8(@p s), or JSON null when @p s is NULL. */
json_t *textsafe_json(const char *s);

/**
 * Write @p s (NULL counts as "") to @p out as XML/HTML character data or attribute
 * text: & < > " ' become entities; control characters XML 1.0 forbids and invalid
 * UTF-8 become U+FFFD; with @p max_bytes > 0 only about that many input bytes are
 * written, followed by "…" when cut.
 */
void textsafe_xml(FILE *out, const char *s, size_t max_bytes);

/** The first line of @p s (without the newline), cut to @p max bytes at a UTF-8 boundary; malloc'd. */
char *textsafe_first_line(const char *s, size_t max);

#endif /* CIO_GRADE_TEXTSAFE_H */
