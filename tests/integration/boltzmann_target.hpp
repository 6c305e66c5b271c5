// The target distribution of examples/sal_boltzmann.textproto, computed here from the
// W*, b* written in the file (independently of boltzmann_sleep_hebbian's own code).
#pragma once

#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace spikeq::testing {

// The numbers of `field: [a, b, ...]` in a network file's text.
inline std::vector<double> numbers_after(const std::string& text, const std::string& field) {
  const auto at = text.find(field + ":");
  const auto open = text.find('[', at), close = text.find(']', at);
  std::string body = text.substr(open + 1, close - open - 1);
  for (char& c : body)
    if (c == ',') c = ' ';
  std::istringstream in(body);
  std::vector<double> v;
  for (double x; in >> x;) v.push_back(x);
  return v;
}

// p(z) ~ exp(z'Wz/2 + b'z) over all 2^n states, z_i the bit n - 1 - i of the state
// index; w is n x n row-major with a zero diagonal.
inline std::vector<double> boltzmann(const std::vector<double>& w, const std::vector<double>& b) {
  const auto n = static_cast<int>(b.size());
  std::vector<double> p(std::size_t{1} << n);
  for (std::uint32_t k = 0; k < p.size(); ++k) {
    double e = 0.0;
    for (int i = 0; i < n; ++i) {
      if (!((k >> (n - 1 - i)) & 1u)) continue;
      e += b[i];
      for (int j = i + 1; j < n; ++j)
        if ((k >> (n - 1 - j)) & 1u) e += w[i * n + j];
    }
    p[k] = std::exp(e);
  }
  const double z = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= z;
  return p;
}

// p(z_i = 1) under `p` (from boltzmann() for n neurons).
inline std::vector<double> marginals(const std::vector<double>& p, int n) {
  std::vector<double> m(static_cast<std::size_t>(n), 0.0);
  for (std::uint32_t k = 0; k < p.size(); ++k)
    for (int i = 0; i < n; ++i)
      if ((k >> (n - 1 - i)) & 1u) m[static_cast<std::size_t>(i)] += p[k];
  return m;
}

}  // namespace spikeq::testing
