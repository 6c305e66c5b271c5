// Reading a network description (.textproto / .pbtxt) into the schema message,
// keeping the source location of every field so that later semantic checks can
// point at file:line:col.
#pragma once

#include <google/protobuf/text_format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"
#include "spikeq.pb.h"

namespace spikeq::io {

// One step of a path from the root message to a field: the field name and, for
// repeated fields, the element index (-1 otherwise).
struct field_step {
  std::string field;
  int index = -1;
};
using field_path = std::vector<field_step>;

struct network_file {
  std::string path;  // for messages
  // What relative file names in the description (data sets, target series) resolve
  // against: the description's own directory (a resumed run: the original file's).
  std::filesystem::path directory;
  config::Network network;
  std::unique_ptr<google::protobuf::TextFormat::ParseInfoTree> locations;

  // A diagnostic pointing at the field named by `where` (or at its nearest
  // located ancestor when the field itself was not written in the file).
  diagnostic error_at(const field_path& where, std::string message) const;
};

// Parses the file; unknown fields are errors. Throws input_error naming file:line:col.
network_file read_network_file(const std::filesystem::path& path);
// The file's text as read_network_file parses it. Throws input_error when it cannot be read.
std::string read_network_text(const std::filesystem::path& path);
// Parses text (for tests and for --set style overrides); `name` is used in messages.
network_file parse_network_text(const std::string& text, const std::string& name);

}  // namespace spikeq::io
