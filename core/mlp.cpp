#include "mlp.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "error.hpp"
#include "philox.hpp"

namespace swf {

namespace {

// The draw of the initial weights: stream `initial`, index "MLP" (the flow's particle draws count up from 0).
constexpr uint64_t weight_draw_index = 0x4D4C50;
// forward() maps a larger batch than training has seen in chunks of this many rows (or of the largest
// training batch), so that sampling millions of points does not keep millions of rows of activations.
constexpr size_t forward_chunk_rows = 16384;

std::string shape_text(const std::vector<size_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string layer_name(size_t layer, const char* what) { return "layer" + std::to_string(layer) + "/" + what; }

void check_config(const MlpConfig& config) {
  if (config.dim == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's dimension d is 0");
  if (config.width == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's width is 0");
  if (config.depth == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's depth is 0: it needs at least one hidden layer");
  if (config.activation != MlpActivation::silu && config.activation != MlpActivation::relu &&
      config.activation != MlpActivation::tanh)
    fail(SWF_ERR_INVALID_ARGUMENT, "unknown MLP activation " + std::to_string(static_cast<int>(config.activation)));
  if (!(std::isfinite(config.time_scale) && config.time_scale > 0.0f))
    fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's time scale T must be finite and > 0");
}

void check_adam(const AdamParams& adam) {
  if (!(std::isfinite(adam.learning_rate) && adam.learning_rate >= 0.0f))
    fail(SWF_ERR_INVALID_ARGUMENT, "Adam's learning rate must be finite and >= 0");
  if (!(adam.beta1 >= 0.0f && adam.beta1 < 1.0f) || !(adam.beta2 >= 0.0f && adam.beta2 < 1.0f))
    fail(SWF_ERR_INVALID_ARGUMENT, "Adam's beta1 and beta2 must lie in [0, 1)");
  if (!(std::isfinite(adam.epsilon) && adam.epsilon > 0.0f))
    fail(SWF_ERR_INVALID_ARGUMENT, "Adam's epsilon must be finite and > 0");
}

}  // namespace

Mlp::Mlp(std::shared_ptr<Backend> backend, const MlpConfig& config, uint64_t seed)
    : backend_(std::move(backend)),
      config_(config),
      weights_(backend_.get()),
      gradient_(backend_.get()),
      first_moment_(backend_.get()),
      second_moment_(backend_.get()),
      output_g_(backend_.get()),
      grad_a_(backend_.get()),
      grad_b_(backend_.get()),
      output_(backend_.get()),
      target_(backend_.get()),
      ones_(backend_.get()) {
  check_config(config_);
  // Layer 0 reads [x0, t/T, sin, cos of F frequencies]; `depth` hidden layers of `width`; a linear layer of d.
  size_t inputs = config_.dim + 1 + 2 * size_t{config_.frequencies};
  for (uint32_t l = 0; l <= config_.depth; ++l) {
    const size_t outputs = l < config_.depth ? config_.width : config_.dim;
    const size_t weight_offset = parameter_count_;
    layers_.push_back(Layer{inputs, outputs, weight_offset, weight_offset + inputs * outputs});
    parameter_count_ += inputs * outputs + outputs;
    inputs = outputs;
  }

  // Glorot-uniform weights, U[-sqrt(6/(in + out)), +sqrt(6/(in + out))], element e of the flat buffer from
  // element e of the draw; biases at zero; the output layer all zero, so that g = 0 and f(x0, t) = x0.
  std::vector<float> host(parameter_count_, 0.0f);
  const RandomDraw draw{seed, Stream::initial, weight_draw_index};
  for (size_t l = 0; l + 1 < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const double limit = std::sqrt(6.0 / static_cast<double>(layer.inputs + layer.outputs));
    for (size_t e = layer.weight_offset; e < layer.bias_offset; ++e)
      host[e] = static_cast<float>(limit * (2.0 * draw.uniform(e) - 1.0));
  }
  weights_.upload(host.data(), parameter_count_);
  std::fill(host.begin(), host.end(), 0.0f);
  first_moment_.upload(host.data(), parameter_count_);
  second_moment_.upload(host.data(), parameter_count_);
  gradient_.reserve(parameter_count_);

  inputs_.reserve(layers_.size());
  for (size_t l = 0; l < layers_.size(); ++l) inputs_.emplace_back(backend_.get());
  pre_activations_.reserve(config_.depth);
  for (uint32_t l = 0; l < config_.depth; ++l) pre_activations_.emplace_back(backend_.get());
}

void Mlp::reserve_activations(size_t n) {
  if (n <= activations_rows_) return;
  for (size_t l = 0; l < layers_.size(); ++l) inputs_[l].reserve(n * layers_[l].inputs);
  for (uint32_t l = 0; l < config_.depth; ++l) pre_activations_[l].reserve(n * config_.width);
  const size_t widest = std::max<size_t>(config_.width, config_.dim);
  output_g_.reserve(n * config_.dim);
  output_.reserve(n * config_.dim);
  grad_a_.reserve(n * widest);
  grad_b_.reserve(n * widest);
  const std::vector<float> ones(n, 1.0f);
  ones_.upload(ones.data(), n);
  activations_rows_ = n;
}

void Mlp::forward_kept(const float* x0, const float* t, size_t n, float* out) {
  reserve_activations(n);
  Backend& backend = *backend_;
  const float* weights = weights_.data();
  backend.time_features(x0, t, n, config_.dim, config_.frequencies, config_.time_scale, inputs_[0].data());
  for (uint32_t l = 0; l < config_.depth; ++l) {
    const Layer& layer = layers_[l];
    float* y = inputs_[l + 1].data();
    backend.gemm(false, false, n, layer.outputs, layer.inputs, 1.0f, inputs_[l].data(), weights + layer.weight_offset,
                 0.0f, y);
    backend.bias_activation(y, weights + layer.bias_offset, n, layer.outputs, config_.activation,
                            pre_activations_[l].data());
  }
  // The linear output layer: g = ones * bias + X W.
  const Layer& last = layers_.back();
  float* g = output_g_.data();
  backend.gemm(false, false, n, last.outputs, 1, 1.0f, ones_.data(), weights + last.bias_offset, 0.0f, g);
  backend.gemm(false, false, n, last.outputs, last.inputs, 1.0f, inputs_[config_.depth].data(),
               weights + last.weight_offset, 1.0f, g);
  backend.time_gate(x0, t, g, n, config_.dim, config_.time_scale, out);
}

void Mlp::forward(const float* x0, const float* t, size_t n, float* out) {
  const size_t chunk = std::max(activations_rows_, forward_chunk_rows), d = config_.dim;
  for (size_t first = 0; first < n; first += chunk)
    forward_kept(x0 + first * d, t + first, std::min(chunk, n - first), out + first * d);
}

void Mlp::backward(size_t n, float* gradient) {
  Backend& backend = *backend_;
  const float* weights = weights_.data();
  // grad_out holds d loss / d (the current layer's output), grad_in receives the next one down.
  float* grad_out = grad_a_.data();
  float* grad_in = grad_b_.data();
  for (size_t l = layers_.size(); l-- > 0;) {
    const Layer& layer = layers_[l];
    if (l < config_.depth) {
      backend.activation_backward(pre_activations_[l].data(), grad_out, n, layer.outputs, config_.activation, grad_in);
      std::swap(grad_out, grad_in);
    }
    // Z = X W + b: dW = X^T dZ, db = the column sums of dZ, dX = dZ W^T.
    backend.gemm(true, false, layer.inputs, layer.outputs, n, 1.0f, inputs_[l].data(), grad_out, 0.0f,
                 gradient + layer.weight_offset);
    backend.column_sums(grad_out, n, layer.outputs, false, gradient + layer.bias_offset);
    if (l > 0) {
      backend.gemm(false, true, n, layer.inputs, layer.outputs, 1.0f, grad_out, weights + layer.weight_offset, 0.0f,
                   grad_in);
      std::swap(grad_out, grad_in);
    }
  }
}

double Mlp::loss_and_gradient(const float* x0, const float* t, const float* y, size_t n, float* gradient) {
  if (n == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's loss needs a batch of at least one row");
  reserve_activations(n);  // before output_.data() is taken
  forward_kept(x0, t, n, output_.data());
  const double loss =
      backend_->regression_gradient(output_.data(), y, t, n, config_.dim, config_.time_scale, grad_a_.data());
  backward(n, gradient);
  return loss;
}

void Mlp::output_gradient_backward(const float* x0, const float* t, size_t n, const float* output_gradient,
                                   float* gradient) {
  if (n == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the MLP's output gradient needs a batch of at least one row");
  reserve_activations(n);
  forward_kept(x0, t, n, output_.data());
  // The regression loss 1/(n d) |out - y|^2 has output gradient 2 (out - y) / (n d): the target
  // y = out - (n d / 2) output_gradient gives exactly this gradient, through the same time-gate kernel.
  const size_t d = config_.dim;
  target_.reserve(n * d);
  backend_->copy(target_.data(), output_.data(), n * d * sizeof(float));
  backend_->update_particles(target_.data(), output_gradient, n, d, -0.5f * static_cast<float>(n * d), 0.0f,
                             RandomDraw{0, Stream::model, 0});
  backend_->regression_gradient(output_.data(), target_.data(), t, n, d, config_.time_scale, grad_a_.data());
  backward(n, gradient);
}

void Mlp::adam_step(const AdamParams& adam) {
  backend_->adam_update(weights_.data(), gradient_.data(), first_moment_.data(), second_moment_.data(),
                        parameter_count_, adam, optimizer_steps_ + 1);
  ++adam_steps_;
  ++optimizer_steps_;
}

void Mlp::reset_optimizer() {
  const std::vector<float> zeros(parameter_count_, 0.0f);
  first_moment_.upload(zeros.data(), parameter_count_);
  second_moment_.upload(zeros.data(), parameter_count_);
  optimizer_steps_ = 0;
}

double Mlp::train_step(const float* x0, const float* t, const float* y, size_t n, const AdamParams& adam) {
  check_adam(adam);
  const double loss = loss_and_gradient(x0, t, y, n, gradient_.data());
  adam_step(adam);
  return loss;
}

void Mlp::train_step_output_gradient(const float* x0, const float* t, size_t n, const float* output_gradient,
                                     const AdamParams& adam) {
  check_adam(adam);
  output_gradient_backward(x0, t, n, output_gradient, gradient_.data());
  adam_step(adam);
}

std::vector<NamedArray> Mlp::parameters() const {
  const std::vector<float> flat = flat_parameters();
  std::vector<NamedArray> arrays;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const auto at = [&](size_t offset) { return flat.begin() + static_cast<std::ptrdiff_t>(offset); };
    arrays.push_back(NamedArray{layer_name(l, "weight"),
                                {layer.inputs, layer.outputs},
                                std::vector<float>(at(layer.weight_offset), at(layer.bias_offset))});
    arrays.push_back(NamedArray{layer_name(l, "bias"),
                                {layer.outputs},
                                std::vector<float>(at(layer.bias_offset), at(layer.bias_offset + layer.outputs))});
  }
  return arrays;
}

void Mlp::set_parameters(const std::vector<NamedArray>& arrays) {
  // Every array of this architecture exactly once, in any order; nothing changes unless all are right.
  struct Slot {
    std::vector<size_t> shape;
    size_t offset;
    bool seen;
  };
  std::map<std::string, Slot> slots;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    slots[layer_name(l, "weight")] = Slot{{layer.inputs, layer.outputs}, layer.weight_offset, false};
    slots[layer_name(l, "bias")] = Slot{{layer.outputs}, layer.bias_offset, false};
  }
  const std::string architecture = "this model (d " + std::to_string(config_.dim) + ", width " +
                                   std::to_string(config_.width) + ", depth " + std::to_string(config_.depth) + ", " +
                                   std::to_string(config_.frequencies) + " frequencies)";
  std::vector<float> flat(parameter_count_);
  for (const NamedArray& array : arrays) {
    const auto slot = slots.find(array.name);
    if (slot == slots.end())
      fail(SWF_ERR_FORMAT, "parameter array \"" + array.name + "\" is not one of " + architecture +
                               ": layer0 to layer" + std::to_string(layers_.size() - 1) +
                               ", each with \"weight\" and \"bias\"");
    if (slot->second.seen) fail(SWF_ERR_FORMAT, "parameter array \"" + array.name + "\" is given twice");
    if (array.shape != slot->second.shape)
      fail(SWF_ERR_FORMAT, "parameter array \"" + array.name + "\" has shape " + shape_text(array.shape) + ", " +
                               architecture + " expects " + shape_text(slot->second.shape));
    size_t count = 1;
    for (size_t extent : array.shape) count *= extent;
    if (array.values.size() != count)
      fail(SWF_ERR_FORMAT, "parameter array \"" + array.name + "\" has shape " + shape_text(array.shape) + " but " +
                               std::to_string(array.values.size()) + " values");
    if (!std::all_of(array.values.begin(), array.values.end(), [](float v) { return std::isfinite(v); }))
      fail(SWF_ERR_FORMAT, "parameter array \"" + array.name + "\" holds a NaN or an infinity");
    std::copy(array.values.begin(), array.values.end(),
              flat.begin() + static_cast<std::ptrdiff_t>(slot->second.offset));
    slot->second.seen = true;
  }
  for (const auto& [name, slot] : slots)
    if (!slot.seen) fail(SWF_ERR_FORMAT, "parameter array \"" + name + "\" of " + architecture + " is missing");
  weights_.upload(flat.data(), parameter_count_);
}

std::vector<float> Mlp::flat_parameters() const {
  std::vector<float> flat(parameter_count_);
  weights_.download(flat.data(), parameter_count_);
  return flat;
}

void Mlp::set_flat_parameters(const std::vector<float>& values) {
  if (values.size() != parameter_count_)
    fail(SWF_ERR_INVALID_ARGUMENT,
         "the MLP has " + std::to_string(parameter_count_) + " parameters, not " + std::to_string(values.size()));
  weights_.upload(values.data(), parameter_count_);
}

}  // namespace swf
