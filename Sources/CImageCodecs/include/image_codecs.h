/* Thin C layer over libpng and libjpeg(-turbo) whose only job is to turn their error exits
 * (longjmp out of an error callback) into status codes, so that no corrupt file can end the
 * process. Swift owns every pixel buffer; these functions only fill it. */
#ifndef IMAGE_CODECS_H
#define IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

/* Outcome of a call. Values are stable: the Swift side maps them to FailureClass. */
enum {
    IC_OK = 0,
    IC_TRUNCATED = 1,    /* the data ended before the image was complete */
    IC_CORRUPT = 2,      /* the bytes contradict the format (bad CRC, bad marker, bad Huffman code) */
    IC_UNSUPPORTED = 3,  /* a valid variant the library was not built for (12-bit, lossless JPEG) */
    IC_TOO_LARGE = 4,    /* width x height exceeds the caller's pixel cap */
    IC_NO_MEMORY = 5
};

typedef struct {
    int status;
    char message[240];   /* the library's own words, NUL-terminated */
} ic_error;

/* What the file header says, before any pixel buffer exists. */
typedef struct {
    uint32_t width, height;      /* as stored, before EXIF orientation */
    int channels;                /* channels in the file: 1 gray/palette, 2 gray+alpha, 3, 4 */
    int bit_depth;               /* bits per sample (PNG 1/2/4/8/16; JPEG 8) */
    int color_type;              /* PNG colour type, or libjpeg J_COLOR_SPACE of the stream */
    int interlaced;              /* PNG Adam7, or progressive JPEG */
    int has_transparency;        /* PNG tRNS chunk or alpha channel */
    int arithmetic;              /* JPEG arithmetic coding */
    int restart_interval;        /* JPEG restart interval in MCUs (0 = none) */
    int adobe_transform;         /* JPEG Adobe APP14 transform, -1 when the marker is absent */
    int max_h_samp, max_v_samp;  /* JPEG luma sampling factors (chroma subsampling) */
    int output_channels;         /* PNG: 3 (RGB) or 4 (RGBA) after expansion; JPEG: set by start */
} ic_info;

/* ---- PNG: open (header + transforms to 8-bit RGB/RGBA), read, close ---- */
typedef struct ic_png_decoder ic_png_decoder;

/* Returns NULL and fills err when the header is unusable or width*height > max_pixels
 * (then info still holds the header's size). */
ic_png_decoder *ic_png_open(const uint8_t *data, size_t size, uint64_t max_pixels, ic_info *info, ic_error *err);
/* Fills out (height rows of width*output_channels bytes). Returns IC_OK or an error status. */
int ic_png_read(ic_png_decoder *decoder, uint8_t *out, ic_error *err);
/* The eXIf chunk (raw TIFF data) if present, valid until close; length 0 when absent. */
const uint8_t *ic_png_exif(ic_png_decoder *decoder, uint32_t *length);
int ic_png_warnings(const ic_png_decoder *decoder);
void ic_png_close(ic_png_decoder *decoder);

/* ---- JPEG: open (header), start (scale, colour space), read, close ---- */
typedef struct ic_jpeg_decoder ic_jpeg_decoder;

ic_jpeg_decoder *ic_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels, ic_info *info, ic_error *err);
/* Picks the output colour space (RGB, or CMYK for CMYK/YCCK streams) and DCT scale 1/denom
 * (denom 1, 2, 4 or 8) and starts decompression. Writes the output size and channels. */
int ic_jpeg_start(ic_jpeg_decoder *decoder, int scale_denom, int fast_upsampling,
                  uint32_t *out_width, uint32_t *out_height, int *out_channels, ic_error *err);
/* Reads every scanline into out (rows of out_width*out_channels bytes). A stream that ends
 * before the last scanline is IC_TRUNCATED even though libjpeg only warns about it. */
int ic_jpeg_read(ic_jpeg_decoder *decoder, uint8_t *out, ic_error *err);
/* The first APP1 "Exif\0\0" payload (TIFF data after the 6-byte prefix); length 0 when absent. */
const uint8_t *ic_jpeg_exif(ic_jpeg_decoder *decoder, uint32_t *length);
/* Warnings libjpeg emitted so far, and the first one's text. */
int ic_jpeg_warnings(const ic_jpeg_decoder *decoder, char *first, size_t first_size);
void ic_jpeg_close(ic_jpeg_decoder *decoder);

#endif
