#include "io/schema_options.hpp"

#include <fmt/format.h>

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

}  // namespace spikeq::io
