// Fuzz target: a user's requirement profile file (LoadProfile takes a path, so the input
// goes through a scratch file; fuzz_support.h).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const residency::Jurisdictions& j = residency::fuzz::SourceJurisdictions();
  const std::string& path = residency::fuzz::WriteScratch("profile.json", data, size);
  residency::Profile profile;
  residency::Diagnostic error;
  if (!residency::LoadProfile(path, j, &profile, &error) && error.ToString().empty()) std::abort();
  return 0;
}
