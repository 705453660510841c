/*
 * swflow.h — the public C ABI of libswflow: Sliced-Wasserstein flows and distances.
 *
 * Conventions for every call in this header:
 *  - Arrays are host memory, row-major float32, `count x d` (row i is point i). The library copies
 *    what it needs: the caller's buffer can be released as soon as a call returns.
 *  - Every call that can fail returns an swf_status; SWF_OK is 0. On failure, swf_last_error() holds
 *    a message naming the argument or the problem, and outputs are left untouched.
 *  - No call aborts, and no C++ exception crosses this boundary.
 *  - Threads: a context and the flows created from it belong to one thread at a time; use one context
 *    per thread for parallel work (or lock externally). Different contexts may be used concurrently.
 *    swf_version*, swf_status_string, swf_last_error and swf_flow_params_init are thread-safe.
 *  - Handles are typed, opaque pointers. A flow keeps what it needs of its context: a context and its
 *    flows may be destroyed in any order.
 *
 * The header compiles as C99 and as C++.
 */
#ifndef SWFLOW_H
#define SWFLOW_H

#include <stddef.h>
#include <stdint.h>

#define SWF_VERSION_MAJOR 0
#define SWF_VERSION_MINOR 1
#define SWF_VERSION_PATCH 0
/* MAJOR*10000 + MINOR*100 + PATCH, the value swf_version() returns for this header. */
#define SWF_VERSION_NUMBER (SWF_VERSION_MAJOR * 10000 + SWF_VERSION_MINOR * 100 + SWF_VERSION_PATCH)

#if defined(_WIN32)
#if defined(SWF_BUILDING_LIBRARY)
#define SWF_API __declspec(dllexport)
#else
#define SWF_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define SWF_API __attribute__((visibility("default")))
#else
#define SWF_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Status, versions, errors                                                                        */
/* ---------------------------------------------------------------------------------------------- */

typedef enum {
  SWF_OK = 0,
  SWF_ERR_INVALID_ARGUMENT = 1, /* NULL, zero or inconsistent sizes, NaN/Inf, out-of-range values */
  SWF_ERR_OUT_OF_MEMORY = 2,    /* host or device allocation failed; nothing was changed */
  SWF_ERR_NO_DEVICE = 3,        /* SWF_BACKEND_CUDA asked for, but no usable GPU (or no CUDA build) */
  SWF_ERR_DEVICE = 4,           /* a CUDA / cuBLAS / cuRAND call failed; the message names it */
  SWF_ERR_IO = 5,               /* a file could not be opened, read or written */
  SWF_ERR_FORMAT = 6,           /* a file is not what it should be (not HDF5, wrong shape, ...) */
  SWF_ERR_UNSUPPORTED = 7,      /* a valid request this build or backend cannot serve */
  SWF_ERR_INTERNAL = 8,         /* a bug in libswflow: please report the message */
  SWF_STATUS_FORCE_32BIT = 0x7fffffff
} swf_status;

/* Runtime version: MAJOR*10000 + MINOR*100 + PATCH of the loaded library. */
SWF_API uint32_t swf_version(void);
/* Runtime version as "MAJOR.MINOR.PATCH". Static storage; never NULL. */
SWF_API const char *swf_version_string(void);
/* A constant English name for a status ("SWF_ERR_IO: input/output error"); never NULL. */
SWF_API const char *swf_status_string(swf_status s);
/* Text of the last failure on the calling thread (thread-local); "" if none yet. The pointer stays
 * valid until the next libswflow call on this thread. Successful calls do not clear it. */
SWF_API const char *swf_last_error(void);

/* ---------------------------------------------------------------------------------------------- */
/* Contexts                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

typedef struct swf_context_s *swf_context;
typedef struct swf_flow_s *swf_flow;

typedef enum {
  SWF_BACKEND_AUTO = 0, /* the GPU when a device answers, else the CPU */
  SWF_BACKEND_CPU = 1,  /* OpenMP + OpenBLAS; deterministic for a seed whatever the thread count */
  SWF_BACKEND_CUDA = 2, /* an NVIDIA GPU */
  SWF_BACKEND_FORCE_32BIT = 0x7fffffff
} swf_backend;

/* Creates a context: a backend and a random seed. Every random draw of the context and of its flows
 * (directions, noise, initial particles) is a pure function of `seed` and of the calls made.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (out NULL, unknown backend); SWF_ERR_NO_DEVICE
 * (SWF_BACKEND_CUDA without a usable device or in a build without CUDA); SWF_ERR_UNSUPPORTED (a
 * device answers but this build has no CUDA backend for it); SWF_ERR_OUT_OF_MEMORY. On failure *out is
 * set to NULL. The caller owns *out and releases it with swf_context_destroy. */
SWF_API swf_status swf_context_create(swf_backend backend, uint64_t seed, swf_context *out);
/* The backend actually in use (never SWF_BACKEND_AUTO). SWF_ERR_INVALID_ARGUMENT if an argument is
 * NULL. */
SWF_API swf_status swf_context_backend(swf_context ctx, swf_backend *out);
/* Releases a context. NULL is a no-op. Flows created from it stay valid. */
SWF_API void swf_context_destroy(swf_context ctx);

/* ---------------------------------------------------------------------------------------------- */
/* Particle flows (Liutkus et al. 2019)                                                            */
/* ---------------------------------------------------------------------------------------------- */

typedef enum {
  SWF_DIRECTIONS_GAUSSIAN = 0,   /* L fresh normalised Gaussian directions at every step */
  SWF_DIRECTIONS_ORTHOGONAL = 1, /* fresh random orthonormal blocks of d rows; the last block is cut
                                    to fill L */
  SWF_DIRECTIONS_FIXED = 2,      /* L normalised Gaussian directions drawn once at creation (or the
                                    rows given to swf_flow_set_directions), the same at every step */
  SWF_DIRECTIONS_FORCE_32BIT = 0x7fffffff
} swf_directions;

typedef enum {
  SWF_VELOCITY_NORMALIZED = 0, /* v = (d/L) sum_l theta_l (T_l(x) - <theta_l, x>): with d orthonormal
                                  directions and h = 1, one step matches every projected marginal */
  SWF_VELOCITY_GRADIENT = 1,   /* v = (1/L) sum_l ...: the gradient flow of 1/2 SW_2^2 */
  SWF_VELOCITY_FORCE_32BIT = 0x7fffffff
} swf_velocity;

typedef enum {
  SWF_INIT_GAUSSIAN = 0, /* N(0, scale^2 I) */
  SWF_INIT_UNIFORM = 1,  /* U[-scale, scale]^d */
  SWF_INIT_FORCE_32BIT = 0x7fffffff
} swf_init;

/* Flow parameters. Fill with swf_flow_params_init, then change fields. Fields are only ever
 * appended; struct_size lets an older caller keep working with a newer library. */
typedef struct swf_flow_params {
  size_t struct_size;        /* sizeof(swf_flow_params), set by swf_flow_params_init */
  uint32_t num_directions;   /* L >= 1; default 128 */
  float step_size;           /* h > 0, finite; default 1.0 */
  float regularization;      /* lambda >= 0, finite: noise sqrt(2 lambda h) xi per step; default 0 */
  swf_directions directions; /* default SWF_DIRECTIONS_GAUSSIAN */
  swf_velocity velocity;     /* default SWF_VELOCITY_NORMALIZED */
} swf_flow_params;

/* Fills *p with the defaults above. NULL is a no-op. */
SWF_API void swf_flow_params_init(swf_flow_params *p);

/* Creates a flow towards the target samples `target` (m x d, copied). The flow has no particles
 * until swf_flow_init_particles or swf_flow_set_particles.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL ctx/p/target/out, struct_size too small, m or d zero,
 * m*d*sizeof(float) overflowing size_t, a NaN/Inf in target, L = 0, h <= 0 or not finite,
 * lambda < 0 or not finite, unknown enum value); SWF_ERR_OUT_OF_MEMORY. On failure *out is NULL.
 * The caller owns *out and releases it with swf_flow_destroy. */
SWF_API swf_status swf_flow_create(swf_context ctx, const swf_flow_params *p, const float *target,
                                   size_t m, size_t d, swf_flow *out);

/* Replaces the particles by n fresh draws from N(0, scale^2 I) (SWF_INIT_GAUSSIAN) or
 * U[-scale, scale]^d (SWF_INIT_UNIFORM), from the context's seed. The step count and time restart at 0.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (f NULL, n zero, n*d overflowing, scale <= 0 or not finite,
 * unknown init); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_flow_init_particles(swf_flow f, size_t n, swf_init init, float scale);

/* Replaces the particles by a copy of x (n x d, d the flow's dimension). The step count and time
 * restart at 0. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, n zero, n*d overflowing, NaN/Inf in x);
 * SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_flow_set_particles(swf_flow f, const float *x, size_t n);

/* Uses the L rows of theta (L x d, copied, used as given: not normalised) as the directions of every
 * later step; the flow's direction mode becomes SWF_DIRECTIONS_FIXED and its L becomes this L.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, L zero, L*d overflowing, NaN/Inf in theta);
 * SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_flow_set_directions(swf_flow f, const float *theta, uint32_t L);

/* Runs `steps` steps of the flow (0 is allowed and does nothing). Each step: L directions, the exact
 * 1-D optimal transport of every projection to the target's, x += h v + sqrt(2 lambda h) xi.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (f NULL, no particles yet); SWF_ERR_OUT_OF_MEMORY;
 * SWF_ERR_DEVICE. After a failure the particles are those of the last completed step. */
SWF_API swf_status swf_flow_step(swf_flow f, uint32_t steps);

/* Copies the particles (n x d) into out. n must equal the flow's particle count.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, no particles yet, n not the count). */
SWF_API swf_status swf_flow_get_particles(swf_flow f, float *out, size_t n);

/* The particle count (0 before any particles), the dimension, the number of steps taken and the flow
 * time (the sum of the step sizes). Any output pointer may be NULL. SWF_ERR_INVALID_ARGUMENT if f is
 * NULL. */
SWF_API swf_status swf_flow_info(swf_flow f, size_t *n, size_t *d, uint64_t *step, double *time);

/* SW_2(particles, target) (section 1.2 of the design: exact 1-D W_2 per direction) with L fresh
 * normalised Gaussian directions. These draws come from a stream of their own: measuring the distance
 * never changes the flow's trajectory. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, L zero, no
 * particles yet); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_flow_distance(swf_flow f, uint32_t L, double *sw2);

/* Copies the directions used by the last step (L x d, L the flow's current number of directions)
 * into out. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, L not the flow's, no step taken yet and
 * the mode is not fixed). */
SWF_API swf_status swf_flow_get_directions(swf_flow f, float *out, uint32_t L);

/* Releases a flow. NULL is a no-op. */
SWF_API void swf_flow_destroy(swf_flow f);

/* ---------------------------------------------------------------------------------------------- */
/* Sliced Wasserstein distance                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/* SW_p(x, y) = ((1/L) sum_l W_p^p(theta_l # x, theta_l # y))^(1/p) between the uniform empirical
 * measures on x (n x d) and y (m x d), n != m allowed, with exact 1-D W_p. theta NULL: L fresh
 * normalised Gaussian directions from the context's seed; else the L x d rows of theta used as given.
 * Equal to POT's ot.sliced_wasserstein_distance for the same projections and p.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL ctx/x/y/out, n, m, d or L zero, a size overflowing,
 * NaN/Inf in x, y or theta, p < 1 or not finite); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_sliced_wasserstein(swf_context ctx, const float *x, size_t n, const float *y,
                                          size_t m, size_t d, const float *theta, uint32_t L,
                                          double p, double *out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SWFLOW_H */
