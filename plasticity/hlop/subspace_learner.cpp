#include "plasticity/hlop/subspace_learner.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/random_stream.hpp"
#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity::hlop {
namespace {

// Removes from row r its components along rows [0, r) and normalises it; returns
// the norm before normalisation. Two passes keep rows orthogonal to rounding.
double orthonormalise_row(std::vector<double>& h, std::size_t n, std::size_t r) {
  double* row = h.data() + r * n;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t q = 0; q < r; ++q) {
      const double* other = h.data() + q * n;
      double dot = 0.0;
      for (std::size_t j = 0; j < n; ++j) dot += row[j] * other[j];
      for (std::size_t j = 0; j < n; ++j) row[j] -= dot * other[j];
    }
  }
  double norm = 0.0;
  for (std::size_t j = 0; j < n; ++j) norm += row[j] * row[j];
  norm = std::sqrt(norm);
  if (norm > 0.0)
    for (std::size_t j = 0; j < n; ++j) row[j] /= norm;
  return norm;
}

}  // namespace

subspace_learner::subspace_learner(std::size_t n_inputs, std::size_t max_batch, subspace_parameters params)
    : n_(n_inputs), max_batch_(max_batch), params_(params), xhat_(max_batch * n_inputs) {
  if (n_ == 0 || max_batch_ == 0) throw std::invalid_argument("hlop: n_inputs and max_batch must be > 0");
}

void subspace_learner::add_task_rows(std::size_t k) {
  if (m_ + k > n_) throw std::invalid_argument("hlop: more lateral rows than inputs");
  // Each call draws from its own stream (object = id, entity = call index), so the
  // initial rows depend only on (seed, id, how many blocks were added before).
  random_stream rng(params_.seed, stream_kind::weight, params_.id, added_blocks_++);
  h_.resize((m_ + k) * n_);
  velocity_.resize((m_ + k) * n_, 0.0);
  for (std::size_t r = m_; r < m_ + k; ++r) {
    // A Gaussian row orthogonalised against all earlier rows: the orthogonal init of
    // torch.nn.init.orthogonal_ extended to keep the new block orthogonal to the old.
    do {
      for (std::size_t j = 0; j < n_; ++j) h_[r * n_ + j] = rng.normal();
    } while (orthonormalise_row(h_, n_, r) < 1e-6);
  }
  m_ += k;
  y_.assign(max_batch_ * m_, 0.0);
  g_.assign(m_ * n_, 0.0);
}

void subspace_learner::freeze() {
  for (std::size_t r = frozen_; r < m_; ++r) orthonormalise_row(h_, n_, r);
  frozen_ = m_;
}

double subspace_learner::response(double y) const {
  if (!params_.spiking) return y;
  const double s = params_.spiking_scale, t = params_.spiking_timesteps;
  return std::round(std::clamp(y, -s, s) / s * t) / t * s;
}

void subspace_learner::update_batch(std::span<const double> x, std::size_t batch) {
  if (batch > max_batch_ || x.size() < batch * n_)
    throw std::invalid_argument("hlop: batch larger than max_batch or x too short");
  if (m_ == frozen_ || batch == 0) return;
  const double inv_b = 1.0 / static_cast<double>(batch);
  const double mu = params_.momentum, eta = params_.learning_rate, c = params_.clamp;
  for (int it = 0; it < params_.iterations_per_batch; ++it) {
    for (std::size_t b = 0; b < batch; ++b) {
      const double* xb = x.data() + b * n_;
      double* yb = y_.data() + b * m_;
      double* xh = xhat_.data() + b * n_;
      for (std::size_t r = 0; r < m_; ++r) {
        const double* hr = h_.data() + r * n_;
        double s = 0.0;
        for (std::size_t j = 0; j < n_; ++j) s += hr[j] * xb[j];
        yb[r] = response(s);
      }
      std::fill(xh, xh + n_, 0.0);
      for (std::size_t r = 0; r < m_; ++r) {
        const double* hr = h_.data() + r * n_;
        for (std::size_t j = 0; j < n_; ++j) xh[j] += yb[r] * hr[j];
      }
      for (std::size_t j = 0; j < n_; ++j) xh[j] = xb[j] - xh[j];  // residual X − X̂
    }
    for (std::size_t r = frozen_; r < m_; ++r) {
      double* gr = g_.data() + r * n_;
      std::fill(gr, gr + n_, 0.0);
      for (std::size_t b = 0; b < batch; ++b) {
        const double yv = y_[b * m_ + r];
        const double* res = xhat_.data() + b * n_;
        for (std::size_t j = 0; j < n_; ++j) gr[j] += yv * res[j];
      }
      double* vr = velocity_.data() + r * n_;
      double* hr = h_.data() + r * n_;
      for (std::size_t j = 0; j < n_; ++j) {
        const double g = std::clamp(gr[j] * inv_b, -c, c);
        vr[j] = mu * vr[j] + (1.0 - mu) * g;
        hr[j] += eta * vr[j];
      }
    }
  }
}

void subspace_learner::project(std::span<const double> x, std::span<double> out) const {
  if (x.size() < n_ || out.size() < n_) throw std::invalid_argument("hlop: project size");
  if (out.data() != x.data()) std::copy_n(x.begin(), n_, out.begin());
  // Row by row (modified Gram–Schmidt): equals x − H₀ᵀH₀x for orthonormal H₀, needs
  // no scratch and lets out alias x.
  for (std::size_t r = 0; r < frozen_; ++r) {
    const double* hr = h_.data() + r * n_;
    double s = 0.0;
    for (std::size_t j = 0; j < n_; ++j) s += hr[j] * out[j];
    for (std::size_t j = 0; j < n_; ++j) out[j] -= s * hr[j];
  }
}

void subspace_learner::state(state_archive& ar) {
  ar.begin_section("hlop subspace learner");
  ar.expect(m_, "hlop lateral rows");
  ar.expect(frozen_, "hlop frozen rows");
  ar.expect(added_blocks_, "hlop row blocks");
  archive_fixed_block(ar, h_, "hlop lateral weights");
  archive_fixed_block(ar, velocity_, "hlop momentum");
  ar.end_section();
}

}  // namespace spikeq::plasticity::hlop
