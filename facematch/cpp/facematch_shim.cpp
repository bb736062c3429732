// See facematch_shim.h. The network definition is dlib's, from examples/dnn_face_recognition_ex.cpp
// (the layout dlib_face_recognition_resnet_model_v1.dat was trained and serialised with).

#include "facematch_shim.h"

#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

using namespace dlib;

namespace {

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;

template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = loss_metric<fc_no_bias<
    128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<
             max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

// Side of the aligned face chip and the padding around the landmarks, as dlib's Python
// `compute_face_descriptor` uses them for this model.
constexpr unsigned long kChipSize = 150;
constexpr double kChipPadding = 0.25;
constexpr uint32_t kMaxUpsample = 2;

void set_error(char *err, size_t err_len, const char *message) {
    if (err == nullptr || err_len == 0) return;
    size_t n = std::strlen(message);
    if (n >= err_len) n = err_len - 1;
    std::memcpy(err, message, n);
    err[n] = '\0';
}

// Runs `body`, turning any exception into an error code and a message.
template <typename F> int guarded(char *err, size_t err_len, int compute_code, F &&body) {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        set_error(err, err_len, "out of memory");
        return FM_ERR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        set_error(err, err_len, e.what());
        return compute_code;
    } catch (...) {
        set_error(err, err_len, "unknown C++ exception");
        return FM_ERR_UNKNOWN;
    }
}

// The buffer holds `height` rows of `width` RGB pixels, `stride` bytes apart, without overflow.
bool image_ok(const uint8_t *rgb, size_t len, uint32_t width, uint32_t height, size_t stride) {
    if (rgb == nullptr || width == 0 || height == 0) return false;
    const size_t row = static_cast<size_t>(width) * 3;
    if (stride < row) return false;
    const size_t rows_before_last = static_cast<size_t>(height) - 1;
    if (rows_before_last != 0 && stride > (SIZE_MAX - row) / rows_before_last) return false;
    return len >= rows_before_last * stride + row;
}

matrix<rgb_pixel> to_dlib(const uint8_t *rgb, uint32_t width, uint32_t height, size_t stride) {
    matrix<rgb_pixel> img(static_cast<long>(height), static_cast<long>(width));
    for (uint32_t y = 0; y < height; ++y) {
        const uint8_t *p = rgb + static_cast<size_t>(y) * stride;
        for (uint32_t x = 0; x < width; ++x, p += 3) {
            img(static_cast<long>(y), static_cast<long>(x)) = rgb_pixel(p[0], p[1], p[2]);
        }
    }
    return img;
}

} // namespace

struct fm_matcher {
    frontal_face_detector detector = get_frontal_face_detector();
    shape_predictor landmarks;
    anet_type net;
};

extern "C" int fm_load(const char *shape_predictor_path, const char *recognition_model_path,
                       fm_matcher **out, char *err, size_t err_len) {
    if (out == nullptr || shape_predictor_path == nullptr || recognition_model_path == nullptr) {
        set_error(err, err_len, "null argument");
        return FM_ERR_ARGUMENT;
    }
    *out = nullptr;
    return guarded(err, err_len, FM_ERR_MODEL, [&]() {
        std::unique_ptr<fm_matcher> m(new fm_matcher());
        deserialize(shape_predictor_path) >> m->landmarks;
        if (m->landmarks.num_parts() != 5) {
            set_error(err, err_len, "the shape predictor does not give 5 landmarks");
            return static_cast<int>(FM_ERR_MODEL);
        }
        deserialize(recognition_model_path) >> m->net;
        *out = m.release();
        return static_cast<int>(FM_OK);
    });
}

extern "C" int fm_detect(fm_matcher *m, const uint8_t *rgb, size_t len, uint32_t width, uint32_t height,
                         size_t stride, uint32_t upsample, fm_rect *out, size_t cap, size_t *found,
                         char *err, size_t err_len) {
    if (m == nullptr || found == nullptr || (out == nullptr && cap != 0) || upsample > kMaxUpsample ||
        !image_ok(rgb, len, width, height, stride)) {
        set_error(err, err_len, "invalid argument");
        return FM_ERR_ARGUMENT;
    }
    *found = 0;
    return guarded(err, err_len, FM_ERR_COMPUTE, [&]() {
        // The detector works on intensity; convert once, then double as asked.
        array2d<unsigned char> gray;
        assign_image(gray, to_dlib(rgb, width, height, stride));
        pyramid_down<2> pyramid;
        for (uint32_t i = 0; i < upsample; ++i) pyramid_up(gray, pyramid);
        std::vector<rect_detection> detections;
        m->detector(gray, detections);
        const size_t n = std::min(cap, detections.size());
        for (size_t i = 0; i < n; ++i) {
            const rectangle r = pyramid.rect_down(detections[i].rect, upsample);
            out[i] = fm_rect{r.left(), r.top(), r.right(), r.bottom(), detections[i].detection_confidence};
        }
        *found = detections.size();
        return static_cast<int>(FM_OK);
    });
}

extern "C" int fm_descriptor(fm_matcher *m, const uint8_t *rgb, size_t len, uint32_t width,
                             uint32_t height, size_t stride, const fm_rect *face, float *out,
                             size_t out_len, char *err, size_t err_len) {
    if (m == nullptr || face == nullptr || out == nullptr || out_len < FM_DESCRIPTOR_LEN ||
        face->right < face->left || face->bottom < face->top || !image_ok(rgb, len, width, height, stride)) {
        set_error(err, err_len, "invalid argument");
        return FM_ERR_ARGUMENT;
    }
    return guarded(err, err_len, FM_ERR_COMPUTE, [&]() {
        const matrix<rgb_pixel> img = to_dlib(rgb, width, height, stride);
        const rectangle box(face->left, face->top, face->right, face->bottom);
        const full_object_detection shape = m->landmarks(img, box);
        matrix<rgb_pixel> chip;
        extract_image_chip(img, get_face_chip_details(shape, kChipSize, kChipPadding), chip);
        const matrix<float, 0, 1> descriptor = m->net(chip);
        if (descriptor.size() != FM_DESCRIPTOR_LEN) {
            set_error(err, err_len, "the network did not give a 128-d descriptor");
            return static_cast<int>(FM_ERR_COMPUTE);
        }
        for (long i = 0; i < descriptor.size(); ++i) out[i] = descriptor(i);
        return static_cast<int>(FM_OK);
    });
}

extern "C" void fm_free(fm_matcher *m) {
    // Destructors of dlib's objects do not throw; the guard is for certainty.
    try {
        delete m;
    } catch (...) {
    }
}
