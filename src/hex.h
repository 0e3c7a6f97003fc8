/* Hex text as tpmctl prints and reads it: lower-case, no separators. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Writes 2 * len lower-case hex digits and a NUL to out (2 * len + 1 bytes). */
void hex_encode(const void *data, size_t len, char *out);

/* Decodes hex text (either case, no separators) into out. Returns false
 * when text is not an even number of hex digits or holds more than max
 * bytes; *len is the number of bytes written. */
bool hex_decode(const char *text, void *out, size_t max, size_t *len);
