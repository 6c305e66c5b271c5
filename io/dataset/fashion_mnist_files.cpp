#include "io/dataset/fashion_mnist_files.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

namespace spikeq::io {

namespace {

// Paths listed by `dpkg -L <package>`; empty when dpkg is absent or the package
// is not installed.
std::vector<std::string> package_files(const std::string& package) {
  std::vector<std::string> files;
  const std::string command = "dpkg -L " + package + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return files;
  std::string line;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      files.push_back(line);
      line.clear();
    }
  }
  if (!line.empty()) files.push_back(line);
  if (::pclose(pipe) != 0) files.clear();
  return files;
}

}  // namespace

dataset_files fashion_mnist_files(bool train) {
  const auto files = package_files(fashion_mnist_package);
  if (files.empty())
    throw dataset_package_error(fmt::format(
        "the default data set (Fashion-MNIST) comes from the Debian package {0}, which is not installed "
        "('dpkg -L {0}' lists nothing); install it with 'apt-get install {0}' or give image and label files",
        fashion_mnist_package));
  const std::string prefix = train ? "train" : "t10k";
  const auto find = [&](const std::string& name) {
    for (const auto& f : files) {
      const std::filesystem::path p(f);
      if (p.filename() == name + ".gz" || p.filename() == name) return p;
    }
    throw dataset_package_error(
        fmt::format("the Debian package {} does not list a file named {}[.gz]", fashion_mnist_package, name));
  };
  return {find(prefix + "-images-idx3-ubyte"), find(prefix + "-labels-idx1-ubyte")};
}

}  // namespace spikeq::io
