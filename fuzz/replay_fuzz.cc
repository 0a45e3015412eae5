// Fuzz target: a JSON verify report read back for `verify --replay` (ReadReplay), then
// every recorded name asked of the replaying resolver. ReadReplay takes a path, so the
// input goes through a scratch file (fuzz_support.h).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "resolve.h"
#include "verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = residency::fuzz::WriteScratch("replay.json", data, size);
  std::vector<residency::Resolution> resolutions;
  std::vector<std::string> servers;
  residency::Status s = residency::ReadReplay(path, &resolutions, &servers);
  if (!s.ok()) {
    if (s.message().empty()) std::abort();  // a failure must say why
    return 0;
  }
  const std::string absent = "not-recorded.invalid";
  std::vector<std::string> names;
  bool recorded_absent = false;
  for (const residency::Resolution& r : resolutions) {
    names.push_back(r.name);
    recorded_absent = recorded_absent || r.name == absent;
  }
  names.push_back(absent);
  auto resolver = residency::NewReplayResolver(std::move(resolutions), std::move(servers));
  std::vector<residency::Resolution> out;
  if (!resolver->ResolveAll(names, &out).ok() || out.size() != names.size()) std::abort();
  // A name absent from the report never resolves to addresses.
  if (!recorded_absent && out.back().status == residency::ResolveStatus::kOk) std::abort();
  return 0;
}
