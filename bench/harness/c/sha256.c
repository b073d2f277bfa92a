#include "sha256.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t h[8], const uint8_t *p, size_t blocks) {
    for (; blocks--; p += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++) {
            w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
        }
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ROR(w[t - 15], 7) ^ ROR(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ROR(w[t - 2], 17) ^ ROR(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[t] + w[t];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}

#if defined(__x86_64__)
/* Four rounds of group g with message words M (W[4g..4g+3]). */
#define QROUND(g, M)                                                                                                   \
    MSG = _mm_add_epi32((M), _mm_loadu_si128((const __m128i *)&K256[4 * (g)]));                                        \
    STATE1 = _mm_sha256rnds2_epu32(STATE1, STATE0, MSG);                                                              \
    MSG = _mm_shuffle_epi32(MSG, 0x0E);                                                                                \
    STATE0 = _mm_sha256rnds2_epu32(STATE0, STATE1, MSG)
/* Completes NEXT (group g+1, started by sha256msg1 three groups earlier) from groups g and g-1. */
#define SCHEDULE(NEXT, M, PREV)                                                                                        \
    TMP = _mm_alignr_epi8((M), (PREV), 4);                                                                             \
    NEXT = _mm_add_epi32((NEXT), TMP);                                                                                 \
    NEXT = _mm_sha256msg2_epu32((NEXT), (M))

__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t h[8], const uint8_t *p, size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i STATE0, STATE1, MSG, TMP, M0, M1, M2, M3, ABEF, CDGH;
    TMP = _mm_loadu_si128((const __m128i *)&h[0]);
    STATE1 = _mm_loadu_si128((const __m128i *)&h[4]);
    TMP = _mm_shuffle_epi32(TMP, 0xB1);          /* CDAB */
    STATE1 = _mm_shuffle_epi32(STATE1, 0x1B);    /* EFGH */
    STATE0 = _mm_alignr_epi8(TMP, STATE1, 8);    /* ABEF */
    STATE1 = _mm_blend_epi16(STATE1, TMP, 0xF0); /* CDGH */
    for (; blocks--; p += 64) {
        ABEF = STATE0;
        CDGH = STATE1;
        M0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), MASK);
        M1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), MASK);
        M2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), MASK);
        M3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), MASK);
        QROUND(0, M0);
        QROUND(1, M1);
        M0 = _mm_sha256msg1_epu32(M0, M1);
        QROUND(2, M2);
        M1 = _mm_sha256msg1_epu32(M1, M2);
        QROUND(3, M3);
        SCHEDULE(M0, M3, M2);
        M2 = _mm_sha256msg1_epu32(M2, M3);
        QROUND(4, M0);
        SCHEDULE(M1, M0, M3);
        M3 = _mm_sha256msg1_epu32(M3, M0);
        QROUND(5, M1);
        SCHEDULE(M2, M1, M0);
        M0 = _mm_sha256msg1_epu32(M0, M1);
        QROUND(6, M2);
        SCHEDULE(M3, M2, M1);
        M1 = _mm_sha256msg1_epu32(M1, M2);
        QROUND(7, M3);
        SCHEDULE(M0, M3, M2);
        M2 = _mm_sha256msg1_epu32(M2, M3);
        QROUND(8, M0);
        SCHEDULE(M1, M0, M3);
        M3 = _mm_sha256msg1_epu32(M3, M0);
        QROUND(9, M1);
        SCHEDULE(M2, M1, M0);
        M0 = _mm_sha256msg1_epu32(M0, M1);
        QROUND(10, M2);
        SCHEDULE(M3, M2, M1);
        M1 = _mm_sha256msg1_epu32(M1, M2);
        QROUND(11, M3);
        SCHEDULE(M0, M3, M2);
        M2 = _mm_sha256msg1_epu32(M2, M3);
        QROUND(12, M0);
        SCHEDULE(M1, M0, M3);
        M3 = _mm_sha256msg1_epu32(M3, M0);
        QROUND(13, M1);
        SCHEDULE(M2, M1, M0);
        QROUND(14, M2);
        SCHEDULE(M3, M2, M1);
        QROUND(15, M3);
        STATE0 = _mm_add_epi32(STATE0, ABEF);
        STATE1 = _mm_add_epi32(STATE1, CDGH);
    }
    TMP = _mm_shuffle_epi32(STATE0, 0x1B);       /* FEBA */
    STATE1 = _mm_shuffle_epi32(STATE1, 0xB1);    /* DCHG */
    STATE0 = _mm_blend_epi16(TMP, STATE1, 0xF0); /* DCBA */
    STATE1 = _mm_alignr_epi8(STATE1, TMP, 8);    /* ABEF */
    _mm_storeu_si128((__m128i *)&h[0], STATE0);
    _mm_storeu_si128((__m128i *)&h[4], STATE1);
}

static int cpu_has_sha(void) {
    unsigned a, b, c, d;
    if (getenv("THB_SHA256_PORTABLE")) { /* lets the self-check compare both implementations */
        return 0;
    }
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) {
        return 0;
    }
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#else
static int cpu_has_sha(void) {
    return 0;
}
#endif

static void compress(uint32_t h[8], const uint8_t *p, size_t blocks) {
    static int shani = -1;
    if (shani < 0) {
        shani = cpu_has_sha();
    }
#if defined(__x86_64__)
    if (shani) {
        compress_shani(h, p, blocks);
        return;
    }
#endif
    compress_portable(h, p, blocks);
}

const char *sha256_implementation(void) {
    return cpu_has_sha() ? "sha-ni" : "portable";
}

void sha256_init(sha256_t *s) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->bytes = 0;
    s->fill = 0;
}

void sha256_update(sha256_t *s, const void *data, size_t len) {
    const uint8_t *p = data;
    s->bytes += len;
    if (s->fill) {
        size_t take = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        len -= take;
        if (s->fill < 64) {
            return;
        }
        compress(s->h, s->block, 1);
        s->fill = 0;
    }
    if (len >= 64) {
        compress(s->h, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
    memcpy(s->block, p, len);
    s->fill = len;
}

void sha256_final(sha256_t *s, uint8_t digest[32]) {
    uint64_t bits = s->bytes * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
    uint8_t length[8];
    for (int i = 0; i < 8; i++) {
        length[i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    sha256_update(s, pad, padlen);
    sha256_update(s, length, 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(s->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)s->h[i];
    }
}
