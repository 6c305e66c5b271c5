// libFuzzer target: the bytes as an HDF5 recording, through what `spikeq inspect` and
// `spikeq analyze` do. io::input_error and io::hdf5_error are the expected answers to
// a bad file; anything else escaping (or a crash in our code) is a bug. libhdf5 itself
// is not instrumented. Every HDF5 identifier the tools open must be closed again by
// the end of an input: a left-over one aborts (it is a leak no sanitizer sees, since
// libhdf5 owns the memory).
#include <hdf5.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analysis/recording_analysis.hpp"
#include "io/diagnostics.hpp"
#include "io/hdf5/hdf5_handle.hpp"
#include "tools/inspect_command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return -1;
  // One file per process: libFuzzer runs inputs one after another in a process. In
  // memory (/dev/shm) where there is one: the readers open a path.
  static const std::string path = std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                                  "/spikeq_fuzz_recording_" + std::to_string(getpid()) + ".h5";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  using namespace spikeq;
  try {
    (void)tools::inspect_file(path);
  } catch (const io::input_error&) {
  } catch (const io::hdf5_error&) {
  }
  try {
    (void)analysis::analyze_recording(path, analysis::analysis_request{});
  } catch (const io::input_error&) {
  } catch (const io::hdf5_error&) {
  }
  std::remove(path.c_str());
  const ssize_t still_open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (still_open != 0) {
    std::fprintf(stderr, "fuzz_recording: %zd HDF5 object(s) left open after the input\n", still_open);
    std::abort();
  }
  return 0;
}
