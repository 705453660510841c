// SVG figures for `swf-run plot`, from the public C ABI only. The SVG is built in memory as text and
// published atomically; pixel images go in as small embedded PNGs, enlarged by pixel replication so that
// every renderer shows sharp pixels, which keeps an image grid a few kilobytes where one <rect> per
// pixel would take megabytes.
#include "plot_svg.hpp"

#include <swflow.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace swf::tools {
namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInput = 4;  // a file that cannot be read or written, or is not what it should be

constexpr size_t kPcaPoints = 2000;  // the covariance costs points * d^2 / 2: about 1e9 at d = 1000
constexpr size_t kImagesPerRow = 8;

// ---- failures ------------------------------------------------------------------------------------

struct PlotFailure {
  int exit_code;
  std::string message;
};

[[noreturn]] void fail(int exit_code, std::string message) { throw PlotFailure{exit_code, std::move(message)}; }

// A failed library call: its message names the file; the path is added when it does not.
void check(swf_status status, const std::string& path) {
  if (status == SWF_OK) return;
  std::string message = swf_last_error();
  if (message.empty()) message = swf_status_string(status);
  // "swf_points_read: a.h5: ..." -> "a.h5: ...": the user ran swf-run, not the C function.
  if (message.compare(0, 4, "swf_") == 0) {
    const size_t colon = message.find(": ");
    if (colon != std::string::npos && message.find_first_of(" /", 0) > colon) message.erase(0, colon + 2);
  }
  if (message.find(path) == std::string::npos) message = path + ": " + message;
  fail(status == SWF_ERR_IO || status == SWF_ERR_FORMAT ? kExitInput : kExitRuntime, message);
}

// ---- text ----------------------------------------------------------------------------------------

std::string printf_double(const char* format, int precision, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, precision, value);
  return buffer;
}

// Fixed-point with at most `decimals` decimals, trailing zeros and "-0" removed: "12.5", "3", "-0.25".
std::string fixed(double value, int decimals) {
  std::string text = printf_double("%.*f", decimals, value);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string coordinate(double pixels) { return fixed(pixels, 2); }

// "%g" with a compact exponent: 0.0123, 2.5e6, 1e-5.
std::string significant(double value, int digits) {
  std::string text = printf_double("%.*g", digits, value);
  const size_t e = text.find('e');
  if (e != std::string::npos) {
    std::string exponent = text.substr(e + 1);
    const bool negative = exponent[0] == '-';
    exponent.erase(0, exponent.find_first_not_of("+-0"));
    text = text.substr(0, e + 1) + (negative ? "-" : "") + (exponent.empty() ? "0" : exponent);
  }
  return text;
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "runs/a/model.h5:/particles/target" -> "model.h5:/particles/target", shortened to fit a caption.
std::string short_spec(const std::string& spec, size_t max_length = 44) {
  const size_t colon = spec.find(":/");
  std::string text = colon == std::string::npos ? base_name(spec)
                                                : base_name(spec.substr(0, colon)) + spec.substr(colon);
  if (text.size() > max_length) text = "..." + text.substr(text.size() - (max_length - 3));
  return text;
}

const char* const kSw2 = "SW\u2082";  // SW with a subscript 2
const char* const kDot = " \u00b7 ";   // a middle dot between caption fields

// ---- point sets and frames -----------------------------------------------------------------------

struct PointSet {
  std::string spec;
  size_t n = 0, d = 0;
  std::vector<float> x;
};

PointSet read_points(const std::string& spec) {
  PointSet points;
  points.spec = spec;
  check(swf_points_shape(spec.c_str(), &points.n, &points.d), spec);
  points.x.resize(points.n * points.d);
  check(swf_points_read(spec.c_str(), points.x.data(), points.n, points.d), spec);
  return points;
}

// Every k-th row, k the smallest that keeps at most max_points: the same rows for every frame.
std::vector<size_t> every_kth(size_t n, size_t max_points) {
  const size_t k = std::max<size_t>(1, (n + max_points - 1) / std::max<size_t>(1, max_points));
  std::vector<size_t> rows;
  rows.reserve(n / k + 1);
  for (size_t i = 0; i < n; i += k) rows.push_back(i);
  return rows;
}

// Evenly spaced frame indices, the first and the last included (only the last when one is asked for).
std::vector<size_t> chosen_frames(size_t frames, size_t snapshots) {
  std::vector<size_t> chosen;
  if (snapshots == 1 || frames == 1) return {frames - 1};
  const size_t count = std::min(frames, snapshots);
  for (size_t i = 0; i < count; ++i) {
    const size_t index = size_t(std::llround(double(i) * double(frames - 1) / double(count - 1)));
    if (chosen.empty() || chosen.back() != index) chosen.push_back(index);
  }
  return chosen;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double unit_uniform(uint64_t key) { return double(splitmix64(key) >> 11) * 0x1.0p-53; }

// ---- the 2-D view: the coordinates themselves, or the first two principal components -------------

struct Projection {
  enum class Kind { line, plane, principal } kind = Kind::plane;
  size_t d = 0;
  std::vector<double> mean, first, second;  // principal only
  std::string x_label, y_label;
};

struct Scatter {
  std::vector<double> x, y;
};

void orthonormalize(std::vector<std::vector<double>>& basis) {
  const size_t d = basis.front().size();
  for (size_t j = 0; j < basis.size(); ++j) {
    for (size_t attempt = 0;; ++attempt) {
      std::vector<double>& v = basis[j];
      for (size_t k = 0; k < j; ++k) {
        double dot = 0.0;
        for (size_t i = 0; i < d; ++i) dot += v[i] * basis[k][i];
        for (size_t i = 0; i < d; ++i) v[i] -= dot * basis[k][i];
      }
      double norm = 0.0;
      for (double value : v) norm += value * value;
      norm = std::sqrt(norm);
      if (norm > 1e-150) {
        for (double& value : v) value /= norm;
        break;
      }
      // A degenerate covariance (e.g. identical points): any direction orthogonal to the others will do.
      std::fill(v.begin(), v.end(), 0.0);
      v[(j + attempt) % d] = 1.0;
    }
  }
}

// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: values on the diagonal
// of a, vectors in the columns of q.
void jacobi_eigen(std::vector<std::vector<double>>& a, std::vector<std::vector<double>>& q) {
  const size_t b = a.size();
  q.assign(b, std::vector<double>(b, 0.0));
  for (size_t i = 0; i < b; ++i) q[i][i] = 1.0;
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = 0.0;
    for (size_t i = 0; i < b; ++i)
      for (size_t j = i + 1; j < b; ++j) off += a[i][j] * a[i][j];
    if (off < 1e-30) break;
    for (size_t p = 0; p < b; ++p) {
      for (size_t r = p + 1; r < b; ++r) {
        if (std::abs(a[p][r]) < 1e-300) continue;
        const double theta = (a[r][r] - a[p][p]) / (2.0 * a[p][r]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < b; ++k) {  // columns p, r of a
          const double akp = a[k][p], akr = a[k][r];
          a[k][p] = c * akp - s * akr;
          a[k][r] = s * akp + c * akr;
        }
        for (size_t k = 0; k < b; ++k) {  // rows p, r of a
          const double apk = a[p][k], ark = a[r][k];
          a[p][k] = c * apk - s * ark;
          a[r][k] = s * apk + c * ark;
        }
        for (size_t k = 0; k < b; ++k) {
          const double qkp = q[k][p], qkr = q[k][r];
          q[k][p] = c * qkp - s * qkr;
          q[k][r] = s * qkp + c * qkr;
        }
      }
    }
  }
}

// The first two principal axes of the rows of x (n x d, d > 2), from the covariance of at most kPcaPoints
// rows: subspace iteration on a block of four vectors (O(d^2) per vector and iteration), then
// Rayleigh-Ritz in that block, so nearly equal leading variances still give the best plane.
Projection principal_projection(const float* x, size_t n, size_t d) {
  Projection projection;
  projection.kind = Projection::Kind::principal;
  projection.d = d;
  std::vector<size_t> rows = every_kth(n, kPcaPoints);
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](size_t row) {
                              return !std::all_of(x + row * d, x + (row + 1) * d,
                                                  [](float v) { return std::isfinite(v); });
                            }),
             rows.end());  // a diverged flow may hold infinities: they would spoil every axis
  std::vector<double> mean(d, 0.0);
  for (size_t row : rows)
    for (size_t i = 0; i < d; ++i) mean[i] += x[row * d + i];
  for (double& value : mean) value /= double(std::max<size_t>(1, rows.size()));

  std::vector<double> covariance(d * d, 0.0), centred(d);
  for (size_t row : rows) {
    for (size_t i = 0; i < d; ++i) centred[i] = x[row * d + i] - mean[i];
    for (size_t i = 0; i < d; ++i) {
      const double ci = centred[i];
      if (ci == 0.0) continue;
      double* upper = covariance.data() + i * d;
      for (size_t j = i; j < d; ++j) upper[j] += ci * centred[j];
    }
  }
  double total_variance = 0.0;
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = i; j < d; ++j)
      covariance[j * d + i] = covariance[i * d + j] /= double(std::max<size_t>(1, rows.size()));
    total_variance += covariance[i * d + i];
  }

  const size_t block = std::min<size_t>(d, 4);
  std::vector<std::vector<double>> basis(block, std::vector<double>(d));
  for (size_t j = 0; j < block; ++j)
    for (size_t i = 0; i < d; ++i) basis[j][i] = 2.0 * unit_uniform(j * d + i + 1) - 1.0;
  orthonormalize(basis);
  auto multiply = [&](const std::vector<double>& v, std::vector<double>& out) {
    for (size_t i = 0; i < d; ++i) {
      const double* row = covariance.data() + i * d;
      double sum = 0.0;
      for (size_t k = 0; k < d; ++k) sum += row[k] * v[k];
      out[i] = sum;
    }
  };
  std::vector<std::vector<double>> next(block, std::vector<double>(d));
  for (int iteration = 0; iteration < 150; ++iteration) {
    for (size_t j = 0; j < block; ++j) multiply(basis[j], next[j]);
    orthonormalize(next);
    bool converged = true;
    for (size_t j = 0; j < 2; ++j) {
      double dot = 0.0;
      for (size_t i = 0; i < d; ++i) dot += basis[j][i] * next[j][i];
      converged = converged && std::abs(dot) > 1.0 - 1e-12;
    }
    std::swap(basis, next);
    if (converged) break;
  }

  std::vector<std::vector<double>> images(block, std::vector<double>(d));
  for (size_t j = 0; j < block; ++j) multiply(basis[j], images[j]);
  std::vector<std::vector<double>> small(block, std::vector<double>(block)), vectors;
  for (size_t a = 0; a < block; ++a)
    for (size_t b = 0; b < block; ++b) {
      double dot = 0.0;
      for (size_t i = 0; i < d; ++i) dot += basis[a][i] * images[b][i];
      small[a][b] = dot;
    }
  jacobi_eigen(small, vectors);
  std::vector<size_t> order(block);
  for (size_t j = 0; j < block; ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return small[a][a] > small[b][b]; });

  std::array<std::vector<double>, 2> axes;
  std::array<double, 2> variances{};
  for (size_t c = 0; c < 2; ++c) {
    const size_t column = order[c];
    variances[c] = std::max(0.0, small[column][column]);
    axes[c].assign(d, 0.0);
    for (size_t j = 0; j < block; ++j)
      for (size_t i = 0; i < d; ++i) axes[c][i] += vectors[j][column] * basis[j][i];
    // A fixed sign: the largest component positive, so the picture does not flip between runs.
    size_t largest = 0;
    for (size_t i = 1; i < d; ++i)
      if (std::abs(axes[c][i]) > std::abs(axes[c][largest])) largest = i;
    if (axes[c][largest] < 0)
      for (double& value : axes[c]) value = -value;
  }
  projection.mean = std::move(mean);
  projection.first = std::move(axes[0]);
  projection.second = std::move(axes[1]);
  for (size_t c = 0; c < 2; ++c) {
    std::string label = "PC " + std::to_string(c + 1);
    if (total_variance > 0) label += " (" + fixed(100.0 * variances[c] / total_variance, 1) + "% of variance)";
    (c == 0 ? projection.x_label : projection.y_label) = label;
  }
  return projection;
}

Projection simple_projection(size_t d) {
  Projection projection;
  projection.d = d;
  if (d == 1) {
    projection.kind = Projection::Kind::line;
    projection.x_label = "x";
    projection.y_label = "jitter";
  } else {
    projection.kind = Projection::Kind::plane;
    projection.x_label = "x\u2081";
    projection.y_label = "x\u2082";
  }
  return projection;
}

Scatter project(const Projection& projection, const float* x, const std::vector<size_t>& rows) {
  const size_t d = projection.d;
  Scatter scatter;
  scatter.x.reserve(rows.size());
  scatter.y.reserve(rows.size());
  for (size_t row : rows) {
    const float* point = x + row * d;
    switch (projection.kind) {
      case Projection::Kind::line:
        scatter.x.push_back(point[0]);
        scatter.y.push_back(unit_uniform(row));  // a particle keeps its jitter from frame to frame
        break;
      case Projection::Kind::plane:
        scatter.x.push_back(point[0]);
        scatter.y.push_back(point[1]);
        break;
      case Projection::Kind::principal: {
        double a = 0.0, b = 0.0;
        for (size_t i = 0; i < d; ++i) {
          const double centred = point[i] - projection.mean[i];
          a += centred * projection.first[i];
          b += centred * projection.second[i];
        }
        scatter.x.push_back(a);
        scatter.y.push_back(b);
        break;
      }
    }
  }
  return scatter;
}

// ---- axes ----------------------------------------------------------------------------------------

struct Range {
  double lo = 0, hi = 1;
  double span() const { return hi - lo; }
};

double quantile(std::vector<double>& values, double q) {
  const size_t k = size_t(q * double(values.size() - 1) + 0.5);
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return values[k];
}

// The 1st to 99th percentiles, padded by a tenth of their span on each side: a few strays do not
// shrink the picture of everything else.
Range robust_range(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) return {-1.0, 1.0};
  const double lo = quantile(values, 0.01), hi = quantile(values, 0.99);
  double span = hi - lo;
  if (!(span > 1e-12 * std::max(1.0, std::abs(lo)))) span = std::max(1.0, 0.2 * std::abs(lo));
  const double centre = 0.5 * (lo + hi);
  return {centre - 0.6 * span, centre + 0.6 * span};
}

std::vector<double> nice_ticks(const Range& range, double& step, int wanted = 5) {
  const double raw = range.span() / wanted;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  step = (normalised < 1.5 ? 1.0 : normalised < 3.0 ? 2.0 : normalised < 7.0 ? 5.0 : 10.0) * magnitude;
  std::vector<double> ticks;
  const double first = std::ceil(range.lo / step - 1e-9);
  for (double k = first; k * step <= range.hi + 1e-9 * step; k += 1.0) ticks.push_back(k * step);
  return ticks;
}

std::string tick_label(double value, double step) {
  if (std::abs(value) < 1e-9 * step) value = 0.0;
  if (step < 1e-4 || step >= 1e6) return significant(value, 3);
  return fixed(value, std::max(0, int(-std::floor(std::log10(step) + 1e-9))));
}

std::string decade_label(int exponent) {
  if (exponent >= -4 && exponent <= 5) return fixed(std::pow(10.0, exponent), std::max(0, -exponent));
  return "1e" + std::to_string(exponent);
}

// ---- PNG (8-bit grayscale) and base64 ---------------------------------------

uint32_t crc32(const unsigned char* data, size_t size, uint32_t crc = 0) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

void put_u32(std::vector<unsigned char>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(v >> shift));
}

void put_chunk(std::vector<unsigned char>& png, const char* type, const std::vector<unsigned char>& data) {
  put_u32(png, uint32_t(data.size()));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put_u32(png, crc32(png.data() + start, png.size() - start));
}

// Deflate with the fixed Huffman code (RFC 1951, 3.2.6) and matches at two distances only: 1 (a run of
// one value, as in an upscaled pixel) and one row back (an upscaled row repeated). That is all an image
// enlarged by pixel replication needs to shrink back to about its original size.
class DeflateWriter {
 public:
  explicit DeflateWriter(std::vector<unsigned char>& out) : out_(out) {}
  void bits(uint32_t value, int count) {  // least significant bit first
    buffer_ |= value << filled_;
    filled_ += count;
    while (filled_ >= 8) {
      out_.push_back(static_cast<unsigned char>(buffer_ & 0xFFu));
      buffer_ >>= 8;
      filled_ -= 8;
    }
  }
  void code(uint32_t value, int count) {  // Huffman codes go most significant bit first
    uint32_t reversed = 0;
    for (int i = 0; i < count; ++i) reversed = (reversed << 1) | ((value >> i) & 1u);
    bits(reversed, count);
  }
  void symbol(unsigned s) {
    if (s < 144) code(0x30 + s, 8);
    else if (s < 256) code(0x190 + s - 144, 9);
    else if (s < 280) code(s - 256, 7);
    else code(0xC0 + s - 280, 8);
  }
  void match(unsigned length, unsigned distance) {
    static const unsigned length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                             31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const unsigned length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                              2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const unsigned distance_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                               33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                               1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const unsigned distance_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    unsigned l = 28;
    while (length_base[l] > length) --l;
    symbol(257 + l);
    bits(length - length_base[l], int(length_extra[l]));
    unsigned c = 29;
    while (distance_base[c] > distance) --c;
    code(c, 5);
    bits(distance - distance_base[c], int(distance_extra[c]));
  }
  void flush() {
    if (filled_ > 0) out_.push_back(static_cast<unsigned char>(buffer_ & 0xFFu));
    buffer_ = 0;
    filled_ = 0;
  }

 private:
  std::vector<unsigned char>& out_;
  uint32_t buffer_ = 0;
  int filled_ = 0;
};

std::vector<unsigned char> zlib_compress(const std::vector<unsigned char>& raw, size_t row_bytes) {
  std::vector<unsigned char> out{0x78, 0x01};
  DeflateWriter writer(out);
  writer.bits(1, 1);  // the last block
  writer.bits(1, 2);  // fixed Huffman codes
  auto match_length = [&](size_t at, size_t distance) {
    if (distance == 0 || distance > 32768 || distance > at) return size_t(0);
    size_t length = 0;
    while (length < 258 && at + length < raw.size() && raw[at + length] == raw[at + length - distance]) ++length;
    return length;
  };
  for (size_t i = 0; i < raw.size();) {
    const size_t run = match_length(i, 1), row = match_length(i, row_bytes);
    const size_t length = std::max(run, row);
    if (length >= 3) {
      writer.match(unsigned(length), unsigned(row > run ? row_bytes : 1));
      i += length;
    } else {
      writer.symbol(raw[i++]);
    }
  }
  writer.symbol(256);  // end of block
  writer.flush();
  uint32_t a = 1, b = 0;  // Adler-32
  for (unsigned char byte : raw) {
    a = (a + byte) % 65521u;
    b = (b + a) % 65521u;
  }
  put_u32(out, (b << 16) | a);
  return out;
}

// An 8-bit grayscale PNG of rows x cols pixels, each pixel repeated `scale` times in both directions.
std::vector<unsigned char> grayscale_png(const std::vector<unsigned char>& pixels, uint32_t rows, uint32_t cols,
                                         uint32_t scale) {
  const size_t row_bytes = size_t(cols) * scale + 1;  // each row: filter type 0, then the pixels
  std::vector<unsigned char> raw;
  raw.reserve(size_t(rows) * scale * row_bytes);
  for (uint32_t r = 0; r < rows * scale; ++r) {
    raw.push_back(0);
    for (uint32_t c = 0; c < cols * scale; ++c) raw.push_back(pixels[size_t(r / scale) * cols + c / scale]);
  }
  std::vector<unsigned char> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<unsigned char> header;
  put_u32(header, cols * scale);
  put_u32(header, rows * scale);
  header.insert(header.end(), {8, 0, 0, 0, 0});  // 8 bits, grayscale, deflate, no filter, no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", zlib_compress(raw, row_bytes));
  put_chunk(png, "IEND", {});
  return png;
}

std::string base64(const std::vector<unsigned char>& data) {
  static const char* const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    const uint32_t chunk = (uint32_t(data[i]) << 16) | (i + 1 < data.size() ? uint32_t(data[i + 1]) << 8 : 0) |
                           (i + 2 < data.size() ? uint32_t(data[i + 2]) : 0);
    out += alphabet[(chunk >> 18) & 63];
    out += alphabet[(chunk >> 12) & 63];
    out += i + 1 < data.size() ? alphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < data.size() ? alphabet[chunk & 63] : '=';
  }
  return out;
}

// ---- drawing -------------------------------------------------------------------------------------

const char* const kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";
const char* const kParticleColour = "#1f5fbf";
const char* const kTargetColour = "#a0a0a0";
const char* const kCurveColour = "#c0392b";

constexpr double kMargin = 16;
constexpr double kHeader = 44;

struct Curve {
  std::vector<double> time, value;
  std::vector<std::pair<double, double>> marks;  // (time, value) of the snapshots; the value NaN when unknown
  std::string name = kSw2, title = std::string(kSw2) + " distance to the target";
};

std::string svg_open(double width, double height, const std::string& title) {
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"" +
         fixed(width, 0) + "\" height=\"" + fixed(height, 0) + "\" viewBox=\"0 0 " + fixed(width, 0) + " " +
         fixed(height, 0) + "\" font-family=\"" + kFont + "\">\n";
  svg += "<title>" + xml_escaped(title) + "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + coordinate(kMargin) + "\" y=\"28\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">" +
         xml_escaped(title) + "</text>\n";
  return svg;
}

std::string text_element(double x, double y, const std::string& text, double size, const char* anchor,
                         const char* extra = "") {
  return "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" font-size=\"" + fixed(size, 1) +
         "\" text-anchor=\"" + anchor + "\"" + extra + ">" + xml_escaped(text) + "</text>\n";
}

std::string vertical_text(double x, double y, const std::string& text, double size) {
  return "<text transform=\"translate(" + coordinate(x) + "," + coordinate(y) + ") rotate(-90)\" font-size=\"" +
         fixed(size, 1) + "\" text-anchor=\"middle\" fill=\"#333\">" + xml_escaped(text) + "</text>\n";
}

std::string line_element(double x1, double y1, double x2, double y2, const char* style) {
  return "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" + coordinate(x2) + "\" y2=\"" +
         coordinate(y2) + "\" " + style + "/>\n";
}

std::string circles(const Scatter& scatter, const Range& x, const Range& y, double size) {
  std::string out;
  out.reserve(scatter.x.size() * 40);
  for (size_t i = 0; i < scatter.x.size(); ++i) {
    const double px = (scatter.x[i] - x.lo) / x.span() * size;
    const double py = (y.hi - scatter.y[i]) / y.span() * size;
    if (!(px >= 0 && px <= size && py >= 0 && py <= size)) continue;  // outside the shared limits
    out += "<circle cx=\"" + coordinate(px) + "\" cy=\"" + coordinate(py) + "\" r=\"1.2\"/>";
    out += (i % 8 == 7) ? "\n" : "";
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

// Shown only with a target: particles alone need no legend.
std::string legend(double right) {
  std::string svg = "<g class=\"legend\" font-size=\"12\" fill=\"#333\">\n";
  double x = right - 170;
  svg += "<circle cx=\"" + coordinate(x) + "\" cy=\"24\" r=\"4\" fill=\"" + kTargetColour + "\"/>\n";
  svg += text_element(x + 8, 28, "target", 12, "start");
  x += 70;
  svg += "<circle cx=\"" + coordinate(x) + "\" cy=\"24\" r=\"4\" fill=\"" + kParticleColour + "\"/>\n";
  svg += text_element(x + 8, 28, "particles", 12, "start");
  return svg + "</g>\n";
}

constexpr double kCurveHeight = 236;  // title, plot, ticks and label

// The SW2 curve (or an SW-JKO run's objective) across the figure's width, its top at `top`.
std::string curve_element(const Curve& curve, double top, double width) {
  const double left = kMargin + 64, plot_width = width - left - 24;
  const double plot_top = top + 30, plot_height = 166;
  double lowest = INFINITY, highest = 0;
  for (double v : curve.value) {
    if (!std::isfinite(v)) continue;
    if (v > 0) lowest = std::min(lowest, v);
    highest = std::max(highest, v);
  }
  const bool logarithmic = std::isfinite(lowest) && highest / lowest > 20.0;
  Range time{INFINITY, -INFINITY};
  for (double t : curve.time)
    if (std::isfinite(t)) time.lo = std::min(time.lo, t), time.hi = std::max(time.hi, t);
  if (!std::isfinite(time.lo)) time = {0, 0};
  if (!(time.span() > 0)) time = {time.lo - 1, time.hi + 1};
  Range value;
  if (logarithmic) {
    value = {std::log10(lowest), std::log10(highest)};
    const double pad = 0.05 * value.span();
    value = {value.lo - pad, value.hi + pad};
  } else {
    double lo = 0;  // distances start at zero unless they all sit far above it
    for (double v : curve.value)
      if (std::isfinite(v)) lo = std::min(lo, v);
    value = {lo, highest > lo ? highest * 1.05 : lo + 1};
  }
  auto px = [&](double t) { return left + (t - time.lo) / time.span() * plot_width; };
  auto py = [&](double v) {
    const double u = logarithmic ? std::log10(std::max(v, lowest)) : v;
    return plot_top + (value.hi - u) / value.span() * plot_height;
  };

  std::string svg = "<g class=\"sw2-curve\" font-size=\"10\" fill=\"#444\">\n";
  svg += text_element(left, top + 16, curve.title + (logarithmic ? " (logarithmic scale)" : ""), 13, "start",
                      " fill=\"#222\"");
  svg += "<rect x=\"" + coordinate(left) + "\" y=\"" + coordinate(plot_top) + "\" width=\"" +
         coordinate(plot_width) + "\" height=\"" + coordinate(plot_height) + "\" fill=\"none\" stroke=\"#bbb\"/>\n";
  double step = 1;
  for (double t : nice_ticks(time, step, 8)) {
    svg += line_element(px(t), plot_top, px(t), plot_top + plot_height, "stroke=\"#eee\"");
    svg += line_element(px(t), plot_top + plot_height, px(t), plot_top + plot_height + 4, "stroke=\"#888\"");
    svg += text_element(px(t), plot_top + plot_height + 16, tick_label(t, step), 10, "middle");
  }
  std::vector<std::pair<double, std::string>> y_ticks;
  if (logarithmic) {
    const int first = int(std::ceil(value.lo)), last = int(std::floor(value.hi));
    const int every = std::max(1, (last - first + 8) / 8);  // at most about eight labelled decades
    for (int e = first; e <= last; ++e)
      if ((e - first) % every == 0) y_ticks.emplace_back(std::pow(10.0, e), decade_label(e));
    if (y_ticks.size() < 3) {  // less than three decades: label 2 and 5 times the decades as well
      for (int e = int(std::floor(value.lo)); e <= int(std::ceil(value.hi)); ++e)
        for (double m : {2.0, 5.0}) {
          const double v = m * std::pow(10.0, e), u = std::log10(v);
          if (u >= value.lo && u <= value.hi) y_ticks.emplace_back(v, significant(v, 1));
        }
    }
  } else {
    double value_step = 1;
    for (double v : nice_ticks(value, value_step, 5)) y_ticks.emplace_back(v, tick_label(v, value_step));
  }
  for (const auto& [v, label] : y_ticks) {
    svg += line_element(left, py(v), left + plot_width, py(v), "stroke=\"#eee\"");
    svg += line_element(left - 4, py(v), left, py(v), "stroke=\"#888\"");
    svg += text_element(left - 6, py(v) + 3.5, label, 10, "end");
  }
  for (const auto& [t, v] : curve.marks)
    svg += line_element(px(t), plot_top, px(t), plot_top + plot_height,
                        "stroke=\"#999\" stroke-dasharray=\"3,3\"");
  // Thousands of points are more than the width can show: keep about two per pixel column.
  const size_t stride = std::max<size_t>(1, curve.time.size() / size_t(2 * plot_width));
  std::string points;
  for (size_t i = 0; i < curve.time.size(); i += stride) {
    if (i + stride >= curve.time.size()) i = curve.time.size() - 1;
    if (!std::isfinite(curve.time[i]) || !std::isfinite(curve.value[i])) continue;
    points += coordinate(px(curve.time[i])) + "," + coordinate(py(curve.value[i])) + " ";
  }
  if (!points.empty()) points.pop_back();
  svg += "<polyline fill=\"none\" stroke=\"" + std::string(kCurveColour) +
         "\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"" + points + "\"/>\n";
  for (const auto& [t, v] : curve.marks)
    if (std::isfinite(v))
      svg += "<circle cx=\"" + coordinate(px(t)) + "\" cy=\"" + coordinate(py(v)) + "\" r=\"3\" fill=\"" +
             kCurveColour + "\"/>\n";
  svg += text_element(left + plot_width / 2, plot_top + plot_height + 34, "time t", 11, "middle",
                      " fill=\"#333\"");
  svg += vertical_text(kMargin + 12, plot_top + plot_height / 2, curve.name, 11);
  return svg + "</g>\n";
}

struct Panel {
  std::vector<std::string> caption;  // one line each
  Scatter points;
};

// A grid of scatter panels with shared limits, the target (when given) drawn once in <defs> and reused
// in every panel, and the SW2 curve below when there is one.
std::string scatter_figure(const std::string& title, const std::vector<Panel>& panels, const Scatter* target,
                           const Projection& projection, const Curve* curve) {
  constexpr double plot = 240, left = 58, right = 14, bottom = 42;
  size_t caption_lines = 1;
  for (const Panel& panel : panels) caption_lines = std::max(caption_lines, panel.caption.size());
  const double top = 8 + 15.0 * double(caption_lines);
  const double cell_width = left + plot + right, cell_height = top + plot + bottom;
  const size_t count = panels.size();
  const size_t columns = count <= 4 ? count : count <= 6 ? 3 : 4;
  const size_t rows = (count + columns - 1) / columns;
  const double width = std::max(2 * kMargin + double(columns) * cell_width, 640.0);
  const double grid_bottom = kHeader + double(rows) * cell_height;
  const double height = grid_bottom + (curve ? kCurveHeight : 0.0) + kMargin;

  std::vector<double> xs, ys;
  for (const Panel& panel : panels) {
    xs.insert(xs.end(), panel.points.x.begin(), panel.points.x.end());
    ys.insert(ys.end(), panel.points.y.begin(), panel.points.y.end());
  }
  if (target) {
    xs.insert(xs.end(), target->x.begin(), target->x.end());
    ys.insert(ys.end(), target->y.begin(), target->y.end());
  }
  Range x = robust_range(std::move(xs));
  Range y = projection.kind == Projection::Kind::line ? Range{-0.1, 1.1} : robust_range(std::move(ys));
  if (projection.kind != Projection::Kind::line) {  // one unit the same length on both axes
    const double span = std::max(x.span(), y.span());
    const double cx = 0.5 * (x.lo + x.hi), cy = 0.5 * (y.lo + y.hi);
    x = {cx - span / 2, cx + span / 2};
    y = {cy - span / 2, cy + span / 2};
  }

  std::string svg = svg_open(width, height, title);
  if (target) {
    svg += legend(width - kMargin);
    svg += "<defs>\n<g id=\"target\" fill=\"" + std::string(kTargetColour) + "\" fill-opacity=\"0.45\">\n";
    svg += circles(*target, x, y, plot);
    svg += "</g>\n</defs>\n";
  }
  double x_step = 1, y_step = 1;
  std::vector<double> x_ticks = nice_ticks(x, x_step, 5);
  for (double t : x_ticks)  // long labels side by side need more room
    if (tick_label(t, x_step).size() > 4) {
      x_ticks = nice_ticks(x, x_step, 3);
      break;
    }
  const std::vector<double> y_ticks =
      projection.kind == Projection::Kind::line ? std::vector<double>{} : nice_ticks(y, y_step, 5);
  for (size_t p = 0; p < count; ++p) {
    const double cell_x = kMargin + double(p % columns) * cell_width;
    const double cell_y = kHeader + double(p / columns) * cell_height;
    svg += "<g class=\"panel\" transform=\"translate(" + coordinate(cell_x) + "," + coordinate(cell_y) + ")\">\n";
    for (size_t line = 0; line < panels[p].caption.size(); ++line)
      svg += text_element(left + plot / 2, 12 + 15.0 * double(line), panels[p].caption[line], 12, "middle",
                          line == 0 ? " class=\"caption\" fill=\"#222\"" : " fill=\"#555\"");
    svg += "<g font-size=\"10\" fill=\"#444\">\n";
    for (double t : x_ticks) {
      const double px = left + (t - x.lo) / x.span() * plot;
      svg += line_element(px, top, px, top + plot, "stroke=\"#f0f0f0\"");
      svg += line_element(px, top + plot, px, top + plot + 4, "stroke=\"#888\"");
      svg += text_element(px, top + plot + 15, tick_label(t, x_step), 10, "middle");
    }
    for (double t : y_ticks) {
      const double py = top + (y.hi - t) / y.span() * plot;
      svg += line_element(left, py, left + plot, py, "stroke=\"#f0f0f0\"");
      svg += line_element(left - 4, py, left, py, "stroke=\"#888\"");
      svg += text_element(left - 6, py + 3.5, tick_label(t, y_step), 10, "end");
    }
    svg += "</g>\n";
    svg += "<rect x=\"" + coordinate(left) + "\" y=\"" + coordinate(top) + "\" width=\"" + coordinate(plot) +
           "\" height=\"" + coordinate(plot) + "\" fill=\"none\" stroke=\"#bbb\"/>\n";
    svg += text_element(left + plot / 2, top + plot + 32, projection.x_label, 11, "middle", " fill=\"#333\"");
    svg += vertical_text(14, top + plot / 2, projection.y_label, 11);
    svg += "<g transform=\"translate(" + coordinate(left) + "," + coordinate(top) + ")\">\n";
    if (target) svg += "<use xlink:href=\"#target\"/>\n";
    svg += "<g fill=\"" + std::string(kParticleColour) + "\" fill-opacity=\"0.6\">\n";
    svg += circles(panels[p].points, x, y, plot);
    svg += "</g>\n</g>\n</g>\n";
  }
  if (curve) svg += curve_element(*curve, grid_bottom, width);
  return svg + "</svg>\n";
}

// One row of grayscale images per snapshot, all scaled by the same gray range: gray_lo (black) to gray_hi
// (white), values outside clamped, when gray_lo < gray_hi; else the minimum and maximum of all the images.
std::string image_figure(const std::string& title, const std::vector<ImageRow>& rows,
                         const std::vector<uint32_t>& shape, const Curve* curve, float gray_lo = 0, float gray_hi = 0) {
  constexpr double label_width = 150, box = 72, gap = 8;
  const double row_height = box + 12;
  size_t columns = kImagesPerRow;
  for (const ImageRow& row : rows) columns = std::max(columns, row.images.size());
  const double width = std::max(2 * kMargin + label_width + double(columns) * (box + gap), 640.0);
  const double grid_bottom = kHeader + double(rows.size()) * row_height;
  const double height = grid_bottom + (curve ? kCurveHeight : 0.0) + kMargin;
  const uint32_t image_rows = shape[0], image_cols = shape[1];
  // Whole-pixel enlargement inside the PNG, shown at its own size; larger images are shrunk to the box.
  const uint32_t replicate = std::max<uint32_t>(1, uint32_t(box) / std::max(image_rows, image_cols));
  const double scale = std::min(double(replicate), box / double(std::max(image_rows, image_cols)));

  float lo = gray_lo, hi = gray_hi;
  if (!(gray_lo < gray_hi)) {
    lo = INFINITY, hi = -INFINITY;
    for (const ImageRow& row : rows)
      for (const std::vector<float>& image : row.images)
        for (float v : image)
          if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(lo <= hi)) lo = hi = 0.0f;
  }
  const float span = hi > lo ? hi - lo : 1.0f;

  std::string svg = svg_open(width, height, title);
  svg += text_element(width - kMargin, 28,
                      "gray levels: " + significant(lo, 3) + " (black) to " + significant(hi, 3) + " (white)", 11,
                      "end", " fill=\"#555\"");
  for (size_t r = 0; r < rows.size(); ++r) {
    const double row_y = kHeader + double(r) * row_height;
    svg += "<g class=\"image-row\" transform=\"translate(" + coordinate(kMargin) + "," + coordinate(row_y) + ")\">\n";
    for (size_t line = 0; line < rows[r].label.size(); ++line)
      svg += text_element(0, 16 + 15.0 * double(line), rows[r].label[line], 12, "start",
                          line == 0 ? " class=\"caption\" fill=\"#222\"" : " fill=\"#555\"");
    for (size_t i = 0; i < rows[r].images.size(); ++i) {
      std::vector<unsigned char> pixels(rows[r].images[i].size());
      for (size_t k = 0; k < pixels.size(); ++k)
        pixels[k] = std::isfinite(rows[r].images[i][k])
                        ? static_cast<unsigned char>(
                              std::lround(255.0f * std::clamp((rows[r].images[i][k] - lo) / span, 0.0f, 1.0f)))
                        : 0;
      const double x = label_width + double(i) * (box + gap);
      svg += "<image x=\"" + coordinate(x) + "\" y=\"4\" width=\"" + coordinate(image_cols * scale) +
             "\" height=\"" + coordinate(image_rows * scale) +
             "\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\""
             " xlink:href=\"data:image/png;base64," +
             base64(grayscale_png(pixels, image_rows, image_cols, replicate)) + "\"/>\n";
      svg += "<rect x=\"" + coordinate(x) + "\" y=\"4\" width=\"" + coordinate(image_cols * scale) + "\" height=\"" +
             coordinate(image_rows * scale) + "\" fill=\"none\" stroke=\"#ccc\"/>\n";
    }
    svg += "</g>\n";
  }
  if (curve) svg += curve_element(*curve, grid_bottom, width);
  return svg + "</svg>\n";
}

std::vector<float> row_of(const float* x, size_t d, size_t index) {
  return std::vector<float>(x + index * d, x + (index + 1) * d);
}

// ---- publishing ----------------------------------------------------------------------------------

// A temporary file beside `path`, renamed over it when complete: `path` is a good figure or untouched.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) fail(kExitInput, "cannot write " + path + ": " + std::strerror(errno));
  bool good = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  int error = errno;
  if (std::fflush(file) != 0 && good) good = false, error = errno;
  if (std::fclose(file) != 0 && good) good = false, error = errno;
  if (good && std::rename(temporary.c_str(), path.c_str()) != 0) good = false, error = errno;
  if (!good) {
    std::remove(temporary.c_str());
    fail(kExitInput, "cannot write " + path + ": " + std::strerror(error));
  }
}

template <class Draw>
int guarded(const std::string& input, Draw draw) {
  try {
    draw();
    return 0;
  } catch (const PlotFailure& failure) {
    std::string message = failure.message;
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::fprintf(stderr, "swf-run plot: %s\n", message.c_str());
    return failure.exit_code;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "swf-run plot: out of memory while drawing %s\n", input.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swf-run plot: %s: %s\n", input.c_str(), e.what());
  }
  return kExitRuntime;
}

// The file's own image_shape parameter ("rows,cols" under /parameters/swflow), or nothing when it has none.
std::vector<uint32_t> file_image_shape(const std::string& path) {
  size_t length = 0;
  if (swf_file_parameter(path.c_str(), "image_shape", nullptr, 0, &length) != SWF_OK) return {};
  std::string text(length + 1, '\0');
  if (swf_file_parameter(path.c_str(), "image_shape", &text[0], text.size(), &length) != SWF_OK) return {};
  text.resize(length);
  std::vector<uint32_t> shape;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string field = text.substr(at, comma - at);
    if (field.empty() || field.size() > 9 || field.find_first_not_of(" 0123456789") != std::string::npos)
      fail(kExitInput, path + ": the image_shape parameter \"" + text + "\" is not rows,cols");
    shape.push_back(uint32_t(std::stoul(field)));
    at = comma + 1;
  }
  return shape;
}

// The file of a point-set spec "FILE.h5:/path" (or "FILE.h5").
std::string spec_file(const std::string& spec) {
  const size_t colon = spec.find(":/");
  return colon == std::string::npos ? spec : spec.substr(0, colon);
}

// A shape given by the caller that does not fit is a usage error; one stored in the file, bad input.
void check_image_shape(const std::vector<uint32_t>& shape, size_t d, const std::string& what, bool from_file) {
  if (shape.empty()) return;
  const int exit_code = from_file ? kExitInput : kExitUsage;
  if (shape.size() != 2 || shape[0] == 0 || shape[1] == 0)
    fail(exit_code, "the image shape for " + what + " must be two positive numbers (rows, columns)");
  if (uint64_t(shape[0]) * shape[1] != d)
    fail(exit_code, "the image shape " + std::to_string(shape[0]) + " x " + std::to_string(shape[1]) +
                        " does not match the dimension " + std::to_string(d) + " of " + what);
}

std::string frame_caption(uint64_t step, double time, const std::string& name, double value) {
  std::string caption = "step " + std::to_string(step) + kDot + "t = " + significant(time, 4);
  if (std::isfinite(value)) caption += kDot + name + " = " + significant(value, 3);
  return caption;
}

}  // namespace

int plot_trajectory(const PlotOptions& options) {
  return guarded(options.input, [&] {
    if (options.input.empty()) fail(kExitUsage, "no input trajectory given");
    if (options.output.empty()) fail(kExitUsage, "no output file given");
    if (options.snapshots == 0) fail(kExitUsage, "the number of snapshots must be at least 1");
    if (options.max_points == 0) fail(kExitUsage, "the number of points per panel must be at least 1");
    const std::string& input = options.input;
    size_t frames = 0, n = 0, d = 0;
    check(swf_trajectory_shape(input.c_str(), &frames, &n, &d), input);
    if (frames == 0 || n == 0 || d == 0) fail(kExitRuntime, input + ": the trajectory holds no particles");
    const std::vector<uint32_t> image_shape =
        options.image_shape.empty() ? file_image_shape(input) : options.image_shape;
    check_image_shape(image_shape, d, input, options.image_shape.empty());
    const bool images = !image_shape.empty();

    // The SW2 curve, or without one (an SW-JKO run without a target) the objective F.
    size_t count = 0;
    check(swf_trajectory_sw2(input.c_str(), 0, nullptr, nullptr, nullptr, &count), input);
    auto read_series = swf_trajectory_sw2;
    Curve curve;
    if (count == 0) {
      check(swf_trajectory_energy(input.c_str(), 0, nullptr, nullptr, nullptr, &count), input);
      read_series = swf_trajectory_energy;
      curve.name = "F";
      curve.title = "objective F of the SW-JKO scheme";
    }
    std::vector<uint64_t> sw2_steps(count);
    curve.time.resize(count);
    curve.value.resize(count);
    if (count > 0)
      check(read_series(input.c_str(), count, sw2_steps.data(), curve.time.data(), curve.value.data(), &count), input);
    std::map<uint64_t, double> sw2_at_step;
    for (size_t i = 0; i < count; ++i) sw2_at_step[sw2_steps[i]] = curve.value[i];

    // The target: the one asked for, else the file's own when it has one.
    PointSet target;
    if (!options.target_spec.empty()) {
      target = read_points(options.target_spec);
    } else {
      try {
        target = read_points(input + ":/particles/target");
      } catch (const PlotFailure&) {
        target = PointSet{};  // a trajectory without a target is drawn without one
      }
    }
    if (target.n > 0 && target.d != d)
      fail(kExitInput, target.spec + " has dimension " + std::to_string(target.d) + " but the trajectory " +
                             input + " has dimension " + std::to_string(d));

    const std::vector<size_t> chosen = chosen_frames(frames, options.snapshots);
    const std::vector<size_t> rows = every_kth(n, options.max_points);
    Projection projection = simple_projection(d);
    std::vector<Panel> panels(chosen.size());
    std::vector<ImageRow> image_rows(chosen.size());
    std::vector<float> x(n * d);
    // With no target, the principal axes come from the last frame: read it first.
    std::vector<size_t> order(chosen.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;
    if (!images && d > 2 && target.n > 0) projection = principal_projection(target.x.data(), target.n, d);
    for (size_t slot : order) {
      uint64_t step = 0;
      double time = 0;
      check(swf_trajectory_frame(input.c_str(), chosen[slot], x.data(), n, d, &step, &time), input);
      const auto found = sw2_at_step.find(step);
      const double sw2 = found == sw2_at_step.end() ? NAN : found->second;
      curve.marks.emplace_back(time, sw2);
      if (images) {
        image_rows[slot].label = {"step " + std::to_string(step), "t = " + significant(time, 4)};
        if (std::isfinite(sw2)) image_rows[slot].label.push_back(curve.name + " = " + significant(sw2, 3));
        for (size_t i = 0; i < std::min(n, kImagesPerRow); ++i)
          image_rows[slot].images.push_back(row_of(x.data(), d, i));
      } else {
        if (d > 2 && projection.kind != Projection::Kind::principal) projection = principal_projection(x.data(), n, d);
        panels[slot].caption = {frame_caption(step, time, curve.name, sw2)};
        panels[slot].points = project(projection, x.data(), rows);
      }
    }
    x = std::vector<float>();

    const std::string title =
        !options.title.empty()
            ? options.title
            : base_name(input) + ": " + std::to_string(n) + " particles in d = " + std::to_string(d) + ", " +
                  std::to_string(frames) + " frames" +
                  (rows.size() < n && !images ? " (" + std::to_string(rows.size()) + " drawn)" : "");
    std::string svg;
    if (images) {
      if (target.n > 0) {
        ImageRow row;
        row.label = {"target"};
        for (size_t i = 0; i < std::min(target.n, kImagesPerRow); ++i)
          row.images.push_back(row_of(target.x.data(), d, i));
        image_rows.push_back(std::move(row));
      }
      svg = image_figure(title, image_rows, image_shape, count > 0 ? &curve : nullptr);
    } else {
      Scatter target_points;
      if (target.n > 0) target_points = project(projection, target.x.data(), every_kth(target.n, options.max_points));
      svg = scatter_figure(title, panels, target.n > 0 ? &target_points : nullptr, projection,
                           count > 0 ? &curve : nullptr);
    }
    write_atomically(options.output, svg);
  });
}

int plot_points(const std::vector<std::string>& specs, const std::string& output,
                const std::vector<uint32_t>& image_shape, size_t max_points, const std::vector<std::string>& captions,
                const std::string& title_text) {
  const std::string first = specs.empty() ? std::string() : specs.front();
  return guarded(first, [&] {
    if (specs.empty()) fail(kExitUsage, "no point sets given");
    if (output.empty()) fail(kExitUsage, "no output file given");
    if (max_points == 0) fail(kExitUsage, "the number of points per panel must be at least 1");
    std::vector<PointSet> sets;
    for (const std::string& spec : specs) {
      sets.push_back(read_points(spec));
      if (sets.back().d != sets.front().d)
        fail(kExitInput, spec + " has dimension " + std::to_string(sets.back().d) + " but " + specs.front() +
                               " has dimension " + std::to_string(sets.front().d));
    }
    const size_t d = sets.front().d;
    const std::vector<uint32_t> shape = image_shape.empty() ? file_image_shape(spec_file(specs.front())) : image_shape;
    check_image_shape(shape, d, specs.front(), image_shape.empty());
    const std::string title = !title_text.empty() ? title_text
                                                  : std::to_string(sets.size()) +
                                                        (sets.size() == 1 ? " point set" : " point sets") +
                                                        " in d = " + std::to_string(d);
    // The first caption line of set s: the caller's, or the set's spec.
    auto label = [&](size_t s, size_t width) {
      return s < captions.size() ? captions[s] : short_spec(sets[s].spec, width);
    };
    std::string svg;
    if (!shape.empty()) {
      std::vector<ImageRow> rows;
      for (size_t s = 0; s < sets.size(); ++s) {
        const PointSet& set = sets[s];
        ImageRow row;
        row.label = {label(s, 22), "n = " + std::to_string(set.n)};
        for (size_t i = 0; i < std::min(set.n, kImagesPerRow); ++i)
          row.images.push_back(row_of(set.x.data(), d, i));
        rows.push_back(std::move(row));
      }
      svg = image_figure(title, rows, shape, nullptr);
    } else {
      Projection projection = simple_projection(d);
      if (d > 2) {  // the principal axes of all the sets pooled, so no set is favoured
        std::vector<float> pooled;
        for (const PointSet& set : sets)
          for (size_t row : every_kth(set.n, std::max<size_t>(1, kPcaPoints / sets.size())))
            pooled.insert(pooled.end(), set.x.begin() + std::ptrdiff_t(row * d),
                          set.x.begin() + std::ptrdiff_t((row + 1) * d));
        projection = principal_projection(pooled.data(), pooled.size() / d, d);
      }
      std::vector<Panel> panels;
      for (size_t s = 0; s < sets.size(); ++s) {
        const PointSet& set = sets[s];
        const std::vector<size_t> rows = every_kth(set.n, max_points);
        Panel panel;
        panel.caption = {label(s, 40), "n = " + std::to_string(set.n) +
                                                   (rows.size() < set.n ? " (" + std::to_string(rows.size()) +
                                                                              " drawn)"
                                                                        : "")};
        panel.points = project(projection, set.x.data(), rows);
        panels.push_back(std::move(panel));
      }
      svg = scatter_figure(title, panels, nullptr, projection, nullptr);
    }
    write_atomically(output, svg);
  });
}

int plot_image_rows(const std::vector<ImageRow>& rows, const std::vector<uint32_t>& shape, const std::string& output,
                    const std::string& title, float gray_lo, float gray_hi) {
  return guarded(output, [&] {
    if (output.empty()) fail(kExitUsage, "no output file given");
    if (rows.empty()) fail(kExitUsage, "no image rows given");
    if (shape.size() != 2) fail(kExitUsage, "the image shape must be two positive numbers (rows, columns)");
    for (const ImageRow& row : rows)
      for (const std::vector<float>& image : row.images)
        check_image_shape(shape, image.size(), "an image of " + std::to_string(image.size()) + " values", false);
    write_atomically(output, image_figure(title, rows, shape, nullptr, gray_lo, gray_hi));
  });
}

}  // namespace swf::tools
