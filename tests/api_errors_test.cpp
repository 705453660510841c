// Bad input to every call: the right status, a message naming the problem, no crash, nothing changed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>

#include "api_handles.hpp"
#include "reference.hpp"

namespace swf::test {
namespace {

#define EXPECT_REJECTED(call, status, fragment)                                                    \
  do {                                                                                             \
    EXPECT_EQ((call), (status)) << #call;                                                          \
    EXPECT_NE(std::string(swf_last_error()).find(fragment), std::string::npos)                     \
        << #call << " gave the message \"" << swf_last_error() << "\", expected it to mention \"" \
        << (fragment) << "\"";                                                                     \
  } while (0)

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

TEST(ApiErrors, Contexts) {
  swf_context ctx = reinterpret_cast<swf_context>(0x1);
  EXPECT_REJECTED(swf_context_create(SWF_BACKEND_CPU, 0, nullptr), SWF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT_REJECTED(swf_context_create(static_cast<swf_backend>(9), 0, &ctx), SWF_ERR_INVALID_ARGUMENT, "unknown backend");
  EXPECT_EQ(ctx, nullptr);
  swf_backend backend;
  EXPECT_REJECTED(swf_context_backend(nullptr, &backend), SWF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  size_t length = 0;
  EXPECT_REJECTED(swf_context_describe(nullptr, nullptr, 0, &length), SWF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  EXPECT_REJECTED(swf_context_set_tf32(nullptr, 1), SWF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  Context context;
  EXPECT_REJECTED(swf_context_describe(context.handle, nullptr, 0, nullptr), SWF_ERR_INVALID_ARGUMENT,
                  "length is NULL");
  swf_context_destroy(nullptr);
}

// swf_context_describe names the backend and follows the text convention of swf_file_parameter: the full
// length always, the text cut to the capacity and NUL-terminated.
TEST(ApiErrors, ContextDescriptionIsCutToTheCapacity) {
  Context context;
  size_t length = 0;
  ASSERT_EQ(swf_context_describe(context.handle, nullptr, 0, &length), SWF_OK) << swf_last_error();
  std::string text(length + 1, 'x');
  size_t again = 0;
  ASSERT_EQ(swf_context_describe(context.handle, text.data(), text.size(), &again), SWF_OK);
  EXPECT_EQ(again, length);
  EXPECT_EQ(text[length], '\0');
  EXPECT_EQ(text.rfind("cpu: ", 0), 0u) << text;
  EXPECT_NE(text.find("OpenMP threads"), std::string::npos) << text;
  char cut[6] = "zzzzz";
  ASSERT_EQ(swf_context_describe(context.handle, cut, 4, &again), SWF_OK);
  EXPECT_EQ(std::string(cut), "cpu");
  EXPECT_EQ(cut[4], 'z');  // nothing written past the capacity
  EXPECT_EQ(again, length);
}

TEST(ApiErrors, CudaWithoutADeviceIsNoDevice) {
  swf_context ctx = nullptr;
  const swf_status status = swf_context_create(SWF_BACKEND_CUDA, 0, &ctx);
  if (status == SWF_OK) {
    swf_context_destroy(ctx);
    GTEST_SKIP() << "a CUDA device answers here";
  }
  EXPECT_TRUE(status == SWF_ERR_NO_DEVICE || status == SWF_ERR_UNSUPPORTED) << swf_status_string(status);
  EXPECT_NE(std::string(swf_last_error()).find("SWF_BACKEND_CUDA"), std::string::npos) << swf_last_error();
  // AUTO never fails for want of a GPU.
  ASSERT_EQ(swf_context_create(SWF_BACKEND_AUTO, 0, &ctx), SWF_OK) << swf_last_error();
  swf_backend backend;
  ASSERT_EQ(swf_context_backend(ctx, &backend), SWF_OK);
  EXPECT_EQ(backend, SWF_BACKEND_CPU);
  swf_context_destroy(ctx);
}

TEST(ApiErrors, FlowCreate) {
  Context context;
  const std::vector<float> target = gaussian_points(10, 2, 1);
  swf_flow_params params = flow_params(4, 1.0f);
  swf_flow f = reinterpret_cast<swf_flow>(0x1);
  EXPECT_REJECTED(swf_flow_create(nullptr, &params, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  EXPECT_EQ(f, nullptr);
  EXPECT_REJECTED(swf_flow_create(context.handle, nullptr, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "params is NULL");
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, nullptr, 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "target is NULL");
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, target.data(), 10, 2, nullptr), SWF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, target.data(), 0, 2, &f), SWF_ERR_INVALID_ARGUMENT, "target count m is 0");
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, target.data(), 10, 0, &f), SWF_ERR_INVALID_ARGUMENT, "dimension d is 0");
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, target.data(), SIZE_MAX / 2, 3, &f), SWF_ERR_INVALID_ARGUMENT, "overflows");

  std::vector<float> bad = target;
  bad[7] = kNaN;
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, bad.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "row 3, column 1");
  bad[7] = -kInf;
  EXPECT_REJECTED(swf_flow_create(context.handle, &params, bad.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "non-finite");

  swf_flow_params p = params;
  p.num_directions = 0;
  EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "num_directions");
  for (float h : {0.0f, -1.0f, kNaN, kInf}) {
    p = params;
    p.step_size = h;
    EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "step_size");
  }
  for (float lambda : {-0.1f, kNaN, kInf}) {
    p = params;
    p.regularization = lambda;
    EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "regularization");
  }
  p = params;
  p.directions = static_cast<swf_directions>(7);
  EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "directions");
  p = params;
  p.velocity = static_cast<swf_velocity>(7);
  EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "velocity");
  p = params;
  p.struct_size = 4;
  EXPECT_REJECTED(swf_flow_create(context.handle, &p, target.data(), 10, 2, &f), SWF_ERR_INVALID_ARGUMENT, "struct_size");
  EXPECT_EQ(f, nullptr);
}

TEST(ApiErrors, FlowCalls) {
  Context context;
  const std::vector<float> target = gaussian_points(10, 2, 1);
  Flow flow(context, flow_params(4, 1.0f), target, 2);
  std::vector<float> out(20);
  double sw2;
  // Before any particles.
  EXPECT_REJECTED(swf_flow_step(flow.handle, 1), SWF_ERR_INVALID_ARGUMENT, "no particles yet");
  EXPECT_REJECTED(swf_flow_get_particles(flow.handle, out.data(), 10), SWF_ERR_INVALID_ARGUMENT, "no particles yet");
  EXPECT_REJECTED(swf_flow_distance(flow.handle, 8, &sw2), SWF_ERR_INVALID_ARGUMENT, "no particles yet");
  EXPECT_REJECTED(swf_flow_get_directions(flow.handle, out.data(), 4), SWF_ERR_INVALID_ARGUMENT, "no directions yet");
  // NULL handles.
  EXPECT_REJECTED(swf_flow_step(nullptr, 1), SWF_ERR_INVALID_ARGUMENT, "flow is NULL");
  EXPECT_REJECTED(swf_flow_info(nullptr, nullptr, nullptr, nullptr, nullptr), SWF_ERR_INVALID_ARGUMENT, "flow is NULL");
  EXPECT_REJECTED(swf_flow_init_particles(nullptr, 5, SWF_INIT_GAUSSIAN, 1.0f), SWF_ERR_INVALID_ARGUMENT, "flow is NULL");
  swf_flow_destroy(nullptr);
  // Particle initialisation.
  EXPECT_REJECTED(swf_flow_init_particles(flow.handle, 0, SWF_INIT_GAUSSIAN, 1.0f), SWF_ERR_INVALID_ARGUMENT, "particle count n is 0");
  EXPECT_REJECTED(swf_flow_init_particles(flow.handle, SIZE_MAX / 4, SWF_INIT_GAUSSIAN, 1.0f), SWF_ERR_INVALID_ARGUMENT, "overflows");
  EXPECT_REJECTED(swf_flow_init_particles(flow.handle, 5, static_cast<swf_init>(5), 1.0f), SWF_ERR_INVALID_ARGUMENT, "init");
  for (float scale : {0.0f, -1.0f, kNaN, kInf})
    EXPECT_REJECTED(swf_flow_init_particles(flow.handle, 5, SWF_INIT_GAUSSIAN, scale), SWF_ERR_INVALID_ARGUMENT, "scale");
  EXPECT_REJECTED(swf_flow_set_particles(flow.handle, nullptr, 5), SWF_ERR_INVALID_ARGUMENT, "x is NULL");
  std::vector<float> x = gaussian_points(10, 2, 2);
  x[19] = kInf;
  EXPECT_REJECTED(swf_flow_set_particles(flow.handle, x.data(), 10), SWF_ERR_INVALID_ARGUMENT, "row 9, column 1");
  size_t n = 99;
  ASSERT_EQ(swf_flow_info(flow.handle, &n, nullptr, nullptr, nullptr), SWF_OK);
  EXPECT_EQ(n, 0u) << "a rejected call changed the flow";
  // With particles.
  x[19] = 0.0f;
  ASSERT_EQ(swf_flow_set_particles(flow.handle, x.data(), 10), SWF_OK);
  EXPECT_REJECTED(swf_flow_get_particles(flow.handle, out.data(), 9), SWF_ERR_INVALID_ARGUMENT, "but the flow has 10");
  EXPECT_REJECTED(swf_flow_get_particles(flow.handle, nullptr, 10), SWF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT_REJECTED(swf_flow_distance(flow.handle, 0, &sw2), SWF_ERR_INVALID_ARGUMENT, "L is 0");
  EXPECT_REJECTED(swf_flow_distance(flow.handle, 8, nullptr), SWF_ERR_INVALID_ARGUMENT, "sw2 is NULL");
  // Directions.
  std::vector<float> theta = unit_directions(3, 2, 3);
  EXPECT_REJECTED(swf_flow_set_directions(flow.handle, theta.data(), 0), SWF_ERR_INVALID_ARGUMENT, "L is 0");
  EXPECT_REJECTED(swf_flow_set_directions(flow.handle, nullptr, 3), SWF_ERR_INVALID_ARGUMENT, "theta is NULL");
  theta[4] = kNaN;
  EXPECT_REJECTED(swf_flow_set_directions(flow.handle, theta.data(), 3), SWF_ERR_INVALID_ARGUMENT, "theta has a non-finite");
  ASSERT_EQ(swf_flow_step(flow.handle, 1), SWF_OK) << swf_last_error();
  EXPECT_REJECTED(swf_flow_get_directions(flow.handle, out.data(), 3), SWF_ERR_INVALID_ARGUMENT, "uses 4 directions");
  // The flow still works after all of that.
  ASSERT_EQ(swf_flow_get_particles(flow.handle, out.data(), 10), SWF_OK);
  for (float value : out) EXPECT_TRUE(std::isfinite(value));
}

TEST(ApiErrors, SlicedWasserstein) {
  Context context;
  const std::vector<float> x = gaussian_points(10, 3, 1), y = gaussian_points(12, 3, 2);
  double out = 0;
  EXPECT_REJECTED(swf_sliced_wasserstein(nullptr, x.data(), 10, y.data(), 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, nullptr, 10, y.data(), 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "x is NULL");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, nullptr, 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "y is NULL");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 12, 3, nullptr, 4, 2.0, nullptr), SWF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 0, y.data(), 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "n is 0");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 0, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "m is 0");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 12, 0, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "dimension d is 0");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 12, 3, nullptr, 0, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "L is 0");
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), SIZE_MAX / 8, y.data(), 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "overflows");
  for (double p : {0.5, -1.0, double(kNaN), double(kInf)})
    EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 12, 3, nullptr, 4, p, &out), SWF_ERR_INVALID_ARGUMENT, "p is");
  std::vector<float> bad = y;
  bad[35] = kNaN;
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, bad.data(), 12, 3, nullptr, 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "y has a non-finite value (nan) at row 11, column 2");
  std::vector<float> theta = unit_directions(4, 3, 5);
  theta[0] = kInf;
  EXPECT_REJECTED(swf_sliced_wasserstein(context.handle, x.data(), 10, y.data(), 12, 3, theta.data(), 4, 2.0, &out), SWF_ERR_INVALID_ARGUMENT, "theta has a non-finite");
  EXPECT_EQ(out, 0.0) << "a rejected call wrote its output";
}

TEST(ApiErrors, StatusStringsAndVersion) {
  for (int s = 0; s <= 8; ++s) EXPECT_NE(std::string(swf_status_string(static_cast<swf_status>(s))).find("SWF_"), std::string::npos);
  EXPECT_STREQ(swf_status_string(static_cast<swf_status>(42)), "unknown swf_status");
  EXPECT_EQ(swf_version(), uint32_t(SWF_VERSION_NUMBER));
  EXPECT_EQ(std::string(swf_version_string()), std::to_string(SWF_VERSION_MAJOR) + "." + std::to_string(SWF_VERSION_MINOR) + "." +
                                                   std::to_string(SWF_VERSION_PATCH));
}

TEST(ApiErrors, LastErrorIsPerThread) {
  EXPECT_EQ(swf_flow_step(nullptr, 1), SWF_ERR_INVALID_ARGUMENT);
  std::string other_thread = "unset";
  std::thread([&] { other_thread = swf_last_error(); }).join();
  EXPECT_EQ(other_thread, "");
  EXPECT_NE(std::string(swf_last_error()), "");
}

}  // namespace
}  // namespace swf::test
