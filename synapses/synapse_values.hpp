// Weights and delays of a projection's synapses, drawn one source at a time while
// the synapse table is built, so no per-synapse value array of a whole projection
// is ever held (at 3e8 synapses that array alone would cost gigabytes).
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "core/distribution.hpp"
#include "core/time_grid.hpp"
#include "core/types.hpp"

namespace spikeq {

// Supplies the values of one source's connections in creation order. Implementations
// must give the same values whichever thread asks and in whatever order.
class synapse_values {
 public:
  virtual ~synapse_values() = default;
  // `first` is the creation index (over the projection) of the source's first
  // connection; `list_index` holds from_list positions, or is empty.
  virtual void fill(std::uint32_t source, std::uint64_t first, std::span<const std::uint32_t> targets,
                    std::span<const std::uint64_t> list_index, std::span<double> weights,
                    std::span<tick_type> delays) const = 0;
};

// A delay shorter than one tick, reported for the first offending connection in
// creation order (so the message does not depend on thread scheduling).
struct bad_delay {
  std::uint32_t source = 0;
  std::uint64_t position = 0;  // within the source's row
  double delay_ms = 0.0;
};

// Values from two distributions. Draws for source s come from the streams
// (seed, weight|delay, projection, s), consumed in creation order; list values are
// taken by creation index (or from_list position), cycle restarts for every source.
// Explicit per-connection values of a from_list override the distributions.
class distribution_values final : public synapse_values {
 public:
  distribution_values(distribution weight, distribution delay_ms, time_grid grid, std::uint64_t seed,
                      std::uint32_t projection_index)
      : weight_(std::move(weight)),
        delay_(std::move(delay_ms)),
        grid_(grid),
        seed_(seed),
        projection_(projection_index) {}

  // Indexed by from_list position; unset entries use the distribution.
  std::vector<std::optional<double>> list_weight;
  std::vector<std::optional<double>> list_delay_ms;

  void fill(std::uint32_t source, std::uint64_t first, std::span<const std::uint32_t> targets,
            std::span<const std::uint64_t> list_index, std::span<double> weights,
            std::span<tick_type> delays) const override;

  // Delays shorter than one tick are stored as one tick and reported here.
  std::optional<bad_delay> first_bad_delay() const;

 private:
  void note_bad_delay(const bad_delay& bad) const;

  distribution weight_;
  distribution delay_;
  time_grid grid_;
  std::uint64_t seed_;
  std::uint32_t projection_;
  mutable std::mutex bad_mutex_;
  mutable std::optional<bad_delay> bad_;
};

}  // namespace spikeq
