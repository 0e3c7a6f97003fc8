/* Base64 (RFC 4648, with padding, no line breaks) for the JSON requests and
 * replies of tpmctl batch. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The length of the text base64_encode() writes for len bytes, without its NUL. */
size_t base64_encoded_len(size_t len);

/* Writes the text for data and a NUL to out (base64_encoded_len(len) + 1 bytes). */
void base64_encode(const unsigned char *data, size_t len, char *out);

/* Decodes text strictly: only the base64 alphabet, a length that is a
 * multiple of 4, padding only at the end. Returns false otherwise. *out is a
 * new buffer (NUL-terminated; the caller frees or wipes it), *len its size. */
bool base64_decode(const char *text, size_t text_len, unsigned char **out, size_t *len);
