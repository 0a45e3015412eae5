#include "command_support.h"

#include "paths.h"

namespace residency {

bool LoadManifestContext(const std::string& geodb_flag, const std::string& manifest_path,
                         const std::string& profile_flag, bool load_profile, std::ostream& err,
                         ManifestContext* ctx, const std::function<void()>& geodb_loaded) {
  if (Status s = ResolveGeodbDir(geodb_flag, &ctx->geodb_dir); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return false;
  }
  if (Status s = Jurisdictions::Load(ctx->geodb_dir, &ctx->jurisdictions); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return false;
  }
  if (geodb_loaded) geodb_loaded();
  std::vector<Diagnostic> errors;
  if (!ReadManifest(manifest_path, ctx->jurisdictions, &ctx->manifest, &errors,
                    ctx->keep_text_memory ? &ctx->text_memory : nullptr)) {
    for (const Diagnostic& d : errors) err << d.ToString() << "\n";
    return false;
  }
  if (!load_profile) return true;
  Diagnostic error;
  std::string name = profile_flag.empty() ? DefaultProfileName(ctx->manifest.assurance_level) : profile_flag;
  if (!LoadProfile(name, ctx->jurisdictions, &ctx->profile, &error)) {
    err << error.ToString() << "\n";
    return false;
  }
  return true;
}

bool OpenGeodb(const std::string& geodb_flag, std::ostream& err, std::string* dir, std::unique_ptr<Geo>* geo) {
  Status s = ResolveGeodbDir(geodb_flag, dir);
  if (s.ok()) s = Geo::Open(*dir, geo);
  if (!s.ok()) err << "residency: " << s.message() << "\n";
  return s.ok();
}

}  // namespace residency
