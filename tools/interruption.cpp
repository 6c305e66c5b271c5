#include "tools/interruption.hpp"

#include <csignal>

namespace spikeq::tools {

namespace {
// A signal handler can only reach static storage; this is the one flag it sets.
volatile std::sig_atomic_t interruption_flag = 0;
using handler_type = void (*)(int);
handler_type previous_sigint = SIG_DFL;
handler_type previous_sigterm = SIG_DFL;

extern "C" void on_interruption(int /*signal*/) { interruption_flag = 1; }
}  // namespace

interruption_guard::interruption_guard() {
  interruption_flag = 0;
  previous_sigint = std::signal(SIGINT, on_interruption);
  previous_sigterm = std::signal(SIGTERM, on_interruption);
}

interruption_guard::~interruption_guard() {
  std::signal(SIGINT, previous_sigint);
  std::signal(SIGTERM, previous_sigterm);
}

bool interruption_guard::requested() { return interruption_flag != 0; }

}  // namespace spikeq::tools
