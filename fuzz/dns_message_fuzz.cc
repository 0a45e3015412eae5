// Fuzz target: the DNS wire-format reader (dns_message.h) on arbitrary datagrams.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  residency::DnsMessage message;
  std::string error;
  if (!residency::ParseDnsMessage(data, size, &message, &error)) {
    if (error.empty()) std::abort();  // a failure must say why
    return 0;
  }
  for (const residency::WireRecord& r : message.answers) {
    (void)residency::DnsTypeName(r.type);
    // Names are stored lower case without the trailing dot.
    if (!r.name.empty() && r.name.back() == '.') std::abort();
  }
  (void)residency::RcodeName(message.rcode);
  return 0;
}
