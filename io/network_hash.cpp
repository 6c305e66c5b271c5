#include "io/network_hash.hpp"

#include <string>

#include "io/resolve.hpp"

namespace spikeq::io {

std::uint64_t network_hash(const config::Network& network) {
  config::Network without_stop = network;
  without_stop.mutable_simulation()->clear_t_stop();
  const std::string text = resolved_text(without_stop);
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis and prime
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace spikeq::io
