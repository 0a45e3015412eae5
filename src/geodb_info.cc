// `residency geodb info`: the sources in use (sources.json), each with its kind, file,
// database type, build date, sha256 and licence; text or JSON. A missing optional source
// is listed as missing; a missing required one is an error (exit 2), as for lookup.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <ctime>
#include <memory>

#include "command_support.h"
#include "commands.h"
#include "geo.h"

namespace residency {
namespace {

std::string IsoDate(uint64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int RunGeodbInfo(const GeodbInfoOptions& options, std::ostream& out, std::ostream& err) {
  std::string dir;
  std::unique_ptr<Geo> geo;
  if (!OpenGeodb(options.geodb_dir, err, &dir, &geo)) return kExitError;
  if (options.format == "json") {
    rapidjson::OStreamWrapper stream(out);
    rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(stream);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("geodb_dir");
    w.String(dir);
    w.Key("sources");
    w.StartArray();
    for (const GeoSource& s : geo->sources()) {
      const SourceConfig& c = s.config;
      w.StartObject();
      w.Key("name");
      w.String(c.name);
      w.Key("kind");
      w.String(SourceKindName(c.kind));
      w.Key("file");
      w.String(c.path);
      w.Key("present");
      w.Bool(s.present);
      w.Key("field");
      w.String(c.field);
      if (s.present) {
        MmdbMetadata md = s.db.Metadata();
        w.Key("database_type");
        w.String(md.database_type);
        w.Key("build_epoch");
        w.Uint64(md.build_epoch);
        w.Key("build_date");
        w.String(IsoDate(md.build_epoch));
        w.Key("ip_version");
        w.Uint(md.ip_version);
        w.Key("sha256");
        w.String(s.db.Sha256());
      }
      w.Key("licence");
      w.String(c.licence);
      w.Key("attribution");
      w.String(c.attribution);
      w.Key("package");
      w.String(c.package);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    out << "\n";
    return kExitPass;
  }
  out << "geodb " << dir << "\n";
  for (const GeoSource& s : geo->sources()) {
    const SourceConfig& c = s.config;
    out << "\n" << c.name << "\n";
    out << "  kind         " << SourceKindName(c.kind) << "\n";
    out << "  file         " << c.path << (s.present ? "" : " (missing; optional)") << "\n";
    if (!c.field.empty()) {
      out << "  field        " << c.field << (c.org_field.empty() ? "" : ", " + c.org_field) << "\n";
    }
    if (s.present) {
      MmdbMetadata md = s.db.Metadata();
      out << "  type         " << md.database_type << " (IPv" << md.ip_version << ")\n";
      out << "  built        " << IsoDate(md.build_epoch) << "\n";
      out << "  sha256       " << s.db.Sha256() << "\n";
    }
    out << "  licence      " << (c.licence.empty() ? "-" : c.licence) << "\n";
    if (!c.attribution.empty()) out << "  attribution  " << c.attribution << "\n";
    if (!c.package.empty()) out << "  package      " << c.package << "\n";
  }
  return kExitPass;
}

}  // namespace residency
