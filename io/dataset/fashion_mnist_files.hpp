// The default data set: Fashion-MNIST from Debian's dataset-fashion-mnist package.
// Its files are found at run time from the package's own file list (`dpkg -L
// dataset-fashion-mnist`), never from a guessed path, so a binary built elsewhere
// still finds them and a missing package is reported by name.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace spikeq::io {

inline constexpr const char* fashion_mnist_package = "dataset-fashion-mnist";

// The package is not installed or lacks an expected file; what() says which.
class dataset_package_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct dataset_files {
  std::filesystem::path images;
  std::filesystem::path labels;
};

// The training (train = true) or test set's image and label files.
dataset_files fashion_mnist_files(bool train);

}  // namespace spikeq::io
