/* OSSL_LIB_CTX_new for libtss2: the process's default OpenSSL context instead
 * of a new one per hash (ossl_libctx.c says why). Linked into the tpmctl
 * executable itself, where the dynamic linker finds it first. */
#pragma once

#include <stdbool.h>

/* Whether a library at this path is one of tpm2-tss's (libtss2-*). Pure. */
bool ossl_libctx_caller_is_tss(const char *library_path);
