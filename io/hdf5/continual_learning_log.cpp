#include "io/hdf5/continual_learning_log.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

using namespace hdf5_write;

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

continual_learning_log::continual_learning_log(hid_t parent, const continual_learning_schedule& s,
                                               const std::string& file)
    : file_(file), evaluations_(s.trial.size()), tasks_(s.tasks) {
  const std::string p = "/continual_learning/";
  group_ = create_group(parent, "continual_learning", file_, "/continual_learning");
  write_fixed_dataset<std::uint64_t>(group_.get(), "trial", s.trial, file_, p + "trial");
  write_fixed_dataset<std::uint64_t>(group_.get(), "after_task", s.after_task, file_, p + "after_task");
  write_fixed_dataset<std::uint64_t>(group_.get(), "task", s.task, file_, p + "task");
  write_fixed_dataset<std::uint64_t>(group_.get(), "label", s.label, file_, p + "label");
  prediction_ = write_fixed_dataset<std::uint64_t>(
      group_.get(), "prediction",
      std::vector<std::uint64_t>(evaluations_, std::numeric_limits<std::uint64_t>::max()), file_,
      p + "prediction");
  const std::array<hsize_t, 2> dims{tasks_, tasks_};
  auto space = checked(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, file_, p + "accuracy",
                       "cannot create a dataspace");
  accuracy_ = checked(H5Dcreate2(group_.get(), "accuracy", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
                      H5Dclose, file_, p + "accuracy", "cannot create a dataset");
  const std::vector<double> unknown(tasks_ * tasks_, nan);
  if (!unknown.empty())
    check(H5Dwrite(accuracy_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, unknown.data()), file_,
          p + "accuracy", "cannot write");
  const std::array<double, 1> one{nan};
  acc_ = write_fixed_dataset<double>(group_.get(), "ACC", one, file_, p + "ACC");
  bwt_ = write_fixed_dataset<double>(group_.get(), "BWT", one, file_, p + "BWT");
}

void continual_learning_log::write_results(std::span<const std::uint64_t> prediction,
                                           std::span<const double> accuracy, double acc, double bwt) {
  if (prediction.size() != evaluations_ || accuracy.size() != tasks_ * tasks_)
    throw std::invalid_argument(file_ + ":/continual_learning: results of the wrong size");
  const std::string p = "/continual_learning/";
  if (evaluations_ > 0)
    check(H5Dwrite(prediction_.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, prediction.data()),
          file_, p + "prediction", "cannot write");
  if (tasks_ > 0)
    check(H5Dwrite(accuracy_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, accuracy.data()), file_,
          p + "accuracy", "cannot write");
  check(H5Dwrite(acc_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &acc), file_, p + "ACC",
        "cannot write");
  check(H5Dwrite(bwt_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &bwt), file_, p + "BWT",
        "cannot write");
}

herr_t continual_learning_log::close() noexcept {
  herr_t status = 0;
  for (hdf5_handle* h : {&prediction_, &accuracy_, &acc_, &bwt_, &group_}) {
    const herr_t s = h->close();
    if (s < 0 && status >= 0) status = s;
  }
  return status;
}

}  // namespace spikeq::io
