/* The TPM context of operations; see op.h. */
#include "op.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "fapi_auth.h"
#include "object_load.h"
#include "watchdog.h"

/* A kept context reads requests from stdin: nobody answers a prompt. */
static const struct auth_source no_password = {.option_prefix = "auth", .never_prompt = true};

void op_context_init(struct op_context *ctx, const struct settings *s, bool keep)
{
        *ctx = (struct op_context){.settings = s, .keep = keep};
}

static int open_for(struct op_context *ctx, unsigned needs, const char *profile)
{
        struct settings local = *ctx->settings;
        int r;

        if (profile)
                local.profile = profile;
        /* FAPI only when an operation needs it (op_tpm): sign, decrypt,
         * unseal and random run through ESYS. */
        if (ctx->keep)
                needs |= NEED_ESYS;
        snprintf(ctx->profile, sizeof(ctx->profile), "%s", profile ? profile : "");
        r = tpm_open(&local, needs, &ctx->tpm);
        ctx->locked = true;
        if (r) {
                tpm_close(ctx->tpm);
                ctx->tpm = NULL;
                ctx->locked = false;
        }
        return r;
}

int op_tpm(struct op_context *ctx, unsigned needs, const char *profile, struct tpm **tpm)
{
        int r;

        if (ctx->tpm &&
            (strcmp(ctx->profile, profile ? profile : "") != 0 ||
             ((needs & AUTO_PROVISION) && !tpm_provisioned(ctx->tpm, ctx->tpm->setup.profile))))
                op_context_close(ctx); /* opened again below, as this operation needs */
        if (!ctx->tpm)
                r = open_for(ctx, needs, profile);
        else if ((r = tpm_relock(ctx->tpm, needs)) == 0) {
                ctx->locked = true;
                if (needs & NEED_FAPI)
                        r = tpm_fapi_connect(ctx->tpm);
        }
        if (r)
                return r;
        ctx->uses++;
        *tpm = ctx->tpm;
        return 0;
}

void op_context_done(struct op_context *ctx, int status)
{
        if (!ctx->keep || !ctx->tpm)
                return;
        if (status == EXIT_UNAVAILABLE ||
            (ctx->tpm->fapi && (status == EXIT_AUTH || status == EXIT_POLICY ||
                                status == EXIT_TPM || ctx->uses >= OP_CONTEXT_RENEW))) {
                op_context_close(ctx);
                signals_hold(); /* tpm_close() let them through; batch holds them */
                error_clear();
                return;
        }
        /* What this operation loaded for itself goes now; what object_load()
         * keeps stays for the next request (op_context_idle()). */
        tpm_flush_loaded(ctx->tpm);
        /* The password FAPI asked for is wiped; FAPI's callback is pointed
         * at a source that has none, not at freed memory. */
        fapi_auth_wipe(ctx->tpm);
        if (ctx->tpm->fapi)
                fapi_auth_attach(ctx->tpm, &no_password, 0);
        error_clear();
        watchdog_stop(); /* op_tpm() starts it again for the next one */
}

void op_context_idle(struct op_context *ctx)
{
        if (!ctx->keep || !ctx->tpm || !ctx->locked)
                return;
        /* Without a resource manager the TPM's slots are every process's,
         * and `tpmctl flush` may empty them: the keys kept loaded go, to be
         * loaded again by the next request that uses them. */
        if (!tcti_resource_managed(ctx->tpm->setup.tcti))
                tpm_cache_clear(ctx->tpm);
        tpm_unlock(ctx->tpm);
        ctx->locked = false;
}

void op_context_close(struct op_context *ctx)
{
        tpm_close(ctx->tpm);
        ctx->tpm = NULL;
        ctx->locked = false;
        ctx->uses = 0;
}

const struct auth_source *op_auth(const struct op_context *ctx, const struct auth_source *given)
{
        static const struct auth_source none = {.option_prefix = "auth"};

        if (given && auth_given(given))
                return given;
        if (ctx->default_auth)
                return ctx->default_auth;
        if (ctx->keep)
                return &no_password;
        return given ? given : &none;
}
