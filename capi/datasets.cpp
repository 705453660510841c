#include "datasets.hpp"

#include <string>

#include "boundary.hpp"
#include "validate.hpp"

using swf::capi::guarded;

extern "C" {

const char* swf_dataset_names(void) { return swf::kDatasetNames; }

swf_status swf_dataset_generate(const char* name, size_t n, size_t d, uint64_t seed, float* out) {
  return guarded(__func__, [&] {
    swf::capi::require_not_null(name, "name");
    swf::capi::require_not_null(out, "out");
    bool planar = false;
    if (!swf::dataset_known(name, &planar))
      swf::fail(SWF_ERR_INVALID_ARGUMENT,
                "unknown dataset \"" + std::string(name) + "\" (built-ins: " + swf::kDatasetNames + ")");
    swf::capi::require_count(n, d, "n");
    if (planar && d != 2)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "dataset " + std::string(name) + " is 2-D, but d = " + std::to_string(d));
    swf::generate_dataset(name, n, d, seed, out);
  });
}

}  // extern "C"
