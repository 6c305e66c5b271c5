#include "io/schema_options.hpp"

#include <fmt/format.h>

#include <cmath>

#include "spikeq.pb.h"

namespace spikeq::io {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

double numeric_value(const Message& m, const Reflection* r, const FieldDescriptor* f, int index) {
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
    case FieldDescriptor::CPPTYPE_UINT32:
      return rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT32:
      return rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<double>(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return static_cast<double>(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    default:
      return 0.0;
  }
}

std::string with_unit(double v, const FieldDescriptor* f) {
  const std::string unit = field_unit(f);
  return unit.empty() ? fmt::format("{}", v) : fmt::format("{} {}", v, unit);
}

}  // namespace

std::string field_unit(const FieldDescriptor* field) {
  const auto& options = field->options();
  return options.HasExtension(config::unit) ? options.GetExtension(config::unit) : std::string();
}

void fill_schema_defaults(Message& message) {
  const Reflection* r = message.GetReflection();
  const auto* d = message.GetDescriptor();
  for (int k = 0; k < d->field_count(); ++k) {
    const FieldDescriptor* f = d->field(k);
    if (f->is_repeated()) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
        for (int i = 0; i < r->FieldSize(message, f); ++i)
          fill_schema_defaults(*r->MutableRepeatedMessage(&message, f, i));
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (r->HasField(message, f)) fill_schema_defaults(*r->MutableMessage(&message, f));
      continue;
    }
    if (!f->has_presence() || r->HasField(message, f)) continue;
    const auto& options = f->options();
    if (!options.HasExtension(config::default_value)) continue;
    const double v = options.GetExtension(config::default_value);
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
        r->SetDouble(&message, f, v);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        r->SetUInt32(&message, f, static_cast<std::uint32_t>(v));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        r->SetUInt64(&message, f, static_cast<std::uint64_t>(v));
        break;
      default:
        break;
    }
  }
}

void check_schema_bounds(const Message& message, field_path& path, const network_file& file,
                         std::vector<diagnostic>& errors) {
  const Reflection* r = message.GetReflection();
  const auto* d = message.GetDescriptor();
  for (int k = 0; k < d->field_count(); ++k) {
    const FieldDescriptor* f = d->field(k);
    const int count = f->is_repeated() ? r->FieldSize(message, f) : (r->HasField(message, f) ? 1 : 0);
    for (int i = 0; i < count; ++i) {
      path.push_back({f->name(), f->is_repeated() ? i : -1});
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        check_schema_bounds(
            f->is_repeated() ? r->GetRepeatedMessage(message, f, i) : r->GetMessage(message, f), path, file,
            errors);
      } else if (f->cpp_type() != FieldDescriptor::CPPTYPE_BOOL &&
                 f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM &&
                 f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
        const double v = numeric_value(message, r, f, i);
        const auto& o = f->options();
        std::string problem;
        if (o.HasExtension(config::greater_than) && !(v > o.GetExtension(config::greater_than)))
          problem = "must be > " + with_unit(o.GetExtension(config::greater_than), f);
        else if (o.HasExtension(config::at_least) && !(v >= o.GetExtension(config::at_least)))
          problem = "must be >= " + with_unit(o.GetExtension(config::at_least), f);
        else if (o.HasExtension(config::at_most) && !(v <= o.GetExtension(config::at_most)))
          problem = "must be <= " + with_unit(o.GetExtension(config::at_most), f);
        if (!problem.empty())
          errors.push_back(
              file.error_at(path, fmt::format("{} = {} {}", f->name(), with_unit(v, f), problem)));
      }
      path.pop_back();
    }
  }
}

namespace {

void check_times_in(const Message& message, bool in_time_field, double longest_ms, field_path& path,
                    const network_file& file, std::vector<diagnostic>& errors) {
  const Reflection* r = message.GetReflection();
  const auto* d = message.GetDescriptor();
  for (int k = 0; k < d->field_count(); ++k) {
    const FieldDescriptor* f = d->field(k);
    const bool time = in_time_field || field_unit(f) == "ms";
    const int count = f->is_repeated() ? r->FieldSize(message, f) : (r->HasField(message, f) ? 1 : 0);
    for (int i = 0; i < count; ++i) {
      path.push_back({f->name(), f->is_repeated() ? i : -1});
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        // A message given in ms (a delay distribution) holds times throughout.
        check_times_in(f->is_repeated() ? r->GetRepeatedMessage(message, f, i) : r->GetMessage(message, f),
                       time, longest_ms, path, file, errors);
      } else if (time && (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ||
                          f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT)) {
        const double v = numeric_value(message, r, f, i);
        if (!std::isfinite(v))
          errors.push_back(file.error_at(path, fmt::format("{} = {} is not a finite time", f->name(), v)));
        else if (std::abs(v) > longest_ms)
          errors.push_back(file.error_at(
              path, fmt::format("{} = {:g} ms lies beyond the longest time spikeq represents ({:.4g} ms: "
                                "2^62 ticks of the resolution)",
                                f->name(), v, longest_ms)));
      }
      path.pop_back();
    }
  }
}

}  // namespace

void check_time_ranges(const Message& message, double resolution_ms, field_path& path,
                       const network_file& file, std::vector<diagnostic>& errors) {
  // 2^62 ticks: any time plus any delay (both at most this) still fits in tick_type.
  const double longest_ms = std::ldexp(1.0, 62) * resolution_ms;
  check_times_in(message, false, longest_ms, path, file, errors);
}

}  // namespace spikeq::io
