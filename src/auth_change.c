/* Changing an object's password; see auth_change.h. */
#include "auth_change.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <unistd.h>

#include "cleanup.h"
#include "errors.h"
#include "fapi_object.h"
#include "hex.h"
#include "fileio.h"
#include "jsonfile.h"
#include "keys.h"
#include "objects.h"
#include "policy.h"
#include "policy_session.h"
#include "pubkey.h"
#include "object_load.h"

static void policyp(struct policy **p)
{
        if (*p) {
                policy_free(*p);
                free(*p);
        }
}

struct target {
        char path[FAPI_PATH_MAX];
        json_object *json; /* the keystore object */
        TPM2B_PUBLIC public;
        TPM2B_PRIVATE private;
        bool with_auth;
        unsigned persistent;
};

static void target_free(struct target *t)
{
        json_object_put(t->json);
}

static int read_target(struct tpm *tpm, const char *user_path, struct target *t)
{
        struct keystore_object o;
        int r = keystore_object_read(tpm, user_path, &o);

        snprintf(t->path, sizeof(t->path), "%s", o.path);
        t->json = steal_ptr(o.json);
        if (!r && (o.type != FAPI_OBJECT_KEY || !o.private.size))
                r = error_set(EXIT_BAD_INPUT,
                              "%s has no private part to change (a "
                              "hierarchy or a public key?)",
                              t->path);
        if (!r) {
                t->public = o.public;
                t->private = o.private;
                t->with_auth = o.auth == OBJECT_AUTH_YES; /* not when unknown */
                t->persistent = o.persistent;
        }
        keystore_object_free(&o);
        return r;
}

/* The object's policy, when it has one: tpmctl must be able to run it. */
static int target_policy(const struct target *t, struct policy **out)
{
        struct policy *p = calloc(1, sizeof(*p));

        *out = p;
        if (!p)
                return error_set(EXIT_TPM, "out of memory");
        switch (object_policy(t->json, &t->public.publicArea, p)) {
        case POLICY_NONE:
                policy_free(p);
                free(p);
                *out = NULL;
                return 0;
        case POLICY_ENGINE:
                return 0;
        default:
                return error_set(EXIT_BAD_INPUT,
                                 "tpmctl cannot run the policy of %s, which "
                                 "changing its password needs",
                                 t->path);
        }
}

/* TPM2_ObjectChangeAuth needs the ADMIN role: with a policy, that policy
 * must allow the command by name (PolicyCommandCode). */
static bool allows_change_auth(const struct policy *p)
{
        for (unsigned i = 0; i < p->n; i++) {
                if (p->e[i].type == POLICY_COMMANDCODE && p->e[i].code == TPM2_CC_ObjectChangeAuth)
                        return true;
                for (unsigned b = 0; b < p->e[i].n_branches; b++)
                        if (allows_change_auth(&p->e[i].branches[b]))
                                return true;
        }
        return false;
}

/* Writes the new private blob into the keystore object, atomically. */
static int store_private(struct tpm *tpm, struct target *t, const TPM2B_PRIVATE *private,
                         bool with_auth)
{
        int r = keystore_object_set_private(t->json, private,
                                            with_auth ? OBJECT_AUTH_YES : OBJECT_AUTH_NO);

        return r ? r : keystore_object_write(tpm, t->path, t->json, KEYSTORE_WRITE_REPLACE);
}

int auth_change(struct tpm *tpm, const char *user_path, const struct auth_source *current,
                const struct secret *new_password)
{
        _cleanup_(target_free) struct target t = {0};
        _cleanup_(policyp) struct policy *policy = NULL;
        TPM2B_AUTH new_auth = {.size = (UINT16)new_password->size};
        TPM2B_PRIVATE *changed = NULL;
        struct object_record rec;
        struct loaded_object lo;
        size_t max;
        TSS2_RC rc;
        int r;

        if ((r = read_target(tpm, user_path, &t)) || (r = target_policy(&t, &policy)))
                return r;
        if (t.persistent)
                return error_set(EXIT_BAD_INPUT,
                                 "%s is persistent at 0x%08x: its password lives in the TPM's "
                                 "copy, which this command does not replace; create it again",
                                 t.path, t.persistent);
        max = tpm_hash_size(t.public.publicArea.nameAlg);
        if (new_password->size > max)
                return error_set(EXIT_BAD_INPUT,
                                 "the new password is %zu bytes; the TPM takes at most %zu",
                                 new_password->size, max);
        if (policy && (t.public.publicArea.objectAttributes & TPMA_OBJECT_ADMINWITHPOLICY) &&
            !allows_change_auth(policy))
                return error_set(EXIT_POLICY,
                                 "policy not satisfied: the policy of %s does not allow changing "
                                 "its password (no PolicyCommandCode TPM2_CC_ObjectChangeAuth); "
                                 "create the object again with the new password",
                                 t.path);
        /* The new password travels encrypted (command parameter encryption). */
        rec = (struct object_record){
            .path = t.path, .public = &t.public, .private = &t.private, .json = t.json};
        if ((r = object_load(tpm, &rec, current, TPM2_CC_ObjectChangeAuth, SECRET_COMMAND, &lo)))
                return r;
        memcpy(new_auth.buffer, new_password->data, new_password->size);
        rc = Esys_ObjectChangeAuth(tpm->esys, lo.handle, lo.parent, lo.auth, lo.crypt, ESYS_TR_NONE,
                                   &new_auth, &changed);
        OPENSSL_cleanse(&new_auth, sizeof(new_auth));
        object_command_done(tpm, &lo, rc);
        if (rc != TSS2_RC_SUCCESS)
                return object_error(&lo, rc, "changing the password of %s", t.path);
        r = store_private(tpm, &t, changed, new_password->size > 0);
        Esys_Free(changed);
        return r;
}
