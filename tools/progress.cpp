#include "tools/progress.hpp"

#include <unistd.h>

namespace spikeq::tools {

progress_line::progress_line(double t_stop_ms, bool enabled) : t_stop_ms_(t_stop_ms), enabled_(enabled) {}

progress_line::~progress_line() { finish(); }

bool progress_line::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void progress_line::update(double t_ms) {
  if (!enabled_) return;
  const auto now = clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  const double wall_s = std::chrono::duration<double>(now - start_).count();
  const double rtf = t_ms > 0 ? wall_s / (t_ms / 1000.0) : 0.0;
  const double percent = t_stop_ms_ > 0 ? 100.0 * t_ms / t_stop_ms_ : 100.0;
  std::fprintf(stderr, "\r\033[K[spikeq] %.1f / %.1f ms (%.0f%%)  wall %.1f s  real-time factor %.3g", t_ms,
               t_stop_ms_, percent, wall_s, rtf);
  std::fflush(stderr);
  drawn_ = true;
}

void progress_line::finish() {
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace spikeq::tools
