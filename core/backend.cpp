#include "backend.hpp"

#include "error.hpp"

namespace swf {

namespace {
[[noreturn]] void no_mlp_kernels(const char* operation) {
  fail(SWF_ERR_UNSUPPORTED, std::string("the learned flow's ") + operation + " has no kernel on this backend yet");
}
[[noreturn]] void no_jko_kernels(const char* operation) {
  fail(SWF_ERR_UNSUPPORTED, std::string("SW-JKO's ") + operation + " has no kernel on this backend yet");
}
}  // namespace

void Backend::gemm(bool, bool, size_t, size_t, size_t, float, const float*, const float*, float, float*) {
  no_mlp_kernels("GEMM");
}
void Backend::bias_activation(float*, const float*, size_t, size_t, MlpActivation, float*) {
  no_mlp_kernels("bias and activation");
}
void Backend::activation_backward(const float*, const float*, size_t, size_t, MlpActivation, float*) {
  no_mlp_kernels("activation backward pass");
}
void Backend::column_sums(const float*, size_t, size_t, bool, float*) { no_mlp_kernels("column sums"); }
void Backend::time_features(const float*, const float*, size_t, size_t, uint32_t, float, float*) {
  no_mlp_kernels("time features");
}
void Backend::time_gate(const float*, const float*, const float*, size_t, size_t, float, float*) {
  no_mlp_kernels("time gate");
}
double Backend::regression_gradient(const float*, const float*, const float*, size_t, size_t, float, float*) {
  no_mlp_kernels("regression gradient");
}
void Backend::adam_update(float*, const float*, float*, float*, size_t, const AdamParams&, uint64_t) {
  no_mlp_kernels("Adam update");
}
void Backend::potential_gradient(const float*, size_t, size_t, const float*, const float*, float, float*, double*) {
  no_jko_kernels("potential energy gradient");
}
void Backend::interaction_gradient(const float*, size_t, size_t, float, float, float, float*, double*) {
  no_jko_kernels("interaction energy gradient");
}
void Backend::entropy_gradient(const float*, size_t, size_t, float, float, float*, double*) {
  no_jko_kernels("entropy gradient");
}
void Backend::neighbour_entropy_gradient(const float*, size_t, size_t, uint32_t, float, float*, double*) {
  no_jko_kernels("nearest-neighbour entropy gradient");
}

}  // namespace swf
