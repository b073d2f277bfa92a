/* SHA-256 (FIPS 180-4): the x86 SHA extensions when the CPU has them (as the JDK's own
 * intrinsic uses), portable C otherwise; the cold-start baseline hashes with it. */
#ifndef THB_SHA256_H
#define THB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t fill;
} sha256_t;

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t len);
void sha256_final(sha256_t *s, uint8_t digest[32]);
/* "sha-ni" or "portable": which compression function this CPU gets. */
const char *sha256_implementation(void);

#endif
