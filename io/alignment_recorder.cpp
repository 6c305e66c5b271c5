#include "io/alignment_recorder.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/diagnostics.hpp"

namespace spikeq::io {

// Every weight of one projection, one column per edge id (canonical order), at the
// recorder's sample ticks. Each shard reads the synapses ending on its neurons.
class alignment_recorder::weight_probe final : public state_probe {
 public:
  weight_probe(alignment_recorder& owner, std::uint32_t index, const projection& proj)
      : owner_(owner), index_(index), proj_(proj) {
    const synapse_table& table = proj.synapses;
    if (table.shards > 1) storage_of_ = canonical_order(table);
    if (!proj.rule) static_weights_.assign(table.weight.begin(), table.weight.end());
  }

  std::uint64_t storage(std::uint64_t e) const { return storage_of_.empty() ? e : storage_of_[e]; }

  tick_type first_sample() const override { return 0; }
  tick_type interval() const override { return 1; }
  const std::vector<tick_type>* sample_ticks() const override { return &owner_.ticks_; }
  std::size_t column_count() const override { return proj_.synapses.synapse_count(); }
  std::uint32_t owner_population() const override { return proj_.target_population; }
  neuron_id_type column_neuron(std::size_t column) const override {
    return proj_.synapses.target[storage(column)];
  }
  void sample(tick_type now, std::span<const std::uint32_t> columns, std::span<double> frame) const override {
    for (const std::uint32_t c : columns)
      frame[c] = proj_.rule ? proj_.rule->weight_at(storage(c), now) : static_weights_[storage(c)];
  }
  void write(tick_type now, std::span<const double> frame) override { owner_.on_frame(index_, now, frame); }

 private:
  alignment_recorder& owner_;
  std::uint32_t index_;
  const projection& proj_;
  std::vector<std::uint64_t> storage_of_;  // edge id -> storage index (empty: the same)
  std::vector<double> static_weights_;     // a static projection's table weights, widened
};

namespace {

// Source neuron of every synapse, by storage index.
std::vector<neuron_id_type> sources_by_storage(const synapse_table& table) {
  std::vector<neuron_id_type> source(table.synapse_count());
  for (std::uint32_t s = 0; s < table.source_count(); ++s)
    for (std::uint32_t b = table.source_begin(s); b < table.source_end(s); ++b)
      for (std::uint64_t e = table.block_first_synapse[b]; e < table.block_first_synapse[b + 1]; ++e)
        source[e] = s;
  return source;
}

// The ticks at which a learning schedule falls from positive to 0 (phase ends).
void add_phase_ends(const step_series& s, std::vector<tick_type>& ticks) {
  for (std::size_t k = 1; k < s.tick.size(); ++k)
    if (s.value[k] <= 0.0 && s.value[k - 1] > 0.0) ticks.push_back(s.tick[k]);
}

}  // namespace

alignment_recorder::alignment_recorder(network& net, const config::Alignment& cfg, std::uint32_t forward,
                                       std::uint32_t feedback, const std::vector<std::string>& learning_names,
                                       tick_type t_stop, output_file& out)
    : net_(net), recurrent_(forward == feedback) {
  const projection& fwd = net.projections[forward];
  const projection& fb = net.projections[feedback];
  if (fb.source_population != fwd.target_population || fb.target_population != fwd.source_population)
    throw std::invalid_argument("alignment: the feedback projection is not the forward one's transpose");
  const std::uint64_t lower = net.populations[fwd.source_population]->size();
  upper_size_ = net.populations[fwd.target_population]->size();

  // Sample ticks.
  ticks_ = {0, t_stop};
  if (cfg.has_interval() && cfg.interval() > 0) {
    const tick_type step = std::max<tick_type>(1, net.grid.to_ticks(cfg.interval()));
    for (tick_type t = step; t <= t_stop; t += step) ticks_.push_back(t);
  } else {
    const trial_protocol& p = net.protocol;
    for (std::size_t k = 0; k < p.trial_start.size(); ++k) ticks_.push_back(p.trial_end(k));
    for (const auto& [name, series] : p.learning)
      if (std::find(learning_names.begin(), learning_names.end(), name) != learning_names.end())
        add_phase_ends(series, ticks_);
  }
  std::erase_if(ticks_, [&](tick_type t) { return t > t_stop; });
  std::sort(ticks_.begin(), ticks_.end());
  ticks_.erase(std::unique(ticks_.begin(), ticks_.end()), ticks_.end());

  // Entries of vec W (forward: post upper, pre lower) and of vec B^T (feedback: post
  // lower, pre upper), index upper * lower_size + lower, per edge id.
  lower_size_ = lower;
  probes_.push_back(std::make_unique<weight_probe>(*this, 0, fwd));
  if (!recurrent_) probes_.push_back(std::make_unique<weight_probe>(*this, 1, fb));
  const auto entries = [&](const weight_probe& probe, const projection& proj, bool transposed) {
    const synapse_table& table = proj.synapses;
    const auto source = sources_by_storage(table);
    std::vector<std::uint64_t> key(table.synapse_count());
    for (std::uint64_t e = 0; e < key.size(); ++e) {
      const std::uint64_t at = probe.storage(e);
      const std::uint64_t post = table.target[at], pre = source[at];
      key[e] = transposed ? pre * lower + post : post * lower + pre;
    }
    return key;
  };
  forward_position_ = entries(*probes_[0], fwd, false);
  feedback_position_ = entries(*probes_[recurrent_ ? 0 : 1], fb, true);
  union_index_ = forward_position_;
  union_index_.insert(union_index_.end(), feedback_position_.begin(), feedback_position_.end());
  std::sort(union_index_.begin(), union_index_.end());
  union_index_.erase(std::unique(union_index_.begin(), union_index_.end()), union_index_.end());
  for (auto* positions : {&forward_position_, &feedback_position_})
    for (auto& k : *positions)
      k = static_cast<std::uint64_t>(std::lower_bound(union_index_.begin(), union_index_.end(), k) -
                                     union_index_.begin());
  w_.assign(union_index_.size(), 0.0);
  bt_.assign(union_index_.size(), 0.0);
  pending_.resize(probes_.size());

  alignment_description what;
  what.forward = fwd.name;
  what.feedback = fb.name;
  what.upper_population = net.populations[fwd.target_population]->name();
  what.lower_population = net.populations[fwd.source_population]->name();
  what.upper_size = upper_size_;
  what.lower_size = lower;
  what.recurrent = recurrent_;
  log_ = &out.add_alignment_log(cfg.name(), what);
}

alignment_recorder::~alignment_recorder() = default;

std::vector<state_probe*> alignment_recorder::probes() {
  std::vector<state_probe*> out;
  for (auto& p : probes_) out.push_back(p.get());
  return out;
}

void alignment_recorder::fill(const std::vector<std::uint64_t>& position, std::span<const double> frame,
                              std::vector<double>& values) {
  std::fill(values.begin(), values.end(), 0.0);
  for (std::size_t e = 0; e < position.size(); ++e) values[position[e]] += frame[e];
}

void alignment_recorder::on_frame(std::uint32_t probe, tick_type now, std::span<const double> frame) {
  if (recurrent_) {
    fill(forward_position_, frame, w_);
    fill(feedback_position_, frame, bt_);
  } else {
    const std::uint32_t other = 1 - probe;
    auto it = pending_[other].find(now);
    if (it == pending_[other].end()) {
      std::vector<double> copy;
      if (!spare_.empty()) {
        copy = std::move(spare_.back());
        spare_.pop_back();
      }
      copy.assign(frame.begin(), frame.end());
      pending_[probe].emplace(now, std::move(copy));
      return;
    }
    fill(forward_position_, probe == 0 ? frame : std::span<const double>(it->second), w_);
    fill(feedback_position_, probe == 1 ? frame : std::span<const double>(it->second), bt_);
    spare_.push_back(std::move(it->second));
    pending_[other].erase(it);
  }
  alignment_values v = alignment_on_union(w_, bt_, upper_size_ * lower_size_);
  if (recurrent_)
    v.variance_of_difference = upper_triangle_asymmetry_on_union(union_index_, w_, bt_, upper_size_);
  log_->append(net_.grid.to_ms(now), v.angle_deg, v.variance_of_difference, v.pearson, v.sign_agreement);
}

std::vector<std::unique_ptr<alignment_recorder>> make_alignment_recorders(const network_file& file,
                                                                          network& net, output_file& out) {
  std::vector<std::unique_ptr<alignment_recorder>> recorders;
  const auto& rec = file.network.recording();
  // Built projection name -> the name the protocol's phases use (as written).
  std::map<std::string, std::string> written;
  for (const auto& pr : file.network.projection())
    for (const auto& t : pr.target())
      written.emplace(pr.target_size() > 1 ? pr.name() + "/" + t : pr.name(), pr.name());
  const auto find = [&](const std::string& name, const field_path& where) {
    for (std::uint32_t p = 0; p < net.projections.size(); ++p)
      if (net.projections[p].name == name) return p;
    throw input_error({file.error_at(where, "unknown projection '" + name + "'")});
  };
  const tick_type t_stop = net.grid.to_ticks(file.network.simulation().t_stop());
  for (int k = 0; k < rec.alignment_size(); ++k) {
    const auto& a = rec.alignment(k);
    const std::uint32_t forward = find(a.forward(), {{"recording"}, {"alignment", k}, {"forward"}});
    const std::uint32_t feedback = find(a.feedback(), {{"recording"}, {"alignment", k}, {"feedback"}});
    std::vector<std::string> learning;
    for (const auto& name : {a.forward(), a.feedback()})
      if (const auto it = written.find(name); it != written.end()) learning.push_back(it->second);
    try {
      recorders.push_back(
          std::make_unique<alignment_recorder>(net, a, forward, feedback, learning, t_stop, out));
    } catch (const std::invalid_argument& e) {
      throw input_error({file.error_at({{"recording"}, {"alignment", k}}, e.what())});
    }
  }
  return recorders;
}

void alignment_recorder::state(state_archive& ar) {
  ar.begin_section("alignment_recorder");
  ar.expect(pending_.size(), "alignment probes");
  for (auto& frames : pending_) {
    std::uint64_t count = frames.size();
    ar.value(count);
    if (ar.loading() && count > ticks_.size()) ar.fail("more pending frames than sample ticks");
    auto it = frames.begin();
    std::map<tick_type, std::vector<double>> loaded;
    for (std::uint64_t k = 0; k < count; ++k) {
      tick_type tick = ar.saving() ? it->first : 0;
      std::vector<double> frame = ar.saving() ? it->second : std::vector<double>{};
      ar.value(tick);
      ar.block(frame);
      if (ar.saving())
        ++it;
      else
        loaded.emplace(tick, std::move(frame));
    }
    if (ar.loading()) frames = std::move(loaded);
  }
  ar.end_section();
}

}  // namespace spikeq::io
