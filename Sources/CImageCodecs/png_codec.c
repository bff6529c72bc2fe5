/* libpng behind status codes. libpng reports errors by calling an error function that must not
 * return; ours longjmps back to the entry point of the current call, which turns it into a status. */
#include "image_codecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ic_png_decoder {
    png_structp png;
    png_infop info;
    jmp_buf jump;
    const uint8_t *data;
    size_t size, offset;
    int hit_end;          /* a read went past the last byte: the file is truncated */
    int warnings;
    uint32_t width, height;
    png_bytep *rows;
    ic_error *err;        /* where the current call reports */
};

static void ic_png_error_fn(png_structp png, png_const_charp message) {
    struct ic_png_decoder *d = png_get_error_ptr(png);
    if (d->err) {
        d->err->status = d->hit_end ? IC_TRUNCATED : IC_CORRUPT;
        snprintf(d->err->message, sizeof d->err->message, "%s", message);
    }
    longjmp(d->jump, 1);
}

static void ic_png_warning_fn(png_structp png, png_const_charp message) {
    (void)message;  /* benign: CRC errors in ancillary chunks, bad sRGB/iCCP data, ... */
    struct ic_png_decoder *d = png_get_error_ptr(png);
    d->warnings++;
}

static void ic_png_read_fn(png_structp png, png_bytep out, size_t n) {
    struct ic_png_decoder *d = png_get_io_ptr(png);
    if (n > d->size - d->offset) {
        d->hit_end = 1;
        png_error(png, "the file ends before the PNG data is complete");
    }
    memcpy(out, d->data + d->offset, n);
    d->offset += n;
}

static void ic_set(ic_error *err, int status, const char *message) {
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s", message);
}

ic_png_decoder *ic_png_open(const uint8_t *data, size_t size, uint64_t max_pixels, ic_info *info, ic_error *err) {
    memset(info, 0, sizeof *info);
    info->adobe_transform = -1;
    ic_set(err, IC_OK, "");
    struct ic_png_decoder *d = calloc(1, sizeof *d);
    if (!d) { ic_set(err, IC_NO_MEMORY, "out of memory"); return NULL; }
    d->data = data; d->size = size; d->err = err;
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, ic_png_error_fn, ic_png_warning_fn);
    if (!d->png) { free(d); ic_set(err, IC_NO_MEMORY, "png_create_read_struct failed"); return NULL; }
    d->info = png_create_info_struct(d->png);
    if (!d->info || setjmp(d->jump)) {
        if (!d->info) ic_set(err, IC_NO_MEMORY, "png_create_info_struct failed");
        ic_png_close(d);
        return NULL;
    }
    png_set_read_fn(d->png, d, ic_png_read_fn);
    /* The caller's pixel cap decides, not libpng's default 1,000,000 x 1,000,000 limit. */
    png_set_user_limits(d->png, 0x7fffffff, 0x7fffffff);
    png_read_info(d->png, d->info);

    int color_type = png_get_color_type(d->png, d->info);
    int bit_depth = png_get_bit_depth(d->png, d->info);
    d->width = png_get_image_width(d->png, d->info);
    d->height = png_get_image_height(d->png, d->info);
    info->width = d->width;
    info->height = d->height;
    info->channels = png_get_channels(d->png, d->info);
    info->bit_depth = bit_depth;
    info->color_type = color_type;
    info->interlaced = png_get_interlace_type(d->png, d->info) != PNG_INTERLACE_NONE;
    int has_trns = png_get_valid(d->png, d->info, PNG_INFO_tRNS) != 0;
    info->has_transparency = has_trns || (color_type & PNG_COLOR_MASK_ALPHA) != 0;
    if ((uint64_t)d->width * d->height > max_pixels) {
        ic_set(err, IC_TOO_LARGE, "width x height exceeds the pixel cap");
        ic_png_close(d);
        return NULL;
    }

    /* Everything becomes 8-bit RGB or RGBA. Gamma (gAMA, sRGB, iCCP) is ignored, as Pillow does;
     * 16-bit samples keep their high byte (Pillow's "RGB;16B" unpacking). */
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(d->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(d->png);
    if (has_trns) png_set_tRNS_to_alpha(d->png);
    if (bit_depth == 16) png_set_strip_16(d->png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(d->png);
    png_set_interlace_handling(d->png);
    png_read_update_info(d->png, d->info);
    info->output_channels = png_get_channels(d->png, d->info);
    if (png_get_rowbytes(d->png, d->info) != (size_t)d->width * info->output_channels) {
        ic_set(err, IC_UNSUPPORTED, "unexpected row layout after conversion to 8-bit RGB");
        ic_png_close(d);
        return NULL;
    }
    d->err = NULL;
    return d;
}

int ic_png_read(ic_png_decoder *d, uint8_t *out, ic_error *err) {
    ic_set(err, IC_OK, "");
    d->err = err;
    if (setjmp(d->jump)) { d->err = NULL; return err->status; }
    size_t stride = png_get_rowbytes(d->png, d->info);
    d->rows = malloc(sizeof(png_bytep) * (d->height ? d->height : 1));
    if (!d->rows) { ic_set(err, IC_NO_MEMORY, "out of memory for row pointers"); return err->status; }
    for (uint32_t y = 0; y < d->height; y++) d->rows[y] = out + (size_t)y * stride;
    png_read_image(d->png, d->rows);
    /* Every row is in and its chunks' CRCs verified. Problems in the chunks after the image
     * data (a missing IEND, a damaged tEXt) do not change the pixels, so they only warn. */
    if (setjmp(d->jump)) { d->warnings++; ic_set(err, IC_OK, ""); d->err = NULL; return IC_OK; }
    png_read_end(d->png, d->info);
    d->err = NULL;
    return IC_OK;
}

const uint8_t *ic_png_exif(ic_png_decoder *d, uint32_t *length) {
    png_bytep exif = NULL;
    png_uint_32 n = 0;
    *length = 0;
    d->err = NULL;
    if (setjmp(d->jump)) return NULL;
    if (png_get_eXIf_1(d->png, d->info, &n, &exif) && exif) { *length = n; return exif; }
    return NULL;
}

int ic_png_warnings(const ic_png_decoder *d) { return d->warnings; }

void ic_png_close(ic_png_decoder *d) {
    if (!d) return;
    if (d->png) png_destroy_read_struct(&d->png, d->info ? &d->info : NULL, NULL);
    free(d->rows);
    free(d);
}
