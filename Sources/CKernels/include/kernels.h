#ifndef PIPELINE_KERNELS_H
#define PIPELINE_KERNELS_H

/* Hand-vectorised kernels for the few loops where the baseline x86-64 code that Swift emits
 * (SSE2, no FMA) is far from the machine. Each kernel is compiled for AVX2 + FMA with a function
 * attribute and used only after ck_has_avx2_fma() said yes; callers keep a portable path. */

#ifdef __cplusplus
extern "C" {
#endif

/* Whether this CPU runs the AVX2 + FMA kernels below. */
int ck_has_avx2_fma(void);

/* Direct convolution of one zero-padded NHWC image, for layers with few input values per output
 * (the RGB input layer), where im2col + sgemm wastes most of its time on copies and skinny tiles.
 *   padded:  padded_height x padded_width x cin floats (padding already applied);
 *   taps:    (kernel*kernel*cin) x cout floats, tap-major: taps[((ky*kernel + kx)*cin + ci)*cout + co];
 *   out:     out_height x out_width x cout floats, written (no bias);
 * cout must be a multiple of 8. Sums run in tap order with fused multiply-adds. */
void ck_conv_direct(const float *padded, int padded_width, int cin, const float *taps, int cout, int kernel,
                    int stride, int out_height, int out_width, float *out);

/* The two passes of Pillow's fixed-point resample (Resample.c: 22 fraction bits, 8-bit clip) on
 * 8-bit RGB rows, bit-exact with its scalar code. Output i of a pass reads inputs
 * bounds[2i] ..< bounds[2i] + bounds[2i+1] with weights[i*ksize ...].
 * Horizontal: `rows` rows of in_width pixels at src (row stride src_stride bytes; src_end is the
 * end of the readable memory, since the vector loads read one byte past a pixel) → rows of
 * out_width pixels at dst. Vertical: out_height rows of row_bytes bytes at dst from the rows at
 * src (row r of the bounds is src + (r - row_offset) * row_bytes). */
void ck_resample_horizontal_rgb(const unsigned char *src, long src_stride, const unsigned char *src_end, long rows,
                                unsigned char *dst, long out_width, const long *bounds, const int *weights, long ksize);
void ck_resample_vertical(const unsigned char *src, long row_bytes, long row_offset, unsigned char *dst, long out_height,
                          const long *bounds, const int *weights, long ksize);

#ifdef __cplusplus
}
#endif
#endif
