/* Replaying a TCG PC Client event log (the firmware's, as Linux exposes it
 * in /sys/kernel/security/tpm0/binary_bios_measurements); see attest.h.
 *
 * TCG PC Client Platform Firmware Profile, section 10: the log starts with a
 * TCG_PCClientPCREvent (SHA-1 format). When that is a Spec ID event
 * ("Spec ID Event03"), every later event is a TCG_PCR_EVENT2 with one digest
 * per bank the header lists; else the whole log is in the SHA-1 format.
 * Integers are little-endian. EV_NO_ACTION events extend nothing; a
 * "StartupLocality" one sets PCR 0's starting value. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "errors.h"
#include "pubkey.h"

#define EV_NO_ACTION 0x00000003u
#define SHA1_SIZE    20
#define MAX_EVENTS   (1u << 20)

struct reader {
        const uint8_t *p;
        size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
        if (r->left < n)
                return false;
        if (out)
                memcpy(out, r->p, n);
        r->p += n;
        r->left -= n;
        return true;
}

static bool u8(struct reader *r, uint8_t *v)
{
        return take(r, v, 1);
}

static bool u16(struct reader *r, uint16_t *v)
{
        uint8_t b[2];

        if (!take(r, b, 2))
                return false;
        *v = (uint16_t)(b[0] | b[1] << 8);
        return true;
}

static bool u32(struct reader *r, uint32_t *v)
{
        uint8_t b[4];

        if (!take(r, b, 4))
                return false;
        *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        return true;
}

struct bank {
        uint16_t alg;
        uint16_t size;
        const EVP_MD *md; /* NULL: a bank tpmctl does not replay */
};

struct replay {
        struct bank banks[TPM2_NUM_PCR_BANKS];
        unsigned n_banks;
        uint8_t locality; /* PCR 0's starting value ends with it */
        struct pcr_values *out;
};

static const struct bank *bank_of(const struct replay *rp, uint16_t alg)
{
        for (unsigned i = 0; i < rp->n_banks; i++)
                if (rp->banks[i].alg == alg)
                        return &rp->banks[i];
        return NULL;
}

static int extend(struct replay *rp, const struct bank *b, uint32_t pcr, const uint8_t *digest)
{
        struct pcr_values *out = rp->out;
        struct pcr_value *v = NULL;
        unsigned char buf[2 * sizeof(TPMU_HA)];
        unsigned int n;

        if (!b->md)
                return 0;
        for (unsigned i = 0; i < out->n && !v; i++)
                if (out->v[i].bank == b->alg && out->v[i].index == pcr)
                        v = &out->v[i];
        if (!v) {
                if (out->n == PCR_MAX_VALUES)
                        return error_set(EXIT_INVALID, "the event log extends too many PCRs");
                v = &out->v[out->n++];
                memset(v, 0, sizeof(*v));
                v->bank = b->alg;
                v->index = pcr;
                v->digest.size = b->size;
                if (pcr == 0)
                        v->digest.buffer[b->size - 1] = rp->locality;
        }
        memcpy(buf, v->digest.buffer, b->size);
        memcpy(buf + b->size, digest, b->size);
        if (!EVP_Digest(buf, 2u * b->size, v->digest.buffer, &n, b->md, NULL))
                return error_set(EXIT_TPM, "hashing the event log failed");
        return 0;
}

/* The Spec ID event's data: the banks and their digest sizes. */
static int spec_id(struct replay *rp, const uint8_t *data, size_t len)
{
        struct reader r = {data, len};
        uint32_t n;
        uint8_t vendor;

        if (!take(&r, NULL, 16 + 4 + 4) || !u32(&r, &n))
                return error_set(EXIT_INVALID, "the event log's Spec ID event is truncated");
        if (n == 0 || n > TPM2_NUM_PCR_BANKS)
                return error_set(EXIT_INVALID, "the event log's Spec ID event lists %u banks", n);
        for (uint32_t i = 0; i < n; i++) {
                struct bank *b = &rp->banks[i];

                if (!u16(&r, &b->alg) || !u16(&r, &b->size))
                        return error_set(EXIT_INVALID,
                                         "the event log's Spec ID event is truncated");
                if (bank_of(rp, b->alg)) /* among the i before */
                        return error_set(EXIT_INVALID,
                                         "the event log's Spec ID event lists a bank twice");
                if (b->size == 0 || b->size > sizeof(TPMU_HA))
                        return error_set(EXIT_INVALID,
                                         "the event log's Spec ID event gives a %u-byte digest",
                                         b->size);
                b->md = tpm_hash_md(b->alg);
                if (b->md && (size_t)EVP_MD_get_size(b->md) != b->size)
                        return error_set(EXIT_INVALID,
                                         "the event log gives bank 0x%04x %u-byte digests", b->alg,
                                         b->size);
                rp->n_banks = i + 1;
        }
        if (!u8(&r, &vendor) || !take(&r, NULL, vendor))
                return error_set(EXIT_INVALID, "the event log's Spec ID event is truncated");
        return 0;
}

static const char spec_id_03[16] = "Spec ID Event03";
static const char startup_locality[16] = "StartupLocality";

/* One TCG_PCR_EVENT2. */
static int event2(struct replay *rp, struct reader *r, unsigned number)
{
        uint32_t pcr, type, count, size;
        const uint8_t *digests[TPM2_NUM_PCR_BANKS];
        const struct bank *banks[TPM2_NUM_PCR_BANKS];
        const uint8_t *data;
        int e;

        if (!u32(r, &pcr) || !u32(r, &type) || !u32(r, &count))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        if (pcr >= PCR_COUNT)
                return error_set(EXIT_INVALID, "event %u of the event log extends PCR %u", number,
                                 pcr);
        /* At most one digest per bank of the header (tpm2_eventlog takes
         * fewer too; a bank an event leaves out then replays to a value
         * that is not the TPM's). */
        if (count > rp->n_banks)
                return error_set(EXIT_INVALID,
                                 "event %u of the event log has %u digests for %u banks", number,
                                 count, rp->n_banks);
        for (uint32_t i = 0; i < count; i++) {
                uint16_t alg;

                if (!u16(r, &alg))
                        return error_set(EXIT_INVALID, "the event log is truncated in event %u",
                                         number);
                if (!(banks[i] = bank_of(rp, alg)))
                        return error_set(EXIT_INVALID,
                                         "event %u of the event log has a digest of bank 0x%04x, "
                                         "which its header does not list",
                                         number, alg);
                for (uint32_t j = 0; j < i; j++)
                        if (banks[j] == banks[i])
                                return error_set(EXIT_INVALID,
                                                 "event %u of the event log has two digests of "
                                                 "bank 0x%04x",
                                                 number, alg);
                digests[i] = r->p;
                if (!take(r, NULL, banks[i]->size))
                        return error_set(EXIT_INVALID, "the event log is truncated in event %u",
                                         number);
        }
        if (!u32(r, &size))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        data = r->p;
        if (!take(r, NULL, size))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        /* Before PCR 0's first extend (extend() starts it with the locality). */
        if (type == EV_NO_ACTION && size >= sizeof(startup_locality) + 1 &&
            memcmp(data, startup_locality, sizeof(startup_locality)) == 0)
                rp->locality = data[sizeof(startup_locality)];
        if (type == EV_NO_ACTION)
                return 0;
        for (uint32_t i = 0; i < count; i++)
                if ((e = extend(rp, banks[i], pcr, digests[i])))
                        return e;
        return 0;
}

/* One TCG_PCClientPCREvent (SHA-1 format): *data and *size its event data. */
static int event1(struct reader *r, unsigned number, uint32_t *pcr, uint32_t *type,
                  const uint8_t **digest, const uint8_t **data, uint32_t *size)
{
        if (!u32(r, pcr) || !u32(r, type))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        *digest = r->p;
        if (!take(r, NULL, SHA1_SIZE) || !u32(r, size))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        *data = r->p;
        if (!take(r, NULL, *size))
                return error_set(EXIT_INVALID, "the event log is truncated in event %u", number);
        if (*pcr >= PCR_COUNT)
                return error_set(EXIT_INVALID, "event %u of the event log extends PCR %u", number,
                                 *pcr);
        return 0;
}

int tcg_log_replay(const uint8_t *log, size_t len, struct pcr_values *out)
{
        struct replay rp = {.out = out};
        struct reader r = {log, len};
        const uint8_t *digest, *data;
        uint32_t pcr, type, size;
        unsigned number = 0;
        size_t end = len;
        bool agile;
        int e;

        out->n = 0;
        if (len == 0)
                return error_set(EXIT_INVALID, "the event log is empty");
        if ((e = event1(&r, number, &pcr, &type, &digest, &data, &size)))
                return e;
        agile = type == EV_NO_ACTION && size >= sizeof(spec_id_03) &&
                memcmp(data, spec_id_03, sizeof(spec_id_03)) == 0;
        if (agile) {
                if ((e = spec_id(&rp, data, size)))
                        return e;
        } else {
                rp.banks[0] = (struct bank){TPM2_ALG_SHA1, SHA1_SIZE, tpm_hash_md(TPM2_ALG_SHA1)};
                rp.n_banks = 1;
        }
        if (!agile && type != EV_NO_ACTION && (e = extend(&rp, &rp.banks[0], pcr, digest)))
                return e;
        /* Zeros after the last event are the firmware's padding. */
        while (end > 0 && log[end - 1] == 0)
                end--;
        while (r.p < log + end) {
                if (++number >= MAX_EVENTS)
                        return error_set(EXIT_INVALID, "the event log has over %u events",
                                         MAX_EVENTS);
                if (agile) {
                        if ((e = event2(&rp, &r, number)))
                                return e;
                        continue;
                }
                if ((e = event1(&r, number, &pcr, &type, &digest, &data, &size)))
                        return e;
                if (type != EV_NO_ACTION && (e = extend(&rp, &rp.banks[0], pcr, digest)))
                        return e;
        }
        return 0;
}
