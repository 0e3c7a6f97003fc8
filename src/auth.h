/* Passwords: from a file, a file descriptor, an environment variable, a
 * no-echo prompt on /dev/tty, or a value already in memory (a tpmctl batch
 * request's "auth"); never from argv. Every buffer is wiped. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

struct auth_source {
        const char *file; /* --auth-file FILE */
        const char *fd;   /* --auth-fd N */
        const char *env;  /* --auth-env VAR */
        bool prompt;      /* --auth-prompt: ask on the terminal */
        /* A password in memory, owned (and wiped) by whoever set it:
         * auth_read() copies it. */
        const unsigned char *value;
        size_t value_len;
        /* No source and no prompt: a password needed is EXIT_AUTH (stdin
         * carries requests, not a person's answers). */
        bool never_prompt;
        const char *option_prefix; /* "auth" or "new-auth", for messages */
};

/* Whether the user named a source (or asked for the prompt). */
bool auth_given(const struct auth_source *src);

/* Checks that at most one source is named, and that a variable named is
 * set; EXIT_USAGE otherwise. */
int auth_check(const struct auth_source *src);

/* Reads the password for `what` (an object path) into out, NUL-terminated:
 * from the source given (a copy of `value`, when set), else from a prompt on /dev/tty (twice when
 * confirm). A trailing newline from a file, fd or variable is dropped; a NUL
 * byte or more than max_len bytes is refused with EXIT_BAD_INPUT before any
 * of it reaches FAPI. No source and no terminal: EXIT_AUTH naming the options. */
int auth_read(const struct auth_source *src, const char *what, bool confirm, size_t max_len,
              struct secret *out);

/* The checks auth_read applies, on a value already in memory (for tests). */
int auth_validate(const unsigned char *value, size_t *len, size_t max_len, const char *origin);

/* Reads the password of a source once into out (at most max_len bytes), and
 * makes `to` a source with that value in memory: for a password used many
 * times, such as tpmctl batch's default one (an --auth-fd can be read once).
 * `to` points into out, which the caller wipes. */
int auth_read_once(const struct auth_source *src, const char *what, size_t max_len,
                   struct secret *out, struct auth_source *to);
