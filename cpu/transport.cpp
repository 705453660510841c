#include "transport.hpp"

namespace swf::cpu {

void prefix_sums(const float* sorted_target, size_t m, double* prefix) {
  double running = 0.0;
  prefix[0] = 0.0;
  for (size_t j = 0; j < m; ++j) {
    running += sorted_target[j];
    prefix[j + 1] = running;
  }
}

}  // namespace swf::cpu
