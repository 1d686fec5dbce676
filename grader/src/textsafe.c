/*
 * textsafe.c — UTF-8 repair and XML escaping for untrusted text (see textsafe.h).
 *
 * One decoder serves both: it walks the bytes, accepts only well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF) and hands each code point, or
 * U+FFFD for a bad byte, to the caller's sink.
 */
#include "textsafe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

/* Decode one code point at s (n bytes left). Sets *len to the bytes consumed (at least
 * 1); returns REPLACEMENT for an invalid sequence, consuming one byte so that the next
 * valid character is not swallowed. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char c = s[0];
    *len = 1;
    if (c < 0x80) return c;
    size_t need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF)      { need = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return REPLACEMENT;
    if (n < need + 1) return REPLACEMENT;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) return REPLACEMENT;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return REPLACEMENT;
    *len = need + 1;
    return cp;
}

static size_t encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *textsafe_utf8(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s);
    /* A bad byte (1) becomes 3 bytes at most: the worst case is 3n + 1. */
    char *out = malloc(3 * n + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = decode((const unsigned char *)s + i, n - i, &len);
        if (cp == REPLACEMENT && len == 1) o += encode(cp, out + o);
        else { memcpy(out + o, s + i, len); o += len; }
        i += len;
    }
    out[o] = '\0';
    return out;
}

json_t *textsafe_json(const char *s)
{
    if (!s) return json_null();
    char *clean = textsafe_utf8(s);
    if (!clean) return NULL;
    json_t *j = json_string(clean);
    free(clean);
    return j;
}

/* XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
static int xml_char_ok(uint32_t cp)
{
    if (cp == 0x9 || cp == 0xA || cp == 0xD) return 1;
    if (cp < 0x20) return 0;
    if (cp == 0xFFFE || cp == 0xFFFF) return 0;
    return 1; /* surrogates and > 0x10FFFF never come out of decode() */
}

void textsafe_xml(FILE *out, const char *s, size_t max_bytes)
{
    if (!s) return;
    size_t n = strlen(s);
    size_t limit = (max_bytes && max_bytes < n) ? max_bytes : n;
    size_t i = 0;
    while (i < limit) {
        size_t len;
        uint32_t cp = decode((const unsigned char *)s + i, n - i, &len);
        i += len;
        switch (cp) {
        case '&':  fputs("&amp;", out); continue;
        case '<':  fputs("&lt;", out); continue;
        case '>':  fputs("&gt;", out); continue;
        case '"':  fputs("&quot;", out); continue;
        case '\'': fputs("&#39;", out); continue;
        }
        if (!xml_char_ok(cp)) cp = REPLACEMENT;
        char buf[4];
        fwrite(buf, 1, encode(cp, buf), out);
    }
    if (i < n) fputs("\xE2\x80\xA6", out); /* "…": the text was cut */
}

char *textsafe_first_line(const char *s, size_t max)
{
    if (!s) s = "";
    while (*s == '\n' || *s == '\r' || *s == ' ') s++;
    size_t n = strcspn(s, "\r\n");
    if (n > max) {
        n = max;
        /* Do not cut a UTF-8 sequence in half: back up to a lead byte. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    char *line = malloc(n + 1);
    if (!line) return NULL;
    memcpy(line, s, n);
    line[n] = '\0';
    return line;
}
