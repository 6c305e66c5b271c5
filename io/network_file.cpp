#include "io/network_file.hpp"

#include <google/protobuf/io/tokenizer.h>

#include <fstream>
#include <sstream>

namespace spikeq::io {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

class collecting_error_collector : public google::protobuf::io::ErrorCollector {
 public:
  explicit collecting_error_collector(std::string file) : file_(std::move(file)) {}

#if GOOGLE_PROTOBUF_VERSION >= 4022000
  void RecordError(int line, google::protobuf::io::ColumnNumber column, absl::string_view message) override {
    add(line, column, std::string(message));
  }
#else
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    add(line, column, message);
  }
#endif

  std::vector<diagnostic> take() { return std::move(diagnostics_); }

 private:
  void add(int line, int column, std::string message) {
    // The parser reports 0-based positions (or -1 when it has none).
    diagnostics_.push_back(
        {file_, line >= 0 ? line + 1 : 0, column >= 0 ? column + 1 : 0, std::move(message)});
  }

  std::string file_;
  std::vector<diagnostic> diagnostics_;
};

}  // namespace

diagnostic network_file::error_at(const field_path& where, std::string message) const {
  const TextFormat::ParseInfoTree* tree = locations.get();
  const Descriptor* descriptor = config::Network::descriptor();
  int line = 0;
  int column = 0;
  for (const field_step& step : where) {
    if (tree == nullptr || descriptor == nullptr) break;
    const FieldDescriptor* field = descriptor->FindFieldByName(step.field);
    if (field == nullptr) break;
    const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
    const auto loc = tree->GetLocation(field, index);
    if (loc.line >= 0) {
      line = loc.line + 1;
      column = loc.column + 1;
    }
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) break;
    tree = tree->GetTreeForNested(field, index);
    descriptor = field->message_type();
  }
  return {path, line, column, std::move(message)};
}

network_file parse_network_text(const std::string& text, const std::string& name) {
  network_file result;
  result.path = name;
  result.directory = std::filesystem::path(name).parent_path();
  result.locations = std::make_unique<TextFormat::ParseInfoTree>();
  collecting_error_collector errors(name);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(result.locations.get());
  parser.AllowUnknownField(false);
  if (!parser.ParseFromString(text, &result.network)) {
    auto diagnostics = errors.take();
    if (diagnostics.empty()) diagnostics.push_back({name, 0, 0, "could not parse the network description"});
    throw input_error(std::move(diagnostics));
  }
  return result;
}

std::string read_network_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error({{path.string(), 0, 0, "cannot open the network file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

network_file read_network_file(const std::filesystem::path& path) {
  return parse_network_text(read_network_text(path), path.string());
}

}  // namespace spikeq::io
