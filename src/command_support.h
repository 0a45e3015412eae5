// What lint, verify and sample all start with: the geodb directory, its jurisdiction data,
// the manifest read and checked against them, and (for lint and verify) the requirement
// profile. One place, so that the three commands fail the same way on the same input.
#ifndef RESIDENCY_COMMAND_SUPPORT_H_
#define RESIDENCY_COMMAND_SUPPORT_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "geo.h"
#include "jurisdiction.h"
#include "manifest.h"
#include "profile.h"

namespace residency {

// Not movable: the manifest's locations point into `jurisdictions`, declared first so that
// it is destroyed last.
struct ManifestContext {
  ManifestContext() = default;
  ManifestContext(const ManifestContext&) = delete;
  ManifestContext& operator=(const ManifestContext&) = delete;

  std::string geodb_dir;
  Jurisdictions jurisdictions;
  Manifest manifest;
  Profile profile;  // empty unless asked for
  // Set before LoadManifestContext to keep the manifest text's memory in `text_memory`
  // (ReadManifest) for a later large need, as verify does for its findings' messages.
  bool keep_text_memory = false;
  std::string text_memory;
};

// Fills *ctx. `profile_flag` empty means the default profile of the manifest's assurance
// level; with `load_profile` false no profile is read. On failure the located errors are
// written to `err` and it returns false: the caller exits with code 2. `geodb_loaded`, when
// given, is called once the geodb directory is found and its jurisdictions are loaded,
// before the manifest is read (verify's --timings counts that part in its open stage).
bool LoadManifestContext(const std::string& geodb_flag, const std::string& manifest_path,
                         const std::string& profile_flag, bool load_profile, std::ostream& err,
                         ManifestContext* ctx, const std::function<void()>& geodb_loaded = nullptr);

// The geodb directory (--geodb, $RESIDENCY_GEODB, the default) and its sources opened, for
// lookup and geodb info. On failure writes the message to `err` and returns false (exit 2).
bool OpenGeodb(const std::string& geodb_flag, std::ostream& err, std::string* dir, std::unique_ptr<Geo>* geo);

}  // namespace residency

#endif  // RESIDENCY_COMMAND_SUPPORT_H_
