/* The options that name a password source, the same in every command. */
#pragma once

#include "../src/auth.h"
#include "cli.h"

#define AUTH_OPTIONS(src)                                                                           \
        {"auth-file", 0,      OPT_STRING,                                                           \
         &(src).file, "FILE", "read the password from FILE (a trailing newline is dropped)"},       \
            {"auth-fd", 0, OPT_STRING, &(src).fd, "N", "read the password from file descriptor N"}, \
            {"auth-env", 0,     OPT_STRING,                                                         \
             &(src).env, "VAR", "read the password from environment variable VAR"},                 \
        {                                                                                           \
                "auth-prompt", 0, OPT_FLAG, &(src).prompt, NULL,                                    \
                    "ask for the password on the terminal, without echo"                            \
        }
