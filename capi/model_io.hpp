// Saving an MLP as a model file (swf_model_save's format), for swf_model_save and swf_jko_save_generator.
#pragma once

#include <cstdint>
#include <string>

#include "mlp.hpp"

namespace swf::capi {

void save_mlp(const Mlp& mlp, uint64_t seed, const std::string& training, const char* path);

}  // namespace swf::capi
