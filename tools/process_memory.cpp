#include "tools/process_memory.hpp"

#include <fstream>
#include <string>

namespace spikeq::tools {

std::optional<std::uint64_t> peak_resident_bytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      std::uint64_t kib = 0;
      if (in >> kib) return kib * 1024;
      return std::nullopt;
    }
    std::getline(in, key);
  }
  return std::nullopt;
}

}  // namespace spikeq::tools
