#include <string>

#include "backend_factory.hpp"
#include "boundary.hpp"
#include "handles.hpp"
#include "validate.hpp"

using swf::capi::guarded;

namespace {

std::shared_ptr<swf::Backend> choose_backend(swf_backend backend) {
  switch (backend) {
    case SWF_BACKEND_CPU: return swf::make_cpu_backend();
    case SWF_BACKEND_CUDA: return swf::make_cuda_backend();
    case SWF_BACKEND_AUTO:
      if (swf::cuda_device_count(nullptr) > 0) {
        try {
          return swf::make_cuda_backend();
        } catch (const swf::Error& error) {
          // A device that this build cannot serve is not a reason to fail AUTO: fall back on the CPU.
          if (error.status() != SWF_ERR_UNSUPPORTED && error.status() != SWF_ERR_NO_DEVICE) throw;
        }
      }
      return swf::make_cpu_backend();
    default:
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "unknown backend " + std::to_string(static_cast<int>(backend)) +
                                              " (expected SWF_BACKEND_AUTO, _CPU or _CUDA)");
  }
}

}  // namespace

extern "C" {

swf_status swf_context_create(swf_backend backend, uint64_t seed, swf_context* out) {
  return guarded(__func__, [&] {
    swf::capi::require_not_null(out, "out");
    *out = nullptr;
    auto context = std::make_unique<swf_context_s>();
    context->backend = choose_backend(backend);
    context->seed = seed;
    *out = context.release();
  });
}

swf_status swf_context_backend(swf_context ctx, swf_backend* out) {
  return guarded(__func__, [&] {
    swf::capi::require_not_null(ctx, "ctx");
    swf::capi::require_not_null(out, "out");
    *out = ctx->backend->kind();
  });
}

swf_status swf_context_describe(swf_context ctx, char* text, size_t capacity, size_t* length) {
  return guarded(__func__, [&] {
    swf::capi::require_not_null(ctx, "ctx");
    swf::capi::require_not_null(length, "length");
    swf::capi::copy_text(ctx->backend->describe(), text, capacity, length);
  });
}

swf_status swf_context_set_tf32(swf_context ctx, int enabled) {
  return guarded(__func__, [&] {
    swf::capi::require_not_null(ctx, "ctx");
    ctx->backend->set_tf32(enabled != 0);
  });
}

void swf_context_destroy(swf_context ctx) { delete ctx; }

}  // extern "C"
