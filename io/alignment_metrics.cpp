#include "io/alignment_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace spikeq::io {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double sign_of(double x) { return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0; }

// Calls f(w_k, b_k) for every index listed in w or b, in ascending order (an index
// listed in only one of them has 0 in the other); returns how many there were.
template <class F>
std::uint64_t for_each_union(const sparse_vector& w, const sparse_vector& b, F f) {
  std::size_t i = 0, j = 0;
  std::uint64_t count = 0;
  while (i < w.index.size() || j < b.index.size()) {
    if (j == b.index.size() || (i < w.index.size() && w.index[i] < b.index[j])) {
      f(w.value[i++], 0.0);
    } else if (i == w.index.size() || b.index[j] < w.index[i]) {
      f(0.0, b.value[j++]);
    } else {
      f(w.value[i++], b.value[j++]);
    }
    ++count;
  }
  return count;
}

}  // namespace

sparse_vector sparse_vector::from_dense(const std::vector<double>& dense) {
  sparse_vector v;
  v.size = dense.size();
  for (std::uint64_t k = 0; k < dense.size(); ++k)
    if (dense[k] != 0.0) {
      v.index.push_back(k);
      v.value.push_back(dense[k]);
    }
  return v;
}

alignment_values alignment_between(const sparse_vector& w, const sparse_vector& b) {
  if (w.size != b.size) throw std::invalid_argument("alignment of vectors of different lengths");
  std::vector<double> x, y;
  for_each_union(w, b, [&](double a, double c) {
    x.push_back(a);
    y.push_back(c);
  });
  return alignment_on_union(x, y, w.size);
}

alignment_values alignment_on_union(std::span<const double> x, std::span<const double> y,
                                    std::uint64_t size) {
  if (size == 0) return {nan, nan, nan, nan};
  const auto n = static_cast<double>(size);
  const std::size_t listed = x.size();
  alignment_values out;
  // First pass: means.
  double sum_w = 0.0, sum_b = 0.0, sum_d = 0.0;
  for (std::size_t k = 0; k < listed; ++k) {
    sum_w += x[k];
    sum_b += y[k];
    sum_d += x[k] - y[k];
  }
  const double mean_w = sum_w / n, mean_b = sum_b / n, mean_d = sum_d / n;
  // Second pass: products and deviations; the unlisted entries are 0 in both.
  double dot = 0.0, norm2_w = 0.0, norm2_b = 0.0, dev2_d = 0.0, dev2_w = 0.0, dev2_b = 0.0, codev = 0.0,
         signs = 0.0;
  for (std::size_t k = 0; k < listed; ++k) {
    dot += x[k] * y[k];
    norm2_w += x[k] * x[k];
    norm2_b += y[k] * y[k];
    const double d = (x[k] - y[k]) - mean_d, cx = x[k] - mean_w, cy = y[k] - mean_b;
    dev2_d += d * d;
    dev2_w += cx * cx;
    dev2_b += cy * cy;
    codev += cx * cy;
    signs += sign_of(x[k]) * sign_of(y[k]);
  }
  const auto zeros = static_cast<double>(size - listed);
  dev2_d += zeros * mean_d * mean_d;
  dev2_w += zeros * mean_w * mean_w;
  dev2_b += zeros * mean_b * mean_b;
  codev += zeros * mean_w * mean_b;

  if (norm2_w > 0.0 && norm2_b > 0.0) {
    const double cosine = std::clamp(dot / std::sqrt(norm2_w * norm2_b), -1.0, 1.0);
    out.angle_deg = std::acos(cosine) * 180.0 / std::numbers::pi;
  } else {
    out.angle_deg = nan;
  }
  out.variance_of_difference = size < 2 ? nan : dev2_d / (n - 1.0);
  out.pearson =
      dev2_w > 0.0 && dev2_b > 0.0 ? std::clamp(codev / std::sqrt(dev2_w * dev2_b), -1.0, 1.0) : nan;
  out.sign_agreement = signs / n;
  return out;
}

double upper_triangle_asymmetry(const sparse_vector& w, std::uint64_t n) {
  if (w.size != n * n) throw std::invalid_argument("upper_triangle_asymmetry: not an n x n matrix");
  // vec W^T: W_ji listed at index i * n + j.
  sparse_vector wt;
  wt.size = w.size;
  std::vector<std::pair<std::uint64_t, double>> mirrored;
  for (std::size_t k = 0; k < w.index.size(); ++k)
    mirrored.emplace_back(w.index[k] % n * n + w.index[k] / n, w.value[k]);
  std::sort(mirrored.begin(), mirrored.end());
  for (const auto& [index, value] : mirrored) {
    wt.index.push_back(index);
    wt.value.push_back(value);
  }
  std::vector<std::uint64_t> index;
  std::vector<double> x, y;
  std::size_t i = 0, j = 0;
  while (i < w.index.size() || j < wt.index.size()) {
    const std::uint64_t at =
        j == wt.index.size() || (i < w.index.size() && w.index[i] < wt.index[j]) ? w.index[i] : wt.index[j];
    index.push_back(at);
    x.push_back(i < w.index.size() && w.index[i] == at ? w.value[i++] : 0.0);
    y.push_back(j < wt.index.size() && wt.index[j] == at ? wt.value[j++] : 0.0);
  }
  return upper_triangle_asymmetry_on_union(index, x, y, n);
}

double upper_triangle_asymmetry_on_union(std::span<const std::uint64_t> index, std::span<const double> x,
                                         std::span<const double> y, std::uint64_t n) {
  if (n < 2) return nan;
  // The entries W_ij - W_ji with i < j: the union entries above the diagonal.
  const double m = static_cast<double>(n) * static_cast<double>(n - 1) / 2.0;
  double sum = 0.0, listed = 0.0;
  for (std::size_t k = 0; k < index.size(); ++k)
    if (index[k] / n < index[k] % n) {
      sum += x[k] - y[k];
      listed += 1.0;
    }
  const double mean = sum / m;
  double dev2 = 0.0;
  for (std::size_t k = 0; k < index.size(); ++k)
    if (index[k] / n < index[k] % n) {
      const double d = (x[k] - y[k]) - mean;
      dev2 += d * d;
    }
  dev2 += (m - listed) * mean * mean;
  return dev2 / m;
}

}  // namespace spikeq::io
