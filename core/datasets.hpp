// The built-in datasets of swf-run (design section 5), drawn from the counter-based generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace swf {

extern const char* const kDatasetNames;

// True when `name` is a built-in; `two_dimensional` tells whether it requires d = 2.
bool dataset_known(const std::string& name, bool* two_dimensional);

// out (n x d) <- n samples of `name`. Arguments are checked by the caller.
void generate_dataset(const std::string& name, size_t n, size_t d, uint64_t seed, float* out);

}  // namespace swf
