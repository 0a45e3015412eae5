// Fuzz target: host-name normalisation (IDN to A-labels with libidn2, DNS syntax). A name
// that normalises must normalise again to itself, and be a plausible DNS name.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view host(reinterpret_cast<const char*>(data), size);
  std::string a_label, error;
  if (!residency::NormalizeHostName(host, &a_label, &error)) {
    if (error.empty()) std::abort();  // a failure must say why
    return 0;
  }
  if (a_label.empty() || a_label.size() > 253) std::abort();
  for (char c : a_label) {
    // An A-label is ASCII, lower case.
    if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z')) std::abort();
  }
  std::string again, again_error;
  if (!residency::NormalizeHostName(a_label, &again, &again_error) || again != a_label) std::abort();
  return 0;
}
