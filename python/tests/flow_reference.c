/* The C side of test_flow_matches_c.py: one flow through the C ABI only, its final particles written as raw
 * float32 (n x d, row-major) to OUT and its SW2 printed with every digit, so the Python binding's run of
 * the same flow can be compared bit for bit.
 * Usage: swf-python-flow-reference DATASET M N D SEED L STEP_SIZE REGULARIZATION DIRECTIONS VELOCITY STEPS OUT
 *   DIRECTIONS: gaussian|orthogonal|fixed  VELOCITY: normalized|gradient */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swflow.h"

#define CHECK(call)                                                                                \
  do {                                                                                             \
    swf_status status_ = (call);                                                                   \
    if (status_ != SWF_OK) {                                                                       \
      fprintf(stderr, "%s failed: %s\n  %s\n", #call, swf_status_string(status_), swf_last_error()); \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 13) {
    fprintf(stderr, "usage: %s DATASET M N D SEED L STEP_SIZE REGULARIZATION DIRECTIONS VELOCITY STEPS OUT\n",
            argv[0]);
    return 2;
  }
  const char *dataset = argv[1];
  const size_t m = strtoull(argv[2], NULL, 10), n = strtoull(argv[3], NULL, 10), d = strtoull(argv[4], NULL, 10);
  const uint64_t seed = strtoull(argv[5], NULL, 10);
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = (uint32_t)strtoul(argv[6], NULL, 10);
  params.step_size = strtof(argv[7], NULL);
  params.regularization = strtof(argv[8], NULL);
  params.directions = strcmp(argv[9], "orthogonal") == 0 ? SWF_DIRECTIONS_ORTHOGONAL
                      : strcmp(argv[9], "fixed") == 0    ? SWF_DIRECTIONS_FIXED
                                                         : SWF_DIRECTIONS_GAUSSIAN;
  params.velocity = strcmp(argv[10], "gradient") == 0 ? SWF_VELOCITY_GRADIENT : SWF_VELOCITY_NORMALIZED;
  const uint32_t steps = (uint32_t)strtoul(argv[11], NULL, 10);

  float *target = malloc(m * d * sizeof(float)), *particles = malloc(n * d * sizeof(float));
  if (!target || !particles) return 1;
  CHECK(swf_dataset_generate(dataset, m, d, seed, target));
  swf_context ctx;
  CHECK(swf_context_create(SWF_BACKEND_CPU, seed, &ctx));
  swf_flow flow;
  CHECK(swf_flow_create(ctx, &params, target, m, d, &flow));
  CHECK(swf_flow_init_particles(flow, n, SWF_INIT_GAUSSIAN, 1.0f));
  CHECK(swf_flow_step(flow, steps));
  double sw2;
  CHECK(swf_flow_distance(flow, 64, &sw2));
  CHECK(swf_flow_get_particles(flow, particles, n));

  FILE *out = fopen(argv[12], "wb");
  if (!out || fwrite(particles, sizeof(float), n * d, out) != n * d || fclose(out) != 0) {
    perror(argv[12]);
    return 1;
  }
  printf("%.17g\n", sw2);
  swf_flow_destroy(flow);
  swf_context_destroy(ctx);
  free(target);
  free(particles);
  return 0;
}
