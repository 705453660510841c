// The learned flow (design section 1.3): f(x0, t) = x0 + (t/T) g([x0, gamma(t)]), g an MLP with
// `depth` hidden layers of `width` units, gamma(t) = [t/T, sin(2^k pi t/T), cos(2^k pi t/T), k < F].
// f(x0, 0) = x0 by construction. Parameters live in one flat buffer of the backend (Adam runs over it
// in one pass); activations of the last forward pass are kept for the backward pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"

namespace swf {

struct MlpConfig {
  size_t dim = 2;                 // d
  uint32_t width = 128;           // units per hidden layer
  uint32_t depth = 3;             // hidden layers (>= 1)
  MlpActivation activation = MlpActivation::silu;
  uint32_t frequencies = 2;       // F: Fourier features of t (2^F well below the number of frames)
  float time_scale = 1.0f;        // T: the time at which t/T = 1 (the end of the training trajectory)
  swf_init initial_law = SWF_INIT_GAUSSIAN;  // the law of x0 (what sample() draws)
  float initial_scale = 1.0f;
};

// One named parameter array, in host memory, for files: "layer<i>/weight" (in x out) and
// "layer<i>/bias" (out), layer 0 first, the output layer last.
struct NamedArray {
  std::string name;
  std::vector<size_t> shape;
  std::vector<float> values;
};

class Mlp {
 public:
  // Weights drawn from the seed (Glorot-uniform; the output layer at zero, so f = x0 at the start).
  Mlp(std::shared_ptr<Backend> backend, const MlpConfig& config, uint64_t seed);

  const MlpConfig& config() const { return config_; }
  Backend* backend() const { return backend_.get(); }
  size_t parameter_count() const { return parameter_count_; }
  uint64_t adam_steps() const { return adam_steps_; }

  // out (n x d) = f(x0, t); x0 (n x d), t (n), out: backend memory. A batch larger than any seen in training
  // (and than 16,384 rows) is mapped in chunks of that size, so that its activations are never all held.
  void forward(const float* x0, const float* t, size_t n, float* out);

  // The loss 1/(n d) sum |f(x0_i, t_i) - y_i|^2 and its gradient with respect to every parameter (the flat
  // layout of parameters()), into backend memory `gradient` (parameter_count()).
  double loss_and_gradient(const float* x0, const float* t, const float* y, size_t n, float* gradient);

  // One Adam step on a minibatch; returns the loss before the step.
  double train_step(const float* x0, const float* t, const float* y, size_t n, const AdamParams& adam);

  // For any loss of the outputs, given its gradient output_gradient (n x d, backend memory) with respect to
  // out = f(x0, t) at the current parameters: the gradient with respect to every parameter, into `gradient`
  // (backend memory, parameter_count()). A generator trained on a loss of its samples (an SW distance, a
  // functional of a JKO step) supplies the samples' gradient and gets the parameters'.
  void output_gradient_backward(const float* x0, const float* t, size_t n, const float* output_gradient,
                                float* gradient);
  // One Adam step on such a loss.
  void train_step_output_gradient(const float* x0, const float* t, size_t n, const float* output_gradient,
                                  const AdamParams& adam);

  // A fresh Adam optimiser (moments at zero, bias correction from step 1) for a new minimisation problem, as
  // each SW-JKO step is; adam_steps() keeps counting every step taken.
  void reset_optimizer();

  // Host copies of the parameters (and back), in the order of the flat buffer.
  std::vector<NamedArray> parameters() const;
  void set_parameters(const std::vector<NamedArray>& arrays);
  // The flat buffer itself, for tests: host copies in and out.
  std::vector<float> flat_parameters() const;
  void set_flat_parameters(const std::vector<float>& values);

 private:
  struct Layer {
    size_t inputs, outputs, weight_offset, bias_offset;
  };
  void reserve_activations(size_t n);
  // One pass over n rows that fit the activation buffers, keeping every layer's input and pre-activation.
  void forward_kept(const float* x0, const float* t, size_t n, float* out);
  // The parameter gradient of the last forward_kept pass, from d loss / d g in grad_a_.
  void backward(size_t n, float* gradient);
  void adam_step(const AdamParams& adam);

  std::shared_ptr<Backend> backend_;
  MlpConfig config_;
  std::vector<Layer> layers_;
  size_t parameter_count_ = 0;
  uint64_t adam_steps_ = 0;
  uint64_t optimizer_steps_ = 0;  // Adam steps since the optimiser was created or reset: its bias correction
  Buffer<float> weights_, gradient_, first_moment_, second_moment_;
  // Per layer: its input (n x inputs) and its pre-activation (n x outputs); grown to the largest batch.
  std::vector<Buffer<float>> inputs_, pre_activations_;
  Buffer<float> output_g_, grad_a_, grad_b_;
  Buffer<float> output_;  // f(x0, t) of a training batch (n x d)
  Buffer<float> target_;  // the regression target equivalent to a given output gradient (n x d)
  Buffer<float> ones_;    // n ones: the output layer's bias enters as a rank-1 GEMM, ones (n x 1) * bias (1 x d)
  size_t activations_rows_ = 0;
};

}  // namespace swf
