// What the opaque handles of swflow.h point to.
#pragma once

#include <cstdint>
#include <memory>

#include "backend.hpp"
#include "flow.hpp"
#include "jko.hpp"

struct swf_context_s {
  std::shared_ptr<swf::Backend> backend;
  uint64_t seed = 0;
  uint64_t distance_draws = 0;  // fresh-direction draws of swf_sliced_wasserstein
};

struct swf_flow_s {
  std::unique_ptr<swf::Flow> flow;
};

struct swf_jko_s {
  std::unique_ptr<swf::Jko> jko;
};

namespace swf::capi {
// swf_jko_create's checks of its parameters (capi/jko.cpp), also those a resumed trajectory's attributes make.
JkoParams checked_jko_params(const swf_jko_params* p, size_t d);
}  // namespace swf::capi
