/* libjpeg(-turbo) behind status codes. libjpeg's error_exit must not return; ours longjmps back
 * to the entry point of the current call. Warnings are counted, and "Premature end of JPEG
 * file" (JWRN_JPEG_EOF) is remembered with the phase it happened in, so that a truncated file
 * can be rejected while harmless warnings (extraneous bytes before a marker) still decode.
 *
 * Truncated = the data ran out while the header was read, while a multi-scan (progressive)
 * stream was absorbed, or while scanlines were decoded and either the Huffman decoder then lacked
 * bits it needed (JWRN_HIT_MARKER) or the stream is arithmetic-coded (that decoder reads no
 * further than it needs and does not warn about missing bits). A Huffman-coded single-scan file
 * missing only its EOI marker has every pixel's data; the decoder's read-ahead reaches the end,
 * but no bit is missing: it decodes, with a warning. */
#include "image_codecs.h"

#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

enum { PHASE_HEADER, PHASE_START, PHASE_PIXELS, PHASE_FINISH };

struct ic_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int phase;
    int eof_before_finish;   /* the data ran out before the image was complete */
    int eof_phase;           /* the phase of the first such end of data */
    int hit_marker;          /* the entropy decoder needed bits that were not there */
    int warnings;
    char first_warning[JMSG_LENGTH_MAX];
};

struct ic_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct ic_jpeg_error jerr;
    int created;
};

/* Whether pixel data was missing (see the rule at the top of this file). */
static int ic_jpeg_truncated(const struct ic_jpeg_decoder *d) {
    const struct ic_jpeg_error *e = &d->jerr;
    return e->eof_before_finish && (e->eof_phase != PHASE_PIXELS || e->hit_marker || d->cinfo.arith_code);
}

static void ic_jpeg_error_exit(j_common_ptr c) {
    longjmp(((struct ic_jpeg_error *)c->err)->jump, 1);
}

static void ic_jpeg_emit_message(j_common_ptr c, int level) {
    struct ic_jpeg_error *e = (struct ic_jpeg_error *)c->err;
    if (level >= 0) return;  /* trace messages */
    if (e->pub.msg_code == JWRN_JPEG_EOF && e->phase != PHASE_FINISH && !e->eof_before_finish) {
        e->eof_before_finish = 1;
        e->eof_phase = e->phase;
    }
    if (e->pub.msg_code == JWRN_HIT_MARKER) e->hit_marker = 1;
    if (e->warnings++ == 0) (*c->err->format_message)(c, e->first_warning);
}

static void ic_jpeg_output_message(j_common_ptr c) { (void)c; }  /* the default prints to stderr */

/* Status of a fatal libjpeg error: truncation wins, then the codes that name a valid variant
 * this build cannot read; everything else contradicts the format. */
static int ic_jpeg_fail(struct ic_jpeg_decoder *d, ic_error *err) {
    char text[JMSG_LENGTH_MAX];
    (*d->cinfo.err->format_message)((j_common_ptr)&d->cinfo, text);
    int code = d->jerr.pub.msg_code;
    if (d->jerr.eof_before_finish) err->status = IC_TRUNCATED;
    else if (code == JERR_INPUT_EMPTY) err->status = IC_TRUNCATED;
    else if (code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED || code == JERR_SOF_UNSUPPORTED ||
             code == JERR_CONVERSION_NOTIMPL || code == JERR_NOTIMPL) err->status = IC_UNSUPPORTED;
    else if (code == JERR_OUT_OF_MEMORY) err->status = IC_NO_MEMORY;
    else err->status = IC_CORRUPT;
    if (d->jerr.eof_before_finish && code != JWRN_JPEG_EOF)
        snprintf(err->message, sizeof err->message, "Premature end of JPEG file, then: %s", text);
    else
        snprintf(err->message, sizeof err->message, "%s", text);
    return err->status;
}

static void ic_set(ic_error *err, int status, const char *message) {
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s", message);
}

ic_jpeg_decoder *ic_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels, ic_info *info, ic_error *err) {
    memset(info, 0, sizeof *info);
    info->adobe_transform = -1;
    ic_set(err, IC_OK, "");
    struct ic_jpeg_decoder *d = calloc(1, sizeof *d);
    if (!d) { ic_set(err, IC_NO_MEMORY, "out of memory"); return NULL; }
    d->cinfo.err = jpeg_std_error(&d->jerr.pub);
    d->jerr.pub.error_exit = ic_jpeg_error_exit;
    d->jerr.pub.emit_message = ic_jpeg_emit_message;
    d->jerr.pub.output_message = ic_jpeg_output_message;
    d->jerr.phase = PHASE_HEADER;
    if (setjmp(d->jerr.jump)) {
        ic_jpeg_fail(d, err);
        ic_jpeg_close(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    d->created = 1;
    jpeg_save_markers(&d->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_mem_src(&d->cinfo, data, (unsigned long)size);
    if (jpeg_read_header(&d->cinfo, TRUE) != JPEG_HEADER_OK) {
        ic_set(err, IC_CORRUPT, "JPEG datastream contains no image");
        ic_jpeg_close(d);
        return NULL;
    }
    struct jpeg_decompress_struct *c = &d->cinfo;
    info->width = c->image_width;
    info->height = c->image_height;
    info->channels = c->num_components;
    info->bit_depth = c->data_precision;
    info->color_type = c->jpeg_color_space;
    info->interlaced = c->progressive_mode;
    info->arithmetic = c->arith_code;
    info->restart_interval = c->restart_interval;
    info->adobe_transform = c->saw_Adobe_marker ? c->Adobe_transform : -1;
    info->max_h_samp = c->max_h_samp_factor;
    info->max_v_samp = c->max_v_samp_factor;
    if (d->jerr.eof_before_finish) {
        ic_set(err, IC_TRUNCATED, "Premature end of JPEG file");
        ic_jpeg_close(d);
        return NULL;
    }
    if ((uint64_t)c->image_width * c->image_height > max_pixels) {
        ic_set(err, IC_TOO_LARGE, "width x height exceeds the pixel cap");
        ic_jpeg_close(d);
        return NULL;
    }
    return d;
}

int ic_jpeg_start(ic_jpeg_decoder *d, int scale_denom, int fast_upsampling,
                  uint32_t *out_width, uint32_t *out_height, int *out_channels, ic_error *err) {
    ic_set(err, IC_OK, "");
    if (setjmp(d->jerr.jump)) return ic_jpeg_fail(d, err);
    struct jpeg_decompress_struct *c = &d->cinfo;
    int four = c->jpeg_color_space == JCS_CMYK || c->jpeg_color_space == JCS_YCCK;
    c->out_color_space = four ? JCS_CMYK : JCS_RGB;
    c->scale_num = 1;
    c->scale_denom = scale_denom;
    c->dct_method = JDCT_ISLOW;
    c->do_fancy_upsampling = fast_upsampling ? FALSE : TRUE;
    d->jerr.phase = PHASE_START;
    /* For progressive and multi-scan files this consumes the whole stream. */
    jpeg_start_decompress(c);
    if (ic_jpeg_truncated(d)) {
        ic_set(err, IC_TRUNCATED, "Premature end of JPEG file");
        return err->status;
    }
    d->jerr.phase = PHASE_PIXELS;
    *out_width = c->output_width;
    *out_height = c->output_height;
    *out_channels = c->output_components;
    return IC_OK;
}

int ic_jpeg_read(ic_jpeg_decoder *d, uint8_t *out, ic_error *err) {
    ic_set(err, IC_OK, "");
    if (setjmp(d->jerr.jump)) return ic_jpeg_fail(d, err);
    struct jpeg_decompress_struct *c = &d->cinfo;
    size_t stride = (size_t)c->output_width * c->output_components;
    JSAMPROW rows[16];
    while (c->output_scanline < c->output_height) {
        JDIMENSION n = c->output_height - c->output_scanline;
        if (n > 16) n = 16;
        for (JDIMENSION i = 0; i < n; i++) rows[i] = out + (size_t)(c->output_scanline + i) * stride;
        jpeg_read_scanlines(c, rows, n);
    }
    d->jerr.phase = PHASE_FINISH;
    /* Once every scanline is in, a missing EOI or trailing garbage only warns. */
    if (ic_jpeg_truncated(d)) {
        ic_set(err, IC_TRUNCATED, "Premature end of JPEG file");
        return err->status;
    }
    if (setjmp(d->jerr.jump)) { d->jerr.warnings++; return IC_OK; }
    jpeg_finish_decompress(c);
    return IC_OK;
}

const uint8_t *ic_jpeg_exif(ic_jpeg_decoder *d, uint32_t *length) {
    *length = 0;
    for (jpeg_saved_marker_ptr m = d->cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            *length = m->data_length - 6;
            return m->data + 6;
        }
    }
    return NULL;
}

int ic_jpeg_warnings(const ic_jpeg_decoder *d, char *first, size_t first_size) {
    if (first && first_size) snprintf(first, first_size, "%s", d->jerr.first_warning);
    return d->jerr.warnings;
}

void ic_jpeg_close(ic_jpeg_decoder *d) {
    if (!d) return;
    if (d->created) jpeg_destroy_decompress(&d->cinfo);
    free(d);
}
