// SHA-256's compression function on the x86-64 SHA extensions (SHA-NI). FazhiModel's SHA256 calls it for whole
// blocks when the processor has them and does the padding itself; without them it uses its own Swift rounds.
//
// The instructions keep the eight working words in two registers, ABEF and CDGH (A in the highest lane).
// sha256rnds2 does two rounds: from CDGH, ABEF and two message-plus-constant words it returns the new ABEF, and the
// old ABEF is then the new CDGH. sha256msg1 and sha256msg2 extend the message schedule four words at a time.
#include "csha256.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t *fazhi_sha256_round_constants(void) { return round_constants; }

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int fazhi_sha256_hardware_available(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}

__attribute__((target("sha,sse4.1,ssse3")))
void fazhi_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Each 32-bit word of a block is big-endian.
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    // From h0…h7 to ABEF and CDGH. `abcd`, `badc`, `hgfe` and `lanes_…` name a register's lanes from the lowest
    // (`abcd` holds a in lane 0); `abef` and `cdgh` are the instructions' ABEF and CDGH (A in the highest lane).
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);   // lanes f e b a: ABEF
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0); // lanes h g d c: CDGH

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        // The schedule, four words per vector: w[0..3], w[4..7], w[8..11], w[12..15], then extended in place.
        __m128i w[4];
        for (int i = 0; i < 16; i++) {
            __m128i words;
            if (i < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
            } else {
                // w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16], for t = 4i … 4i+3.
                const __m128i oldest = w[i & 3], older = w[(i + 1) & 3], old = w[(i + 2) & 3], last = w[(i + 3) & 3];
                __m128i sum = _mm_sha256msg1_epu32(oldest, older);         // w[t-16] + σ0(w[t-15])
                sum = _mm_add_epi32(sum, _mm_alignr_epi8(last, old, 4));   // + w[t-7]
                words = _mm_sha256msg2_epu32(sum, last);                   // + σ1(w[t-2])
            }
            w[i & 3] = words;
            __m128i wk = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&round_constants[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);        // rounds 4i, 4i+1: cdgh now holds ABEF
            wk = _mm_shuffle_epi32(wk, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);        // rounds 4i+2, 4i+3
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    // Back to h0…h7.
    __m128i lanes_abef = _mm_shuffle_epi32(abef, 0x1B);
    __m128i lanes_ghcd = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(lanes_abef, lanes_ghcd, 0xF0)); // a b c d
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(lanes_ghcd, lanes_abef, 8));   // e f g h
}

#else

int fazhi_sha256_hardware_available(void) { return 0; }

void fazhi_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    (void)state; (void)data; (void)blocks;
}

#endif
