/* OpenSSL set up for a one-shot command that needs only what ESYS uses. */
#pragma once

/* Call before the command's first use of OpenSSL. Never in a process that
 * may go on to other commands (batch, serve): it takes away the legacy
 * names that EVP_get_digestbyname(), X509 signature checks and encrypted
 * PEM headers look up. */
void ossl_lean_init(void);
