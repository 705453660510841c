#include "datasets.hpp"

#include <cmath>
#include <vector>

#include "philox.hpp"

namespace swf {

const char* const kDatasetNames = "moons,swiss-roll,8-gaussians,checkerboard,rings,gaussian";

namespace {

constexpr double kPi = 3.14159265358979323846;

// Sample i uses the four uniforms / normals of block i of the draw, so samples are independent of n.
struct Sample {
  const RandomDraw& draw;
  uint64_t i;
  double uniform(unsigned k) const { return draw.uniform(4 * i + k); }
  double normal(unsigned k) const { return draw.normal(4 * i + k); }
};

void moons(const Sample& s, float* out) {
  const double angle = kPi * s.uniform(0);
  const bool upper = s.uniform(1) < 0.5;
  const double x = upper ? std::cos(angle) : 1.0 - std::cos(angle);
  const double y = upper ? std::sin(angle) : 0.5 - std::sin(angle);
  out[0] = float(x + 0.05 * s.normal(2));
  out[1] = float(y + 0.05 * s.normal(3));
}

void swiss_roll(const Sample& s, float* out) {
  const double t = 1.5 * kPi * (1.0 + 2.0 * s.uniform(0));
  out[0] = float(t * std::cos(t) / 5.0 + 0.05 * s.normal(2));
  out[1] = float(t * std::sin(t) / 5.0 + 0.05 * s.normal(3));
}

void eight_gaussians(const Sample& s, float* out) {
  const double angle = 2.0 * kPi * std::floor(8.0 * s.uniform(0)) / 8.0;
  out[0] = float(2.0 * std::cos(angle) + 0.1 * s.normal(2));
  out[1] = float(2.0 * std::sin(angle) + 0.1 * s.normal(3));
}

void checkerboard(const Sample& s, float* out) {
  // The 8 dark squares of a 4 x 4 board on [-2, 2]^2.
  const int square = int(std::floor(8.0 * s.uniform(0)));
  const int row = square / 2, col = 2 * (square % 2) + (row % 2);
  out[0] = float(-2.0 + col + s.uniform(1));
  out[1] = float(-2.0 + row + s.uniform(2));
}

void rings(const Sample& s, float* out) {
  // Three concentric circles of radii 0.5, 1.0, 1.5 with equal mass per unit length.
  const double u = s.uniform(0);
  const double radius = u < 1.0 / 6.0 ? 0.5 : (u < 0.5 ? 1.0 : 1.5);
  const double angle = 2.0 * kPi * s.uniform(1);
  out[0] = float(radius * std::cos(angle) + 0.03 * s.normal(2));
  out[1] = float(radius * std::sin(angle) + 0.03 * s.normal(3));
}

// N(m, R diag(s)^2 R^T), m_k = k/d, s_k = 0.5 + k/d, R = Givens rotations by 30 degrees on the
// coordinate pairs (0,1), (2,3), ...: anisotropic and correlated, the same for every seed.
void gaussian(const RandomDraw& draw, size_t n, size_t d, float* out) {
  const double c = std::cos(kPi / 6.0), s = std::sin(kPi / 6.0);
  std::vector<double> z(d);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < d; ++k) z[k] = (0.5 + double(k) / double(d)) * draw.normal(i * d + k);
    for (size_t k = 0; k + 1 < d; k += 2) {
      const double a = z[k], b = z[k + 1];
      z[k] = c * a - s * b;
      z[k + 1] = s * a + c * b;
    }
    for (size_t k = 0; k < d; ++k) out[i * d + k] = float(double(k) / double(d) + z[k]);
  }
}

}  // namespace

bool dataset_known(const std::string& name, bool* two_dimensional) {
  const bool planar = name == "moons" || name == "swiss-roll" || name == "8-gaussians" || name == "checkerboard" ||
                      name == "rings";
  if (two_dimensional) *two_dimensional = planar;
  return planar || name == "gaussian";
}

void generate_dataset(const std::string& name, size_t n, size_t d, uint64_t seed, float* out) {
  const RandomDraw draw{seed, Stream::initial, 0xDA7A5E7ull};
  if (name == "gaussian") return gaussian(draw, n, d, out);
  void (*sample)(const Sample&, float*) = name == "moons"          ? moons
                                          : name == "swiss-roll"   ? swiss_roll
                                          : name == "8-gaussians"  ? eight_gaussians
                                          : name == "checkerboard" ? checkerboard
                                                                   : rings;
  for (size_t i = 0; i < n; ++i) sample(Sample{draw, i}, out + 2 * i);
}

}  // namespace swf
