/* Flows 4,096 particles from N(0, I) to the "8 gaussians" 2-D dataset and prints SW2 as it goes.
 * Uses only the public header: build with  cc flow_2d.c -lswflow -lm
 * Usage: swf-example-flow2d [steps=200] [backend: auto|cpu|cuda] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swflow.h"

#define CHECK(call)                                                                               \
  do {                                                                                            \
    swf_status status_ = (call);                                                                  \
    if (status_ != SWF_OK) {                                                                      \
      fprintf(stderr, "%s failed: %s\n  %s\n", #call, swf_status_string(status_), swf_last_error()); \
      return 1;                                                                                   \
    }                                                                                             \
  } while (0)

/* Eight Gaussian blobs (std 0.1) on the circle of radius 2; a small xorshift + Box-Muller keeps the
 * example free of other dependencies. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform01(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return ((rng_state >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static void eight_gaussians(float *points, size_t count) {
  const double pi = 3.14159265358979323846;
  for (size_t i = 0; i < count; ++i) {
    const double angle = 2.0 * pi * (double)(i % 8) / 8.0;
    const double r = sqrt(-2.0 * log(uniform01())), phi = 2.0 * pi * uniform01();
    points[2 * i] = (float)(2.0 * cos(angle) + 0.1 * r * cos(phi));
    points[2 * i + 1] = (float)(2.0 * sin(angle) + 0.1 * r * sin(phi));
  }
}

int main(int argc, char **argv) {
  const unsigned steps = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200;
  swf_backend backend = SWF_BACKEND_AUTO;
  if (argc > 2) backend = strcmp(argv[2], "cpu") == 0 ? SWF_BACKEND_CPU
                        : strcmp(argv[2], "cuda") == 0 ? SWF_BACKEND_CUDA : SWF_BACKEND_AUTO;
  enum { M = 4096, N = 4096, D = 2 };
  static float target[M * D], particles[N * D];
  eight_gaussians(target, M);

  swf_context ctx;
  CHECK(swf_context_create(backend, 42, &ctx));
  swf_backend in_use;
  CHECK(swf_context_backend(ctx, &in_use));
  printf("libswflow %s, backend %s\n", swf_version_string(), in_use == SWF_BACKEND_CUDA ? "cuda" : "cpu");

  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = 64;
  params.step_size = 0.5f;
  params.regularization = 1e-5f;
  swf_flow flow;
  CHECK(swf_flow_create(ctx, &params, target, M, D, &flow));
  CHECK(swf_flow_init_particles(flow, N, SWF_INIT_GAUSSIAN, 1.0f));

  printf("%6s %10s %12s\n", "step", "time", "SW2");
  for (unsigned done = 0; done <= steps; done += 20) {
    double sw2, time;
    uint64_t step;
    CHECK(swf_flow_distance(flow, 256, &sw2));
    CHECK(swf_flow_info(flow, NULL, NULL, &step, &time));
    printf("%6llu %10.3f %12.6f\n", (unsigned long long)step, time, sw2);
    if (done < steps) CHECK(swf_flow_step(flow, steps - done < 20 ? steps - done : 20));
  }
  CHECK(swf_flow_get_particles(flow, particles, N));
  size_t near = 0; /* particles within 0.4 of a blob centre */
  for (size_t i = 0; i < N; ++i) {
    const double r = hypot(particles[2 * i], particles[2 * i + 1]);
    near += fabs(r - 2.0) < 0.4;
  }
  printf("%zu of %d particles lie within 0.4 of the ring of blob centres\n", near, N);
  swf_flow_destroy(flow);
  swf_context_destroy(ctx);
  return 0;
}
