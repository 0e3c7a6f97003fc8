/* The libmicrohttpd functions `tpmctl serve` calls, loaded on first use, as
 * fapi_dl.c does for FAPI: libmicrohttpd pulls in GnuTLS and some ten
 * libraries, whose loading would cost every command (start-up time and
 * resident size of a one-shot sign), while only serve needs them. tpmctl
 * links against none of it; each MHD_* below forwards to the real one,
 * found with dlsym() in the library dlopen()ed the first time. A new MHD
 * call needs its line here (the link fails without it). */
#include <dlfcn.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>

#include "mhd_dl.h"

#define MHD_LIBRARY "libmicrohttpd.so.12"

static void *library;
static char load_error[256];

const char *mhd_load_error(void)
{
        return load_error;
}

static void *symbol(const char *name)
{
        void *sym;

        if (!library && !(library = dlopen(MHD_LIBRARY, RTLD_NOW | RTLD_LOCAL))) {
                const char *why = dlerror();
                snprintf(load_error, sizeof(load_error),
                         "cannot load " MHD_LIBRARY " (%s); install it (Debian: libmicrohttpd12)",
                         why ? why : "not found");
                return NULL;
        }
        if (!(sym = dlsym(library, name)))
                snprintf(load_error, sizeof(load_error), MHD_LIBRARY " has no %s", name);
        return sym;
}

/* Defines TYPE NAME(PARAMS) as a call of the real NAME(ARGS), or FAILED
 * when the library or the function cannot be found. */
#define FORWARD(type, name, params, args, failed)                                                  \
        type name params                                                                           \
        {                                                                                          \
                static __typeof__(&name) real;                                                     \
                if (!real && !(*(void **)&real = symbol(#name)))                                   \
                        return failed;                                                             \
                return real args;                                                                  \
        }
#define FORWARD_VOID(name, params, args)                                                           \
        void name params                                                                           \
        {                                                                                          \
                static __typeof__(&name) real;                                                     \
                if (real || (*(void **)&real = symbol(#name)))                                     \
                        real args;                                                                 \
        }

/* The variadic MHD_start_daemon goes to MHD_start_daemon_va with its list. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
        static __typeof__(&MHD_start_daemon_va) real;
        struct MHD_Daemon *daemon;
        va_list ap;

        if (!real && !(*(void **)&real = symbol("MHD_start_daemon_va")))
                return NULL;
        va_start(ap, dh_cls);
        daemon = real(flags, port, apc, apc_cls, dh, dh_cls, ap);
        va_end(ap);
        return daemon;
}

FORWARD(enum MHD_Result, MHD_add_connection,
        (struct MHD_Daemon * daemon, MHD_socket client_socket, const struct sockaddr *addr,
         socklen_t addrlen),
        (daemon, client_socket, addr, addrlen), MHD_NO)
FORWARD(enum MHD_Result, MHD_add_response_header,
        (struct MHD_Response * response, const char *header, const char *content),
        (response, header, content), MHD_NO)
FORWARD(struct MHD_Response *, MHD_create_response_from_buffer_with_free_callback,
        (size_t size, void *buffer, MHD_ContentReaderFreeCallback crfc), (size, buffer, crfc), NULL)
FORWARD_VOID(MHD_destroy_response, (struct MHD_Response * response), (response))
FORWARD(enum MHD_Result, MHD_is_feature_supported, (enum MHD_FEATURE feature), (feature), MHD_NO)
FORWARD(const char *, MHD_lookup_connection_value,
        (struct MHD_Connection * connection, enum MHD_ValueKind kind, const char *key),
        (connection, kind, key), NULL)
FORWARD(enum MHD_Result, MHD_queue_response,
        (struct MHD_Connection * connection, unsigned int status_code,
         struct MHD_Response *response),
        (connection, status_code, response), MHD_NO)
FORWARD(MHD_socket, MHD_quiesce_daemon, (struct MHD_Daemon * daemon), (daemon), MHD_INVALID_SOCKET)
FORWARD(enum MHD_Result, MHD_run, (struct MHD_Daemon * daemon), (daemon), MHD_NO)
FORWARD_VOID(MHD_stop_daemon, (struct MHD_Daemon * daemon), (daemon))
