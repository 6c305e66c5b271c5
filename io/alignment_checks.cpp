#include "io/alignment_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace spikeq::io::checks {

namespace {

struct built_projection {
  std::string source, target;
};

}  // namespace

void check_alignments(config::Network& net, checker& c) {
  // Built projection names: a projection onto several populations becomes one per
  // target, named "<projection>/<target>".
  std::map<std::string, built_projection> projections;
  for (const auto& pr : net.projection()) {
    if (pr.target_size() > 1)
      for (const auto& t : pr.target())
        projections.emplace(pr.name() + "/" + t, built_projection{pr.source(), t});
    else if (pr.target_size() == 1)
      projections.emplace(pr.name(), built_projection{pr.source(), pr.target(0)});
  }
  std::set<std::string> names;
  auto& rec = *net.mutable_recording();
  for (int k = 0; k < rec.alignment_size(); ++k) {
    auto& a = *rec.mutable_alignment(k);
    const field_path here{{"recording"}, {"alignment", k}};
    const auto find = [&](const std::string& name, const char* field) -> const built_projection* {
      if (name.empty()) {
        c.error(extend(here, {{field}}), fmt::format("an alignment needs a {} projection", field));
        return nullptr;
      }
      const auto it = projections.find(name);
      if (it != projections.end()) return &it->second;
      c.error(extend(here, {{field}}),
              "unknown projection '" + name +
                  "' (a projection onto several populations is named per target, as '<name>/<target>')");
      return nullptr;
    };
    const built_projection* forward = find(a.forward(), "forward");
    const built_projection* feedback = find(a.feedback(), "feedback");
    if (forward != nullptr && feedback != nullptr &&
        (feedback->source != forward->target || feedback->target != forward->source))
      c.error(extend(here, {{"feedback"}}),
              fmt::format("'{}' ({} -> {}) is not the transpose of '{}' ({} -> {}): the feedback projection "
                          "must run from '{}' to '{}'",
                          a.feedback(), feedback->source, feedback->target, a.forward(), forward->source,
                          forward->target, forward->target, forward->source));
    if (a.name().empty()) {
      std::string name = a.forward() == a.feedback() ? a.forward() : a.forward() + "_vs_" + a.feedback();
      std::replace(name.begin(), name.end(), '/', '.');
      a.set_name(name);
    } else if (a.name() == "." || a.name().find('/') != std::string::npos) {
      c.error(extend(here, {{"name"}}), "'" + a.name() + "' is not a valid group name (no '/')");
    }
    if (!names.insert(a.name()).second)
      c.error(extend(here, {{"name"}}), "an alignment named '" + a.name() + "' is already recorded");
    if (a.has_interval() && a.interval() > 0 && !on_grid(a.interval(), net.simulation().resolution()))
      c.error(extend(here, {{"interval"}}),
              fmt::format("interval = {} ms is not a whole number of resolution steps", a.interval()));
  }
}

}  // namespace spikeq::io::checks
