#include "kernels.h"
#include <stdlib.h>
#include <string.h>

#define PRECISION_BITS 22

static inline unsigned char clip8(int v) {
    if (v >= (1 << (PRECISION_BITS + 8))) return 255;
    if (v <= 0) return 0;
    return (unsigned char)(v >> PRECISION_BITS);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TARGET __attribute__((target("avx2,fma")))

/* Lanes of int32 sums → bytes with Pillow's clip8: arithmetic shift, then signed/unsigned saturation
 * (v ≥ 2^30 gives ≥ 256 → 255; v ≤ 0 gives ≤ 0 → 0). */
TARGET static inline __m128i clip8x8(__m256i acc) {
    __m256i shifted = _mm256_srai_epi32(acc, PRECISION_BITS);
    __m128i lo = _mm256_castsi256_si128(shifted), hi = _mm256_extracti128_si256(shifted, 1);
    __m128i words = _mm_packs_epi32(lo, hi);
    return _mm_packus_epi16(words, words);
}

static inline int load4(const unsigned char *p) { int v; memcpy(&v, p, 4); return v; }

/* The scalar pass for the rows the vector loads may not cover (the last one): the same sums as
 * Resampler.horizontalPass in Swift, which the Pillow goldens pin. */
static void horizontal_row_scalar(const unsigned char *row, unsigned char *out, long out_width, const long *bounds,
                                  const int *weights, long ksize) {
    for (long x = 0; x < out_width; x++) {
        const unsigned char *p = row + bounds[2 * x] * 3;
        const int *k = weights + x * ksize;
        int a0 = 1 << (PRECISION_BITS - 1), a1 = a0, a2 = a0;
        for (long i = 0; i < bounds[2 * x + 1]; i++) {
            a0 += p[3 * i] * k[i]; a1 += p[3 * i + 1] * k[i]; a2 += p[3 * i + 2] * k[i];
        }
        out[3 * x] = clip8(a0); out[3 * x + 1] = clip8(a1); out[3 * x + 2] = clip8(a2);
    }
}

/* Two rows per pass: lanes 0–3 hold row j's R, G, B (and a byte of the next pixel, discarded),
 * lanes 4–7 row j + 1's. */
TARGET void ck_resample_horizontal_rgb(const unsigned char *src, long src_stride, const unsigned char *src_end, long rows,
                                       unsigned char *dst, long out_width, const long *bounds, const int *weights, long ksize) {
    const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
    long j = 0;
    for (; j + 1 < rows && src + (j + 2) * src_stride < src_end; j += 2) {
        const unsigned char *r0 = src + j * src_stride, *r1 = r0 + src_stride;
        unsigned char *o0 = dst + j * out_width * 3, *o1 = o0 + out_width * 3;
        for (long x = 0; x < out_width; x++) {
            long first = bounds[2 * x] * 3, n = bounds[2 * x + 1];
            const int *k = weights + x * ksize;
            __m256i acc = half;
            for (long i = 0; i < n; i++) {
                __m256i px = _mm256_cvtepu8_epi32(_mm_set_epi32(0, 0, load4(r1 + first + 3 * i), load4(r0 + first + 3 * i)));
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(px, _mm256_set1_epi32(k[i])));
            }
            __m128i bytes = clip8x8(acc);
            int v0 = _mm_cvtsi128_si32(bytes), v1 = _mm_extract_epi32(bytes, 1);
            memcpy(o0 + 3 * x, &v0, 3);
            memcpy(o1 + 3 * x, &v1, 3);
        }
    }
    for (; j < rows; j++)
        horizontal_row_scalar(src + j * src_stride, dst + j * out_width * 3, out_width, bounds, weights, ksize);
}

TARGET void ck_resample_vertical(const unsigned char *src, long row_bytes, long row_offset, unsigned char *dst, long out_height,
                                 const long *bounds, const int *weights, long ksize) {
    const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
    for (long y = 0; y < out_height; y++) {
        const unsigned char *first = src + (bounds[2 * y] - row_offset) * row_bytes;
        long n = bounds[2 * y + 1];
        const int *k = weights + y * ksize;
        unsigned char *out = dst + y * row_bytes;
        long i = 0;
        for (; i + 8 <= row_bytes; i += 8) {
            __m256i acc = half;
            for (long t = 0; t < n; t++) {
                __m256i px = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(first + t * row_bytes + i)));
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(px, _mm256_set1_epi32(k[t])));
            }
            _mm_storel_epi64((__m128i *)(out + i), clip8x8(acc));
        }
        for (; i < row_bytes; i++) {
            int acc = 1 << (PRECISION_BITS - 1);
            for (long t = 0; t < n; t++) acc += first[t * row_bytes + i] * k[t];
            out[i] = clip8(acc);
        }
    }
}

#else
void ck_resample_horizontal_rgb(const unsigned char *src, long src_stride, const unsigned char *src_end, long rows,
                                unsigned char *dst, long out_width, const long *bounds, const int *weights, long ksize) {
    (void)src; (void)src_stride; (void)src_end; (void)rows; (void)dst; (void)out_width; (void)bounds; (void)weights; (void)ksize;
    abort();   /* not x86: callers check ck_has_avx2_fma() first */
}
void ck_resample_vertical(const unsigned char *src, long row_bytes, long row_offset, unsigned char *dst, long out_height,
                          const long *bounds, const int *weights, long ksize) {
    (void)src; (void)row_bytes; (void)row_offset; (void)dst; (void)out_height; (void)bounds; (void)weights; (void)ksize;
    abort();
}
#endif
