// Fuzz target: a manifest's bytes through the whole reader (JSON with positions, schema
// validation, semantic checks). Whatever the bytes, ParseManifest must return, and a
// failure must come with at least one diagnostic, each rendering to text. The schema's
// fast paths for endpoints (the schema's, and reading them during the parse) must not
// change anything: the same bytes parsed without them give the same errors, or the same
// endpoints, field by field.
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
  bool ok = residency::ParseManifest("fuzz.json", text, jurisdictions, &manifest, &errors);
  residency::Manifest slow_manifest;
  std::vector<residency::Diagnostic> slow_errors;
  bool slow_ok = residency::ParseManifestForTest("fuzz.json", std::move(text), jurisdictions, false, &slow_manifest,
                                                 &slow_errors);
  if (ok != slow_ok || errors.size() != slow_errors.size()) std::abort();
  for (size_t i = 0; i < errors.size(); ++i) {
    if (errors[i].ToString() != slow_errors[i].ToString()) std::abort();
  }
  if (!ok && errors.empty()) std::abort();  // a failure must say why
  for (const residency::Diagnostic& d : errors) {
    if (d.ToString().empty()) std::abort();
  }
  if (ok && manifest.nodes.empty()) std::abort();  // nodes[0] is the service
  if (ok) {
    if (manifest.nodes.size() != slow_manifest.nodes.size()) std::abort();
    for (size_t n = 0; n < manifest.nodes.size(); ++n) {
      const auto& a = manifest.nodes[n].endpoints;
      const auto& b = slow_manifest.nodes[n].endpoints;
      if (a.size() != b.size()) std::abort();
      for (size_t i = 0; i < a.size(); ++i) {
        const residency::Endpoint& x = a[i];
        const residency::Endpoint& y = b[i];
        bool same = x.id == y.id && x.node == y.node && x.index == y.index && x.target == y.target &&
                    x.host == y.host && x.ip.has_value() == y.ip.has_value() &&
                    (!x.ip || x.ip->ToString() == y.ip->ToString()) && x.url == y.url && x.activity == y.activity &&
                    x.data == y.data && x.declared_region.has_value() == y.declared_region.has_value() &&
                    (!x.declared_region || x.declared_region->text == y.declared_region->text) &&
                    x.pos == y.pos;
        if (!same) std::abort();
      }
    }
  }
  return 0;
}
