#ifndef FAZHI_CSHA256_H
#define FAZHI_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256's 64 round constants (FIPS 180-4, 4.2.2), for the Swift rounds too.
const uint32_t *fazhi_sha256_round_constants(void);

/// 1 when this processor has the SHA-256 instructions (x86-64 SHA extensions, with SSSE3 and SSE4.1), else 0.
int fazhi_sha256_hardware_available(void);

/// Runs the SHA-256 compression function over `blocks` 64-byte blocks at `data`, updating `state` (the eight
/// working words h0…h7, in order). Only call it when `fazhi_sha256_hardware_available()` is 1.
void fazhi_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
