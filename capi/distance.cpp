#include <cmath>
#include <string>

#include "boundary.hpp"
#include "handles.hpp"
#include "sliced_wasserstein.hpp"
#include "validate.hpp"

using swf::capi::guarded;
using swf::capi::require_count;
using swf::capi::require_finite;
using swf::capi::require_not_null;

extern "C" {

swf_status swf_sliced_wasserstein(swf_context ctx, const float* x, size_t n, const float* y, size_t m, size_t d,
                                  const float* theta, uint32_t L, double p, double* out) {
  return guarded(__func__, [&] {
    require_not_null(ctx, "ctx");
    require_not_null(x, "x");
    require_not_null(y, "y");
    require_not_null(out, "out");
    require_count(n, d, "n");
    require_count(m, d, "m");
    if (L == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "L is 0: at least one direction");
    require_count(L, d, "L");
    if (!(std::isfinite(p) && p >= 1.0))
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "p is " + std::to_string(p) + ": must be finite and >= 1");
    require_finite(x, n, d, "x");
    require_finite(y, m, d, "y");
    if (theta) require_finite(theta, L, d, "theta");

    swf::Backend& backend = *ctx->backend;
    swf::Buffer<float> x_device(&backend), y_device(&backend), theta_device(&backend, size_t{L} * d);
    x_device.upload(x, n * d);
    y_device.upload(y, m * d);
    if (theta)
      theta_device.upload(theta, size_t{L} * d);
    else
      backend.draw_directions(SWF_DIRECTIONS_GAUSSIAN,
                              swf::RandomDraw{ctx->seed, swf::Stream::context, ctx->distance_draws++}, L, d,
                              theta_device.data());
    *out = swf::sliced_wasserstein(backend, x_device.data(), n, y_device.data(), m, d, theta_device.data(), L, p);
  });
}

}  // extern "C"
