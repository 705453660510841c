/* The header compiled as C99 (no extensions) and the ABI driven from C: a small flow end to end. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "swflow.h"

static int failures = 0;
#define EXPECT(condition)                                                                  \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      fprintf(stderr, "%s:%d: expected %s (last error: %s)\n", __FILE__, __LINE__, #condition, \
              swf_last_error());                                                           \
      ++failures;                                                                          \
    }                                                                                      \
  } while (0)

int main(void) {
  enum { N = 256, D = 2, L = 16 };
  static float target[N * D], particles[N * D];
  for (int i = 0; i < N; ++i) {
    target[2 * i] = 3.0f + (float)(i % 16) / 16.0f;
    target[2 * i + 1] = -1.0f + (float)(i / 16) / 16.0f;
  }
  swf_context ctx = NULL;
  EXPECT(swf_context_create(SWF_BACKEND_CPU, 7, &ctx) == SWF_OK);
  swf_backend backend = SWF_BACKEND_AUTO;
  EXPECT(swf_context_backend(ctx, &backend) == SWF_OK && backend == SWF_BACKEND_CPU);

  swf_flow_params params;
  swf_flow_params_init(&params);
  EXPECT(params.struct_size == sizeof(swf_flow_params));
  params.num_directions = L;
  params.step_size = 0.5f;
  swf_flow flow = NULL;
  EXPECT(swf_flow_create(ctx, &params, target, N, D, &flow) == SWF_OK);
  swf_context_destroy(ctx); /* flows outlive their context */
  EXPECT(swf_flow_step(flow, 1) == SWF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(swf_last_error(), "no particles") != NULL);
  EXPECT(swf_flow_init_particles(flow, N, SWF_INIT_UNIFORM, 1.0f) == SWF_OK);
  double before = 0, after = 0;
  EXPECT(swf_flow_distance(flow, 64, &before) == SWF_OK);
  EXPECT(swf_flow_step(flow, 30) == SWF_OK);
  EXPECT(swf_flow_distance(flow, 64, &after) == SWF_OK);
  EXPECT(after < 0.1 * before);
  EXPECT(swf_flow_get_particles(flow, particles, N) == SWF_OK);
  double mean_x = 0;
  for (int i = 0; i < N; ++i) mean_x += particles[2 * i] / N;
  EXPECT(fabs(mean_x - (3.0 + 7.5 / 16.0)) < 0.05);
  uint64_t step = 0;
  EXPECT(swf_flow_info(flow, NULL, NULL, &step, NULL) == SWF_OK && step == 30);
  swf_flow_destroy(flow);

  /* SW-JKO from C: 1/2 SW_2^2 to the target plus a quadratic potential, both pulling towards x = 3.5. */
  swf_context jko_ctx = NULL;
  EXPECT(swf_context_create(SWF_BACKEND_CPU, 9, &jko_ctx) == SWF_OK);
  swf_jko_params jko_params;
  swf_jko_params_init(&jko_params);
  EXPECT(jko_params.struct_size == sizeof(swf_jko_params));
  const float center[D] = {3.5f, -0.5f};
  jko_params.target_weight = 1.0f;
  jko_params.target = target;
  jko_params.target_count = N;
  jko_params.potential_weight = 0.5f;
  jko_params.potential_center = center;
  jko_params.inner_steps = 20;
  swf_jko jko = NULL;
  EXPECT(swf_jko_create(jko_ctx, &jko_params, D, &jko) == SWF_OK);
  swf_context_destroy(jko_ctx); /* a JKO scheme outlives its context too */
  EXPECT(swf_jko_init_particles(jko, N, SWF_INIT_GAUSSIAN, 1.0f) == SWF_OK);
  double objective_before = 0, objective_after = 0, terms[4];
  EXPECT(swf_jko_objective(jko, &objective_before, terms) == SWF_OK);
  EXPECT(swf_jko_step(jko, 5) == SWF_OK);
  EXPECT(swf_jko_objective(jko, &objective_after, NULL) == SWF_OK);
  EXPECT(objective_after < objective_before);
  EXPECT(swf_jko_get_particles(jko, particles, N) == SWF_OK);
  EXPECT(swf_jko_step(NULL, 1) == SWF_ERR_INVALID_ARGUMENT);
  swf_jko_destroy(jko);
  EXPECT(swf_version() == SWF_VERSION_NUMBER);
  if (failures == 0) printf("c_api_test: all checks passed (libswflow %s)\n", swf_version_string());
  return failures == 0 ? 0 : 1;
}
