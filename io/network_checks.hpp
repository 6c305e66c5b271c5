// Semantic checks of a network description (everything the schema's field options
// cannot say): names, references between entries, sizes, delays against the tick,
// model-specific rules. Each problem is recorded with its file:line:col; the caller
// throws once all checks have run, so users see every problem at once.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/network_file.hpp"

namespace spikeq::io::checks {

// Collects problems with their locations while walking the description.
class checker {
 public:
  explicit checker(const network_file& file) : file_(file) {}

  void error(const field_path& where, std::string message) {
    errors_.push_back(file_.error_at(where, std::move(message)));
  }
  std::vector<diagnostic>& errors() { return errors_; }

 private:
  const network_file& file_;
  std::vector<diagnostic> errors_;
};

// `base` followed by `more`: the location of a field inside the entry at `base`.
inline field_path extend(field_path base, std::initializer_list<field_step> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

// Spike sources without a membrane (they take no currents).
bool is_generator(const config::Population& p);

// The populations an entry's repeated `target` field names, in order. An unknown
// name, or a generator (which "takes no current" or "cannot receive input": what
// `generator_refusal` says), is an error at that target and is left out.
std::vector<const config::Population*> resolve_targets(
    const config::Network& net, const google::protobuf::RepeatedPtrField<std::string>& targets,
    const std::map<std::string, int>& index, const field_path& here, const std::string& generator_refusal,
    checker& c);

// Whether a time in ms is a whole number of resolution steps.
bool on_grid(double value_ms, double resolution_ms);

// Each check fills in defaults that depend on other entries (e.g. projection names,
// receptor types from weight signs) and records problems in `c`.
// `index` maps population names to their position; check_populations builds it.
void check_populations(config::Network& net, checker& c, std::map<std::string, int>& index);
void check_projection(config::Network& net, int k, const std::map<std::string, int>& index,
                      std::set<std::string>& names, checker& c);
void check_recording(config::Network& net, const std::map<std::string, int>& index, checker& c);

}  // namespace spikeq::io::checks
