// Alignment between a forward matrix W and a transposed feedback matrix B^T, as
// Gierlich et al. 2025 measure it (rules.md §3.5, §3.7; the paper code's
// symmnet/utils.py and scripts/ssn/train_bm.py; docs/models/alignment.md).
//
// Both matrices are flattened to vectors of the same length n (row-major over
// (upper, lower) pairs) and held sparsely: an entry not listed is 0, which is how
// absent synapses count. With w = vec W and b = vec B^T:
//   angle_deg              = arccos(clamp(<w, b> / (|w| |b|), -1, 1)) * 180 / pi
//                            (NaN when either vector is all zeros; |w| |b| is taken as
//                            sqrt(|w|^2 |b|^2), so that b = w gives exactly 0)
//   variance_of_difference = sum_k (d_k - mean d)^2 / (n - 1), d = w - b
//                            (torch's unbiased Tensor.var(); NaN for n < 2)
//   pearson                = sum (w - mean w)(b - mean b) / sqrt(sum (w - mean w)^2 sum (b - mean b)^2)
//                            (torch.corrcoef; NaN when either vector is constant)
//   sign_agreement         = mean_k sign(w_k) sign(b_k), sign(0) = 0, in [-1, 1]
// For a recurrent matrix compared with its own transpose, upper_triangle_asymmetry
// gives the paper's asymmetry measure instead of the variance: the population
// variance (numpy's var, ddof 0) of the strictly upper-triangular entries of W - W^T.
//
// Every sum runs over the listed entries in index order, plus a closed-form term for
// the unlisted zeros, so results depend only on the values, never on threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace spikeq::io {

// A vector of `size` entries given by its non-zero (listed) ones.
struct sparse_vector {
  std::uint64_t size = 0;
  std::vector<std::uint64_t> index;  // ascending, distinct, < size
  std::vector<double> value;         // value[k] at index[k]

  // From a dense vector (zeros are left out).
  static sparse_vector from_dense(const std::vector<double>& dense);
};

struct alignment_values {
  double angle_deg = 0.0;
  double variance_of_difference = 0.0;
  double pearson = 0.0;
  double sign_agreement = 0.0;
};

// The four measures between w = vec W and b = vec B^T (definitions above).
// REQUIRES: w.size == b.size (std::invalid_argument otherwise).
alignment_values alignment_between(const sparse_vector& w, const sparse_vector& b);

// The population variance of the entries W_ij - W_ji, i < j, of an n x n matrix
// given as vec W (row-major, index i * n + j). NaN for n < 2.
// REQUIRES: w.size == n * n.
double upper_triangle_asymmetry(const sparse_vector& w, std::uint64_t n);

// The same two, computed on the union of the listed indices, given once for many
// evaluations (the recorder's fast path; the functions above call these, so the
// results are identical): index[k] is the k-th index listed in w or b (ascending),
// x[k] and y[k] the entries of w and b there (0 where one lists none), n the length.
alignment_values alignment_on_union(std::span<const double> x, std::span<const double> y, std::uint64_t n);
// For W against W^T (n x n; x = vec W, y = vec W^T on the union `index`).
double upper_triangle_asymmetry_on_union(std::span<const std::uint64_t> index, std::span<const double> x,
                                         std::span<const double> y, std::uint64_t n);

}  // namespace spikeq::io
