// Saving and loading a rule's per-synapse (or per-neuron) records field by field:
// the records hold doubles next to ticks and may carry padding, so blocking them
// whole could write indeterminate bytes and break equal-state-equal-bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/state_archive.hpp"

namespace spikeq::plasticity {

// The count is fixed by the network, so a checkpoint of another network fails on
// it by name (`what`) before any record is read.
template <class Record, class Fields>
void archive_records(state_archive& ar, std::vector<Record>& records, std::string_view what,
                     Fields&& fields) {
  ar.expect(records.size(), what);
  for (Record& r : records) fields(r);
}

// A vector whose length the network fixes (per synapse, per neuron, or empty when
// a mode does not use it): the length is checked by name before the elements.
template <class T>
void archive_fixed_block(state_archive& ar, std::vector<T>& v, std::string_view what) {
  const std::size_t n = v.size();
  ar.expect(n, what);
  ar.block(v);
  if (v.size() != n) ar.fail(std::string(what) + ": block length disagrees with its count");
}

}  // namespace spikeq::plasticity
