// The Backend interface: the operations where the CPU and the GPU really differ (memory, random
// draws, GEMMs, per-direction sorts and transport, the noisy update). Pointers passed to these
// operations are the backend's own memory (host memory for the CPU backend, device memory for CUDA),
// obtained through Buffer. core/ drives the algorithm with these operations only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "direction_blocks.hpp"
#include "philox.hpp"
#include "swflow.h"

namespace swf {

enum class MlpActivation : int32_t { silu = 0, relu = 1, tanh = 2 };

struct AdamParams {
  float learning_rate = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual swf_backend kind() const = 0;
  // One line naming what computes: "cpu: ..." or "cuda: device 0, <name>, ...".
  virtual std::string describe() const = 0;

  // Waits until every operation queued so far has run, and reports a failure of one of them (SWF_ERR_DEVICE).
  // Operations may return before their work is done (the CUDA backend queues it on a stream): the public
  // calls that queue work without reading a result back end with this, so a failure is reported by the call
  // that caused it. The default (the CPU backend) has nothing to wait for.
  virtual void synchronize() {}
  // Projection entries one block of directions may hold for the larger point set (core/direction_blocks.hpp):
  // the rows that one call of project, sort and transport covers. The default (the CPU's): kProjectionBudget.
  virtual size_t projection_budget() const { return kProjectionBudget; }
  // Lets the GEMMs use TF32 tensor cores (inputs rounded to 10-bit mantissas, sums in float32). The default
  // (the CPU backend, float32 GEMMs) ignores it.
  virtual void set_tf32(bool enabled) { (void)enabled; }
  // Makes room for the scratch memory that drawing L directions of dimension d (`mode`) and transporting
  // `block` directions of n particles to m targets will need, so that the steps of a flow that follow do not
  // allocate. The default (memory is allocated per call, the CPU backend) does nothing.
  virtual void reserve_transport(swf_directions mode, uint32_t L, uint32_t block, size_t n, size_t m, size_t d) {
    (void)mode, (void)L, (void)block, (void)n, (void)m, (void)d;
  }

  // Memory. allocate throws Error(SWF_ERR_OUT_OF_MEMORY) on failure; release accepts nullptr.
  virtual void* allocate(size_t bytes) = 0;
  virtual void release(void* ptr) noexcept = 0;
  virtual void upload(void* device_dst, const void* host_src, size_t bytes) = 0;
  virtual void download(void* host_dst, const void* device_src, size_t bytes) = 0;
  virtual void copy(void* device_dst, const void* device_src, size_t bytes) = 0;

  // theta (L x d) <- L unit directions: normalised Gaussians, or orthonormal blocks of d rows.
  virtual void draw_directions(swf_directions mode, const RandomDraw& draw, uint32_t L, size_t d,
                               float* theta) = 0;
  // points (count x d) <- N(0, scale^2 I) or U[-scale, scale]^d.
  virtual void draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d,
                           float* points) = 0;

  // projections (L x count, one row per direction) = theta (L x d) * points^T (count x d)^T.
  virtual void project(const float* theta, uint32_t L, const float* points, size_t count, size_t d,
                       float* projections) = 0;

  // Each of the L rows of target_projections (L x m) is sorted ascending in place, and
  // prefix (L x (m + 1)) receives the running sums of each sorted row, starting at 0.
  virtual void sort_target_projections(float* target_projections, uint32_t L, size_t m, double* prefix) = 0;

  // Each row l of projections (L x n) is replaced by the displacement T_l(x_i) - p_il, where T_l is the
  // exact 1-D optimal transport of the uniform measure on the row to the one on the sorted target row
  // (design section 1.1; ranks break ties by index).
  virtual void transport_displacement(float* projections, uint32_t L, size_t n, const float* sorted_target,
                                      const double* prefix, size_t m) = 0;

  // velocity (n x d) = displacement^T (n x L) * theta (L x d) + (accumulate ? velocity : 0).
  virtual void accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n,
                                   size_t d, bool accumulate, float* velocity) = 0;

  // x += scale * velocity + noise_sigma * xi, xi ~ N(0, I) from `draw` (no draw when noise_sigma = 0).
  virtual void update_particles(float* x, const float* velocity, size_t n, size_t d, float scale,
                                float noise_sigma, const RandomDraw& draw) = 0;

  // wpp[l] (host memory) = W_p^p between the uniform measures on row l of x_projections (L x n) and
  // row l of y_projections (L x m). Both arrays are sorted in place.
  virtual void wasserstein_1d(float* x_projections, size_t n, float* y_projections, size_t m, uint32_t L,
                              double p, double* wpp) = 0;

  // ---- the layers of the learned flow's MLP (core/mlp.cpp); every array row-major ----------------------
  // The default implementations fail with SWF_ERR_UNSUPPORTED: a backend that has no MLP kernels yet.

  // c (m x n) = alpha * op(a) * op(b) + beta * c, with op(a) m x k and op(b) k x n.
  virtual void gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a,
                    const float* b, float beta, float* c);
  // pre (rows x cols) = y + bias (per column); y = act(pre). pre keeps what the backward pass needs.
  virtual void bias_activation(float* y, const float* bias, size_t rows, size_t cols, MlpActivation activation,
                               float* pre);
  // grad_pre = grad_y * act'(pre), elementwise.
  virtual void activation_backward(const float* pre, const float* grad_y, size_t rows, size_t cols,
                                   MlpActivation activation, float* grad_pre);
  // sums (cols) = the column sums of x (rows x cols), accumulated into sums when accumulate.
  virtual void column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums);
  // features (n x (d + 1 + 2 F)) = [x0, t/T, sin(2^k pi t/T), cos(2^k pi t/T) for k < F], t (n).
  virtual void time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies,
                             float time_scale, float* features);
  // out (n x d) = x0 + (t/T) * g: the identity at t = 0.
  virtual void time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale,
                         float* out);
  // For the loss 1/(n d) sum (out - y)^2: grad_g (n x d) = (2/(n d)) (t/T) (out - y); returns the loss.
  virtual double regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d,
                                     float time_scale, float* grad_g);
  // One Adam step (Kingma and Ba, bias-corrected, step number `step` >= 1) on `count` parameters.
  virtual void adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment,
                           size_t count, const AdamParams& adam, uint64_t step);

  // ---- the functionals of SW-JKO (core/jko.cpp), per particle ------------------------------------------
  // Gradients are those of the empirical functional with respect to particle i, times n (so each reads as the
  // gradient of the integrand at x_i), added to grad (n x d) times `weight`. When `energy` is not NULL it
  // receives the functional's value (in double). The defaults fail with SWF_ERR_UNSUPPORTED.

  // V(x) = 1/2 (x - b)^T A (x - b), A (d x d, symmetric), b (d): grad += weight A (x_i - b);
  // energy = (1/n) sum_i V(x_i).
  virtual void potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight,
                                  float* grad, double* energy);
  // W(z) = |z|^a / a - |z|^b / b (an exponent 0 stands for log|z|):
  // grad += weight (1/n) sum_{j != i} grad W(x_i - x_j); energy = 1/(2 n^2) sum_{i != j} W(x_i - x_j).
  // Coincident pairs are skipped.
  virtual void interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                                    double* energy);
  // The negative entropy of the Gaussian kernel density estimate with bandwidth h,
  // energy = (1/n) sum_i log((1/n) sum_j K_h(x_i - x_j)) (j = i included), differentiated exactly.
  virtual void entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad,
                                double* energy);
  // The negative entropy by the Kozachenko-Leonenko estimate averaged over the first K < n nearest neighbours
  // (cpu/neighbour_entropy_gradient.hpp), differentiated exactly; energy = that estimate.
  virtual void neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight,
                                          float* grad, double* energy);
};

// A typed array in a backend's memory. Move-only; grows without keeping its content.
template <class T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(Backend* backend) : backend_(backend) {}
  Buffer(Backend* backend, size_t count) : backend_(backend) { reserve(count); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept { swap(other); }
  Buffer& operator=(Buffer&& other) noexcept {
    Buffer(std::move(other)).swap(*this);
    return *this;
  }
  ~Buffer() {
    if (backend_) backend_->release(data_);
  }

  // Ensures room for `count` elements; existing content is lost when it grows.
  void reserve(size_t count) {
    if (count <= capacity_) return;
    T* grown = static_cast<T*>(backend_->allocate(count * sizeof(T)));
    backend_->release(data_);
    data_ = grown;
    capacity_ = count;
  }
  void upload(const T* host, size_t count) {
    reserve(count);
    backend_->upload(data_, host, count * sizeof(T));
  }
  void download(T* host, size_t count) const { backend_->download(host, data_, count * sizeof(T)); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t capacity() const { return capacity_; }

  void swap(Buffer& other) noexcept {
    std::swap(backend_, other.backend_);
    std::swap(data_, other.data_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  Backend* backend_ = nullptr;
  T* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace swf
