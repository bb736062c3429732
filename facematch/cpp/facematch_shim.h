/* A C ABI over dlib's HOG face detector, 5-point shape predictor and ResNet face recognition
 * model, for the Rust crate shimin-facematch (src/ffi.rs mirrors this file).
 *
 * Every function catches every C++ exception and returns an FM_ERR_* code instead; nothing
 * unwinds across this boundary. A handle is not thread-safe (dlib's detector and network keep
 * scratch state): the caller serialises calls on one handle. Moving a handle to another thread
 * is fine. Images are 8-bit RGB, rows `stride` bytes apart, `len` bytes in all. */
#ifndef SHIMIN_FACEMATCH_SHIM_H
#define SHIMIN_FACEMATCH_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FM_OK = 0,
    /* A null pointer, an empty or inconsistent image, an empty face box, a short output buffer. */
    FM_ERR_ARGUMENT = 1,
    /* A model file could not be opened or read. */
    FM_ERR_MODEL = 2,
    /* dlib threw while computing. */
    FM_ERR_COMPUTE = 3,
    /* std::bad_alloc. */
    FM_ERR_OUT_OF_MEMORY = 4,
    /* Something that is not a std::exception was thrown. */
    FM_ERR_UNKNOWN = 5
};

/* Length of a face descriptor. */
#define FM_DESCRIPTOR_LEN 128

typedef struct fm_matcher fm_matcher;

/* A face box in pixels, dlib's convention: right and bottom are inclusive. */
typedef struct fm_rect {
    int64_t left;
    int64_t top;
    int64_t right;
    int64_t bottom;
    /* Detector confidence (0 for a box given by the caller). */
    double score;
} fm_rect;

/* Loads both models. On success *out owns a handle to free with fm_free. On failure a message
 * (NUL-terminated, truncated to err_len) is written to err when err is not null. */
int fm_load(const char *shape_predictor_path, const char *recognition_model_path, fm_matcher **out,
            char *err, size_t err_len);

/* Runs the HOG frontal face detector after `upsample` doublings of the image (0..=2). Writes up
 * to `cap` boxes to `out` (in image coordinates, in detector order) and the number found to
 * *found, which may exceed cap. */
int fm_detect(fm_matcher *m, const uint8_t *rgb, size_t len, uint32_t width, uint32_t height,
              size_t stride, uint32_t upsample, fm_rect *out, size_t cap, size_t *found, char *err,
              size_t err_len);

/* The 128-d descriptor of the face in `face`: 5 landmarks by the shape predictor, a 150x150 chip
 * aligned on them with padding 0.25, then the ResNet. `out` holds `out_len` floats (at least
 * FM_DESCRIPTOR_LEN). */
int fm_descriptor(fm_matcher *m, const uint8_t *rgb, size_t len, uint32_t width, uint32_t height,
                  size_t stride, const fm_rect *face, float *out, size_t out_len, char *err,
                  size_t err_len);

/* Frees a handle from fm_load; null is ignored. */
void fm_free(fm_matcher *m);

#ifdef __cplusplus
}
#endif

#endif
