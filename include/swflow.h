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
 *    swf_version*, swf_status_string, swf_last_error and the *_params_init calls are thread-safe.
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
/* A one-line description of the backend in use, for logs and benchmark reports: for the CPU
 * "cpu: T OpenMP threads, <OpenBLAS's configuration>, float32 GEMMs"; for CUDA "cuda: device K, <name>,
 * compute capability X.Y, S multiprocessors, G GiB, CUDA runtime R, on-chip rows up to ... , float32 |
 * TF32 GEMMs". Writes at most `capacity` bytes (NUL-terminated, cut to fit) into text when text is not
 * NULL; *length receives the full length without the NUL. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (ctx
 * or length NULL). */
SWF_API swf_status swf_context_describe(swf_context ctx, char *text, size_t capacity, size_t *length);
/* TF32 tensor cores for the CUDA backend's GEMMs (projections, velocities, the learned flow's layers):
 * enabled != 0 turns them on, 0 off (the default). TF32 rounds each GEMM input to a 10-bit mantissa
 * (relative error up to 2^-11 per input) and sums in float32: a projection <theta, x> may be off by
 * about 2^-11 |theta| |x| (bound 4e-3 |theta| |x| in the CUDA test
 * CudaBackendTest.Tf32ProjectionErrorIsMeasured, which prints the error it sees; float32: 1e-5). Sorts,
 * transports and sums keep their precision. Applies to every later call of the context and of its flows and schemes. The CPU backend
 * has no TF32 GEMMs: there the call changes nothing and returns SWF_OK.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (ctx NULL); SWF_ERR_DEVICE. */
SWF_API swf_status swf_context_set_tf32(swf_context ctx, int enabled);
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
                                  directions and h = 1, one step matches every projected marginal. With
                                  L < d each direction moves by h d/L of its displacement: keep
                                  h <= L/d there, or the flow overshoots */
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

/* Runs `steps` steps of the flow (0 runs none, but still reserves the steps' memory and reports an
 * earlier failure of queued GPU work). Each step: L directions, the exact
 * 1-D optimal transport of every projection to the target's, x += h v + sqrt(2 lambda h) xi.
 * On the GPU the steps are queued without a wait, an allocation or a host<->device copy between them
 * (the scratch memory is reserved before the first); the call returns when the device has finished
 * them, so a failure of their work is reported here. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (f NULL,
 * no particles yet); SWF_ERR_OUT_OF_MEMORY; SWF_ERR_UNSUPPORTED (on the GPU: more than 2^31 - 1
 * particles or targets, or orthogonal directions with d > 46340); SWF_ERR_DEVICE. After a failure other
 * than SWF_ERR_DEVICE the particles are those of the last completed step; after SWF_ERR_DEVICE (a kernel
 * that failed on the GPU) the particles and the step count are unspecified. */
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

/* The flow's current parameters (after swf_flow_set_directions, its mode is SWF_DIRECTIONS_FIXED and L
 * the number of rows given; after swf_flow_load, the file's). p->struct_size must be set (use
 * swf_flow_params_init). Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, struct_size too small). */
SWF_API swf_status swf_flow_get_params(swf_flow f, swf_flow_params *p);

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

/* ---------------------------------------------------------------------------------------------- */
/* Built-in datasets                                                                               */
/* ---------------------------------------------------------------------------------------------- */

/* The built-in datasets, as a constant comma-separated list of names: "moons,swiss-roll,
 * 8-gaussians,checkerboard,rings,gaussian". The 2-D ones need d = 2; "gaussian" is N(m, S) in any d
 * with a fixed anisotropic covariance (see swf_dataset_generate). Never NULL. */
SWF_API const char *swf_dataset_names(void);

/* Draws n samples of the built-in dataset `name` in dimension d (2 for the 2-D sets) into out
 * (n x d, caller-allocated), from `seed`. "gaussian": mean m_k = k / d and standard deviations
 * 0.5 + k / d along a fixed rotation of the axes (the same for every seed).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, unknown name, n or d zero, d != 2 for a 2-D set,
 * n*d overflowing). Thread-safe. */
SWF_API swf_status swf_dataset_generate(const char *name, size_t n, size_t d, uint64_t seed, float *out);

/* ---------------------------------------------------------------------------------------------- */
/* Files: point sets, trajectories (H5MD 1.1), checkpoints                                         */
/* ---------------------------------------------------------------------------------------------- */
/* A point-set spec is "FILE.h5:/path" where /path is a 2-D numeric dataset (any integer or float
 * type, converted to float32) or an H5MD particles group (its "position": a [N, d] dataset, or a
 * time series whose last frame is used); or "FILE.h5" alone for an H5MD file with one particles
 * group (or a "flow" group, whose last frame is used). Values must be finite.
 * File calls return SWF_ERR_IO when a file cannot be opened, created or written, and SWF_ERR_FORMAT
 * when it is not HDF5, is truncated, lacks the dataset or has the wrong shape or non-finite values;
 * the message names the file, the dataset and the problem. They are safe to call from several threads
 * at once (HDF5 calls are serialised inside the library). */

/* The shape of the point set `spec`: *n points of dimension *d. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT
 * (NULL); SWF_ERR_IO; SWF_ERR_FORMAT. */
SWF_API swf_status swf_points_shape(const char *spec, size_t *n, size_t *d);

/* Reads the point set `spec` into out (n x d, caller-allocated; n and d as swf_points_shape gives).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, n or d not the file's); SWF_ERR_IO; SWF_ERR_FORMAT. */
SWF_API swf_status swf_points_read(const char *spec, float *out, size_t n, size_t d);

/* Writes x (n x d) as an H5MD 1.1 file holding /particles/<group>/position [n, d] (float32), written
 * under a temporary name and renamed over `path` when complete. image_shape (rows, cols), when not
 * NULL, is stored as the attribute image_shape of /parameters/swflow for image-shaped data.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL path/group/x, n or d zero, NaN/Inf); SWF_ERR_IO. */
SWF_API swf_status swf_points_write(const char *path, const char *group, const float *x, size_t n, size_t d,
                                    const uint32_t *image_shape);

typedef struct swf_recorder_s *swf_recorder;

typedef struct swf_record_params {
  size_t struct_size;       /* set by swf_record_params_init */
  uint32_t sw2_directions;  /* directions of the SW2 observable recorded with each frame; 0: none.
                               Default 256 */
  int compression;          /* deflate level 0 (none) .. 9 for the frames; default 0 */
  const char *config;       /* text stored as attribute "config" of /parameters/swflow (the resolved
                               command line or config file), or NULL; copied */
  const char *author;       /* /h5md/author name, or NULL for "unknown"; copied */
  uint32_t image_shape[2];  /* (rows, cols) with rows * cols = d when the particles are images, stored as
                               attribute image_shape of /parameters/swflow; {0, 0} (default): none */
} swf_record_params;

/* Fills *p with the defaults above. NULL is a no-op. */
SWF_API void swf_record_params_init(swf_record_params *p);

/* Starts recording flow f into the H5MD trajectory `path`, with the layout of the design (section 4):
 * /h5md, /particles/flow/position/{step,time,value} (value float32 [K, N, d], one frame per chunk,
 * unlimited K), /particles/flow/box, /particles/target/position [M, d], /observables/sw2, and
 * /parameters/swflow (every parameter, seed, backend, library version; the checkpoint). The flow's
 * current state becomes the first frame. Frames go to "<path>.part"; `path` itself is only ever
 * replaced, atomically, by a complete file (swf_recorder_checkpoint, swf_recorder_close), so an
 * earlier good file survives a failed run and a killed run leaves the last checkpoint.
 * f must have particles and must outlive the recorder; one thread at a time, like the flow.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, bad params, no particles); SWF_ERR_IO. */
SWF_API swf_status swf_recorder_create(swf_flow f, const char *path, const swf_record_params *p,
                                       swf_recorder *out);

/* Appends the flow's current particles, step, time (and SW2 when enabled) as a frame.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, particle count changed); SWF_ERR_IO. */
SWF_API swf_status swf_recorder_append(swf_recorder r);

/* The SW2 value recorded with the last frame (NaN when sw2_directions is 0). SWF_ERR_INVALID_ARGUMENT if
 * an argument is NULL. */
SWF_API swf_status swf_recorder_last_sw2(swf_recorder r, double *sw2);

/* Stores the flow's complete state (particles, parameters, step, time, random streams) in the file and
 * publishes a complete copy at `path` atomically (temporary name, then rename). A flow resumed from it
 * continues bit-for-bit on the CPU backend. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT; SWF_ERR_IO. */
SWF_API swf_status swf_recorder_checkpoint(swf_recorder r);

/* Checkpoints, publishes `path`, removes the temporary file and frees r (freed even on failure).
 * NULL is a no-op returning SWF_OK. Returns SWF_OK; SWF_ERR_IO. */
SWF_API swf_status swf_recorder_close(swf_recorder r);

/* Frees r without publishing (the temporary file is removed; `path` is left as it was). NULL: no-op. */
SWF_API void swf_recorder_discard(swf_recorder r);

/* Resumes the trajectory `path` written by a recorder: *flow_out is the flow at the file's checkpoint
 * (created in ctx, with the file's parameters and seed), and *recorder_out continues the same file,
 * frames after the checkpoint trimmed. The caller owns both (close the recorder first).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL); SWF_ERR_IO; SWF_ERR_FORMAT (no checkpoint). */
SWF_API swf_status swf_recorder_resume(swf_context ctx, const char *path, const swf_record_params *p,
                                       swf_flow *flow_out, swf_recorder *recorder_out);

/* Saves the flow's complete state (as a trajectory file with a single frame) to `path`, atomically.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, no particles); SWF_ERR_IO. */
SWF_API swf_status swf_flow_save(swf_flow f, const char *path);

/* Loads a flow from a file written by swf_flow_save or a recorder (its checkpoint), in ctx.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL); SWF_ERR_IO; SWF_ERR_FORMAT; SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_flow_load(swf_context ctx, const char *path, swf_flow *out);

/* Frames of a trajectory file: count, particles per frame, dimension. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL); SWF_ERR_IO; SWF_ERR_FORMAT (no /particles/flow/position). */
SWF_API swf_status swf_trajectory_shape(const char *path, size_t *frames, size_t *n, size_t *d);

/* Reads frame `index` (0-based) into out (n x d), with its step and time (either may be NULL).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, index out of range, n or d not the file's); SWF_ERR_IO;
 * SWF_ERR_FORMAT. */
SWF_API swf_status swf_trajectory_frame(const char *path, size_t index, float *out, size_t n, size_t d,
                                        uint64_t *step, double *time);

/* The SW2 observable: *count values; when steps/times/values are not NULL they receive up to
 * `capacity` entries. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL path/count); SWF_ERR_IO;
 * SWF_ERR_FORMAT. A file without the observable gives *count = 0. */
SWF_API swf_status swf_trajectory_sw2(const char *path, size_t capacity, uint64_t *steps, double *times,
                                      double *values, size_t *count);

/* The energy observable (/observables/energy: an SW-JKO run's objective F), as swf_trajectory_sw2 reads SW2.
 * A file without it gives *count = 0. */
SWF_API swf_status swf_trajectory_energy(const char *path, size_t capacity, uint64_t *steps, double *times,
                                         double *values, size_t *count);

/* The attribute `name` of /parameters/swflow in the file at `path`, as text: strings as stored, numbers in
 * decimal, arrays comma-separated ("8,8" for image_shape). Writes at most `capacity` bytes
 * (NUL-terminated) into text when text is not NULL; *length receives the full length without the NUL.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL path/name/length); SWF_ERR_IO; SWF_ERR_FORMAT (no such
 * attribute). */
SWF_API swf_status swf_file_parameter(const char *path, const char *name, char *text, size_t capacity,
                                      size_t *length);

/* A human-readable description of an HDF5 file: its kind (trajectory, checkpoint, point set, other),
 * the shapes of its datasets, its parameters, steps and times. Writes at most `capacity` bytes
 * (NUL-terminated) into text when text is not NULL; *length receives the full length without the NUL.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL path/length); SWF_ERR_IO; SWF_ERR_FORMAT. */
SWF_API swf_status swf_file_describe(const char *path, char *text, size_t capacity, size_t *length);

/* ---------------------------------------------------------------------------------------------- */
/* The learned flow: a time-conditioned MLP                                                        */
/* ---------------------------------------------------------------------------------------------- */
/* f(x0, t) = x0 + (t/T) g([x0, gamma(t)]), gamma(t) = [t/T, sin(2^k pi t/T), cos(2^k pi t/T), k < F],
 * g an MLP. Trained by regression on (x0, t_k, x_{t_k}) from a flow's trajectory, together with fresh
 * draws of x0 regressed onto one flow step of their own image toward the particles at t_k (the gradient
 * of SW_2^2 between the model's samples and the particles; swf_train_params.sliced_fraction), it maps
 * fresh draws of the flow's initial law to any time of the flow in one pass, without the training set. A model belongs
 * to one thread at a time, like a flow; it keeps what it needs of its context. */

typedef struct swf_model_s *swf_model;

typedef enum {
  SWF_ACTIVATION_SILU = 0,
  SWF_ACTIVATION_RELU = 1,
  SWF_ACTIVATION_TANH = 2,
  SWF_ACTIVATION_FORCE_32BIT = 0x7fffffff
} swf_activation;

typedef struct swf_model_params {
  size_t struct_size;          /* set by swf_model_params_init */
  uint32_t width;              /* units per hidden layer, >= 1; default 128 */
  uint32_t depth;              /* hidden layers, 1 .. 64; default 3 */
  swf_activation activation;   /* default SWF_ACTIVATION_SILU */
  uint32_t frequencies;        /* F, Fourier features of t, <= 24; default 2. Keep 2^F well below the
                                  number of training frames: features that vary faster than the frames
                                  are sampled alias, and the model is wrong between frames */
  float time_scale;            /* T > 0: the end of the flow to learn (its last time); default 1 */
  swf_init initial_law;        /* the law of x0 that swf_model_sample draws; default SWF_INIT_GAUSSIAN */
  float initial_scale;         /* its scale (as swf_flow_init_particles); default 1 */
} swf_model_params;
SWF_API void swf_model_params_init(swf_model_params *p);

typedef struct swf_train_params {
  size_t struct_size;          /* set by swf_train_params_init */
  uint32_t epochs;             /* passes over the n x K pairs of a trajectory, >= 1; default 100 */
  uint32_t batch_size;         /* >= 1; default 512 */
  float learning_rate;         /* Adam's step, > 0; default 3e-3. A trajectory decays it (cosine, to a tenth);
                                  online training keeps it constant, and did better at 1e-3 (swf-run's
                                  online learning uses 1e-3) */
  uint32_t steps_per_snapshot; /* swf_model_train_snapshot: Adam steps per snapshot, >= 1; default 20 */
  float sliced_fraction;       /* share of each minibatch, in [0, 1), drawn fresh from the initial law and
                                  regressed onto where one normalised flow step toward the particles at
                                  that time moves the model's own output (the gradient of SW_2^2 between
                                  the model's samples and the particles); the rest are the particles'
                                  (x0, t, x_t) pairs. Default 0.5; 0 trains on the pairs only */
  uint32_t sliced_directions;  /* random directions per minibatch for those rows; default 0: max(64, 4 d) */
} swf_train_params;
SWF_API void swf_train_params_init(swf_train_params *p);

/* A fresh model for dimension d (weights from the context's seed; f = x0 until trained).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, d zero, parameters out of range); SWF_ERR_UNSUPPORTED
 * (a backend without the MLP kernels); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_model_create(swf_context ctx, size_t d, const swf_model_params *p, swf_model *out);

/* Trains on every frame of the trajectory file `path` (written by a recorder or swf-run flow): x0 is its
 * first frame. *loss (may be NULL) receives the mean loss of the last epoch. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL, bad parameters, another dimension, no frame after t = 0); SWF_ERR_IO;
 * SWF_ERR_FORMAT; SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_model_train_trajectory(swf_model m, const char *path, const swf_train_params *p,
                                              double *loss);

/* Online training while a flow runs: call it with the flow at step 0 (its particles become x0, the only
 * copy the model keeps), then after every few steps; each call trains on the flow's current particles
 * at its current time. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, bad parameters, another dimension
 * or particle count than the first call); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_model_train_snapshot(swf_model m, swf_flow f, const swf_train_params *p, double *loss);

/* out (n x d) = f(x0, t) for x0 (n x d). Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, n zero, NaN/Inf,
 * t not finite or < 0); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_model_map(swf_model m, const float *x0, size_t n, double t, float *out);

/* out (n x d) = f(x0, t) for n fresh draws x0 of the initial law (the model's own random stream).
 * Returns as swf_model_map. */
SWF_API swf_status swf_model_sample(swf_model m, size_t n, double t, float *out);

/* The model's dimension, time scale T and Adam steps taken; any pointer may be NULL. */
SWF_API swf_status swf_model_info(swf_model m, size_t *d, double *time_scale, uint64_t *steps);

/* Saves the model (architecture as attributes of /model, one dataset per weight and bias), atomically.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT; SWF_ERR_IO. */
SWF_API swf_status swf_model_save(swf_model m, const char *path);

/* Loads a model saved by swf_model_save into ctx (any backend). Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT;
 * SWF_ERR_IO; SWF_ERR_FORMAT; SWF_ERR_UNSUPPORTED; SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_model_load(swf_context ctx, const char *path, swf_model *out);

/* Releases a model. NULL is a no-op. */
SWF_API void swf_model_destroy(swf_model m);

/* ---------------------------------------------------------------------------------------------- */
/* SW-JKO: gradient flows of functionals in the sliced-Wasserstein space (Bonet et al. 2022)       */
/* ---------------------------------------------------------------------------------------------- */
/* rho_{k+1} = argmin_rho F(rho) + SW_2^2(rho, rho_k) / (2 tau) over a particle cloud, minimised by Adam over
 * the positions (a fresh optimiser per step, fresh Gaussian directions per Adam step), or (variant
 * SWF_JKO_GENERATOR) over generators rho = g#mu: g(z) = z + g_net(z) the MLP of swf_model at t = T = 1, mu the
 * law of swf_jko_init_particles, g the identity at the start. Each generator step runs inner_steps Adam steps on
 * g's weights (a fresh optimiser per step), each on a fresh minibatch of n draws z of mu with the particles'
 * gradient of the objective at x = g(z), divided by n (the loss is the average over the minibatch); rho_k is
 * represented by n samples of g drawn when step k completes. F is a weighted sum of
 *   target_weight      * 1/2 SW_2^2(rho, target samples)
 *   potential_weight   * E[V(X)],           V(x) = 1/2 (x - b)^T A (x - b)
 *   interaction_weight * 1/2 E[W(X - X')],  W(z) = |z|^a / a - |z|^b / b (an exponent 0 stands for log|z|)
 *   entropy_weight     * int rho log rho,   estimated (entropy_estimator) from a Gaussian kernel density
 *                                           estimate with bandwidth h, or from the distances to the K nearest
 *                                           neighbours (Kozachenko-Leonenko, averaged over k = 1 .. K)
 * (a weight of 0 leaves its term out; at least one must be > 0). The SW metric makes the flow about d times
 * faster than the Wasserstein flow of the same F: compare step k with the Wasserstein flow at time k tau d.
 * The interaction and entropy terms cost O(n^2 d) per Adam step. A JKO scheme belongs to one thread at a time,
 * like a flow; it keeps what it needs of its context. Backends: the CPU and CUDA (the same directions from the
 * same seed; the particles agree to float rounding, not to the bit). */

typedef struct swf_jko_s *swf_jko;

typedef enum {
  SWF_JKO_PARTICLES = 0, /* minimise over the particle positions */
  SWF_JKO_GENERATOR = 1, /* minimise over the weights of a generator g pushing the initial law forward */
  SWF_JKO_VARIANT_FORCE_32BIT = 0x7fffffff
} swf_jko_variant;

/* How the negative entropy is estimated from n particles, both differentiated exactly (O(n^2 d) per Adam step):
 * the kernel estimate's gradient is that of the density smoothed by N(0, h^2 I), and fades when h is below the
 * particles' spacing (from d of about 4 on with a thousand particles: the flow then contracts too fast); the
 * nearest-neighbour estimate's gradient keeps the score's scale in any dimension, with more noise. */
typedef enum {
  SWF_ENTROPY_KERNEL = 0,     /* (1/n) sum_i log((1/n) sum_j N(x_i - x_j; 0, h^2 I)), j = i included */
  SWF_ENTROPY_NEIGHBOURS = 1, /* -(1/K) sum_k [psi(n) - psi(k) + log V_d + (d/n) sum_i log r_{i,k}], r_{i,k} the
                                 distance from x_i to its k-th nearest neighbour, V_d the unit ball's volume */
  SWF_ENTROPY_ESTIMATOR_FORCE_32BIT = 0x7fffffff
} swf_entropy_estimator;

typedef struct swf_jko_params {
  size_t struct_size;              /* sizeof(swf_jko_params), set by swf_jko_params_init */
  float tau;                       /* the JKO step, > 0; default 0.1 */
  uint32_t inner_steps;            /* Adam steps per JKO step, >= 1; default 50 */
  float learning_rate;             /* Adam's step, > 0; default 1e-2 */
  uint32_t num_directions;         /* L >= 1 fresh Gaussian directions per Adam step; default 64 */
  uint32_t objective_directions;   /* fixed directions of swf_jko_objective's SW term, >= 1; default 256 */
  float target_weight;             /* >= 0; default 0 */
  const float *target;             /* target_count x d samples, copied by swf_jko_create; needed when
                                      target_weight > 0, else ignored */
  size_t target_count;             /* m */
  float potential_weight;          /* >= 0; default 0 */
  const float *potential_matrix;   /* A, d x d, symmetric positive definite, copied; NULL: the identity */
  const float *potential_center;   /* b, d values, copied; NULL: 0 */
  float interaction_weight;        /* >= 0; default 0 */
  float interaction_a;             /* the attractive exponent a > b; default 4 */
  float interaction_b;             /* the repulsive exponent b >= 0 (0: -log|z|); default 2 */
  float entropy_weight;            /* >= 0; default 0 */
  float bandwidth;                 /* h > 0 of the kernel density estimate; default 0.1 */
  swf_jko_variant variant;         /* default SWF_JKO_PARTICLES. For SWF_JKO_GENERATOR learning_rate is Adam's
                                      step on g's weights (1e-3 to 1e-2 work; see tests/jko_generator_test.cpp) */
  uint32_t generator_width;        /* the generator's units per hidden layer, >= 1; default 64 (else ignored) */
  uint32_t generator_depth;        /* its hidden layers, 1 .. 64; default 3 */
  swf_activation generator_activation; /* default SWF_ACTIVATION_SILU */
  swf_entropy_estimator entropy_estimator; /* default SWF_ENTROPY_NEIGHBOURS (a struct without this field, of
                                      an earlier version, gets SWF_ENTROPY_KERNEL) */
  uint32_t entropy_neighbours;     /* K >= 1 of SWF_ENTROPY_NEIGHBOURS, < the particle count; default 8 */
  uint32_t generator_time_conditioned; /* SWF_JKO_GENERATOR: 1 for one network f(z, t) for all steps, rho_k =
                                      f(., k tau)#mu, any step sampled in one pass (swf_jko_sample_at); 0
                                      (default): g = f(., 1) holds the last step only */
  float generator_time_scale;      /* T > 0, in the scheme's time: f's gate t/T reaches 1 at t = T (the time of
                                      the last step you will take works well); default 1 */
} swf_jko_params;

/* Fills *p with the defaults above. NULL is a no-op. Thread-safe. */
SWF_API void swf_jko_params_init(swf_jko_params *p);

/* Creates an SW-JKO scheme in dimension d; the arrays of p are copied (p may be released after the call).
 * It has no particles until swf_jko_init_particles or swf_jko_set_particles.
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL ctx/p/out, struct_size too small, d zero, tau, learning_rate or
 * bandwidth <= 0 or not finite, inner_steps, L or objective_directions zero, a weight < 0 or not finite, every
 * weight 0, target NULL or target_count zero with target_weight > 0, NaN/Inf in target, A or b, A not symmetric
 * or not positive definite (a Cholesky factorisation fails), interaction exponents not finite or not
 * a > b >= 0, variant not an swf_jko_variant, for the generator width 0, depth 0 or > 64 or activation not an
 * swf_activation, entropy_estimator not an swf_entropy_estimator, entropy_neighbours 0 or > 64);
 * SWF_ERR_OUT_OF_MEMORY.
 * On failure *out is NULL. The caller owns *out and releases it with swf_jko_destroy. */
SWF_API swf_status swf_jko_create(swf_context ctx, const swf_jko_params *p, size_t d, swf_jko *out);

/* Replaces the particles by n fresh draws of N(0, scale^2 I) or U[-scale, scale]^d from the context's seed;
 * the step count restarts at 0. For the generator: a fresh generator g = identity pushing that law forward
 * (weights from the context's seed), n samples per minibatch, and these draws as rho_0's samples. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL, n zero, n*d overflowing, scale <= 0 or not finite, unknown init, n <= K with
 * the nearest-neighbour entropy); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_jko_init_particles(swf_jko j, size_t n, swf_init init, float scale);

/* Replaces the particles by a copy of x (n x d); the step count restarts at 0. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL, n zero, n*d overflowing, NaN/Inf in x, n <= K with the nearest-neighbour
 * entropy); SWF_ERR_UNSUPPORTED (a generator
 * scheme: it pushes forward its own law); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_jko_set_particles(swf_jko j, const float *x, size_t n);

/* Runs `steps` JKO steps (0 is allowed), each of inner_steps Adam steps on F + SW_2^2(., x_k) / (2 tau).
 * Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, no particles yet); SWF_ERR_OUT_OF_MEMORY; SWF_ERR_DEVICE.
 * After SWF_ERR_INVALID_ARGUMENT or SWF_ERR_OUT_OF_MEMORY the particles (and a generator's weights) are
 * those of the last completed step; after SWF_ERR_DEVICE (a kernel that failed on the GPU) they are
 * unspecified. */
SWF_API swf_status swf_jko_step(swf_jko j, uint32_t steps);

/* Copies the particles (n x d) into out; n must be the particle count. For the generator: the n samples of
 * rho_k drawn when the last step completed (rho_0's draws before any), the points the objective and a recorder
 * see. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, no particles yet, n not the count). */
SWF_API swf_status swf_jko_get_particles(swf_jko j, float *out, size_t n);

/* F at the current particles into *total, and, when terms is not NULL, its four terms unweighted:
 * terms[0] = 1/2 SW_2^2 to the target (along the objective's fixed directions; 0 without a target),
 * terms[1] = E[V], terms[2] = 1/2 E[W(X - X')], terms[3] = the estimated negative entropy (0 for a term whose
 * weight is 0). Deterministic: the same particles give the same value. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL j/total, no particles yet); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_jko_objective(swf_jko j, double *total, double *terms);

/* The particle count (0 before any), the dimension, the JKO steps taken and the time (steps x tau). Any output
 * may be NULL. SWF_ERR_INVALID_ARGUMENT if j is NULL. */
SWF_API swf_status swf_jko_info(swf_jko j, size_t *n, size_t *d, uint64_t *step, double *time);

/* Generator only: n fresh samples g(z) of the current generator into out (n x d, any n >= 1), z drawn from the
 * scheme's own random stream (each call draws new ones). Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL, n zero,
 * n*d overflowing, no generator yet); SWF_ERR_UNSUPPORTED (a particle scheme: read swf_jko_get_particles);
 * SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_jko_sample(swf_jko j, size_t n, float *out);

/* Time-conditioned generator only: n fresh samples f(z, time) into out (n x d, any n >= 1), time in the scheme's
 * time from 0 to the last step's (swf_jko_info): at time k tau, rho_k. A step k + 1 trains f at (k + 1) tau on
 * fresh draws beside n replay rows, pairs (z, f(z, j tau)) kept when each earlier step j completed and regressed
 * on (loss 1/(2n) sum |f - x_j|^2): earlier steps keep their law while the network learns the next one (on the
 * ring problem of tests/jko_generator_test.cpp, within sampling noise of what each step drew when it completed);
 * the kept pairs cost n x d x 2 floats of host memory per step, and each Adam step maps 2n rows. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT
 * (NULL, n zero, n*d overflowing, no generator yet, time outside [0, steps x tau] or not finite);
 * SWF_ERR_UNSUPPORTED (a particle scheme, or a generator that is not time-conditioned and a time other than its
 * last step's); SWF_ERR_OUT_OF_MEMORY. */
SWF_API swf_status swf_jko_sample_at(swf_jko j, double time, size_t n, float *out);

/* Generator only: saves g as a model file of swf_model_save's format (atomically), f(z, t) with time scale
 * T = 1 and the initial law of swf_jko_init_particles: swf_model_load + swf_model_sample(m, n, 1.0, out), or
 * swf-run sample, draw from rho_k; a time-conditioned generator is saved with its time scale T, and
 * swf_model_sample(m, n, k tau, out) draws rho_k of any step taken. Returns SWF_OK; SWF_ERR_INVALID_ARGUMENT (NULL,
 * no generator yet);
 * SWF_ERR_UNSUPPORTED (a particle scheme); SWF_ERR_IO. */
SWF_API swf_status swf_jko_save_generator(swf_jko j, const char *path);

/* Starts recording j into the H5MD trajectory `path`, as swf_recorder_create does for a flow: frames in
 * /particles/flow/position (time = step x tau), the target (if any) in /particles/target/position, F in
 * /observables/energy, SW_2 to the target (the objective's fixed directions) in /observables/sw2 when there is a
 * target and p->sw2_directions > 0, and under /parameters/swflow scheme = "jko" with every parameter (jko_*).
 * For the generator the frames are its n samples of each recorded step (swf_jko_get_particles).
 * swf_recorder_append, _checkpoint (publishes a complete copy), _close and _discard work on the returned
 * recorder; each checkpoint holds the scheme's state (particles, random streams' counters, a generator's
 * weights and replay pairs), which swf_jko_recorder_resume continues; the file cannot be resumed or loaded as a
 * flow (SWF_ERR_FORMAT). j must have particles and outlive the recorder. Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL, bad params, no particles); SWF_ERR_IO. */
SWF_API swf_status swf_jko_recorder_create(swf_jko j, const char *path, const swf_record_params *p,
                                           swf_recorder *out);

/* Resumes the SW-JKO trajectory `path` written by a JKO recorder: *jko_out is the scheme at the file's last
 * checkpoint, built from the file's parameters (jko_*), seed and target on ctx's backend, and *recorder_out
 * continues the file with the frames after the checkpoint trimmed (p->config, if set, replaces the stored one;
 * the other fields of p are ignored). On the same backend the resumed run takes the same steps, bit for bit, as
 * one never interrupted. The caller owns both (close the recorder, then destroy the scheme). Returns SWF_OK;
 * SWF_ERR_INVALID_ARGUMENT (NULL); SWF_ERR_IO; SWF_ERR_FORMAT (not an SW-JKO trajectory, no checkpoint, or
 * parameters that swf_jko_create refuses). */
SWF_API swf_status swf_jko_recorder_resume(swf_context ctx, const char *path, const swf_record_params *p,
                                           swf_jko *jko_out, swf_recorder *recorder_out);

/* Releases a JKO scheme. NULL is a no-op. */
SWF_API void swf_jko_destroy(swf_jko j);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SWFLOW_H */
