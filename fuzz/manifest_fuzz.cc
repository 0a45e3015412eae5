// Fuzz target: a manifest's bytes through the whole reader (JSON with positions, schema
// validation, semantic checks). Whatever the bytes, ParseManifest must return, and a
// failure must come with at least one diagnostic, each rendering to text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const residency::Jurisdictions& jurisdictions = residency::fuzz::SourceJurisdictions();
  residency::Manifest manifest;
  std::vector<residency::Diagnostic> errors;
  std::string text(reinterpret_cast<const char*>(data), size);
  bool ok = residency::ParseManifest("fuzz.json", std::move(text), jurisdictions, &manifest, &errors);
  if (!ok && errors.empty()) std::abort();  // a failure must say why
  for (const residency::Diagnostic& d : errors) {
    if (d.ToString().empty()) std::abort();
  }
  if (ok && manifest.nodes.empty()) std::abort();  // nodes[0] is the service
  return 0;
}
