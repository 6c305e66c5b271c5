// Generic handling of the schema's field options (unit, default_value, bounds):
// filling defaults and checking bounds by reflection over any message.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "io/network_file.hpp"

namespace spikeq::io {

// Sets every unset optional scalar that declares a default_value, recursively in
// every message field that is present.
void fill_schema_defaults(google::protobuf::Message& message);

// Checks greater_than / at_least / at_most on every set field, recursively.
// `path` is the location of `message` in the file; problems go to `errors`.
void check_schema_bounds(const google::protobuf::Message& message, field_path& path, const network_file& file,
                         std::vector<diagnostic>& errors);

// Checks that every time (a field in ms, or inside a message given in ms, such as a
// delay distribution) is finite and at most 2^62 ticks of `resolution_ms`, so that it,
// and it plus any delay, fits the kernel's tick_type. REQUIRES: resolution_ms > 0.
void check_time_ranges(const google::protobuf::Message& message, double resolution_ms, field_path& path,
                       const network_file& file, std::vector<diagnostic>& errors);

// The unit declared for a field ("" if none).
std::string field_unit(const google::protobuf::FieldDescriptor* field);

}  // namespace spikeq::io
