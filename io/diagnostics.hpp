// Errors in user input (network files, command-line values, HDF5 inputs), reported
// compiler-style: "net.textproto:12:5: error: tau_m must be > 0 ms".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace spikeq::io {

struct diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  std::string format() const;
};

// Thrown when input is invalid; carries every problem found, not just the first.
class input_error : public std::runtime_error {
 public:
  explicit input_error(std::vector<diagnostic> diagnostics);
  const std::vector<diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

}  // namespace spikeq::io
