// SARIF 2.1.0 (OASIS, with Errata 01). The mapping is in docs/report-formats.md; in short:
// a rule per requirement id cited (or per check kind when a finding cites none), a result
// per finding located in the manifest, the finding's own fields in the result's property bag.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "render.h"
#include "render_util.h"
#include "requirements.h"

namespace residency {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string_view Level(FindingStatus s) {
  switch (s) {
    case FindingStatus::kFail: return "error";
    case FindingStatus::kUnverified:
    case FindingStatus::kWarn: return "warning";
    case FindingStatus::kInfo: return "note";
  }
  return "warning";
}

std::string RuleId(const Finding& f) { return f.requirements.empty() ? f.kind : f.requirements.front(); }

// The manifest path as a URI reference: relative paths stay relative (code-scanning UIs
// resolve them against the repository), absolute ones become file: URIs. Bytes outside
// RFC 3986's unreserved set and '/' are percent-encoded.
std::string PathToUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

}  // namespace

void RenderVerifySarif(const VerifyReport& r, std::ostream& out) {
  // Rules in order of first citation, so that ruleIndex is stable for a given report.
  std::vector<std::string> rule_ids;
  std::map<std::string, size_t> rule_index;
  std::map<std::string, bool> rule_is_check;
  for (const Finding& f : r.findings) {
    std::vector<std::string> ids = f.requirements;
    if (ids.empty()) ids.push_back(f.kind);
    for (const std::string& id : ids) {
      if (rule_index.emplace(id, rule_ids.size()).second) {
        rule_ids.push_back(id);
        rule_is_check[id] = f.requirements.empty();
      }
    }
  }
  std::string uri = PathToUri(r.manifest_path);

  rapidjson::OStreamWrapper os(out);
  Writer w(os);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("$schema"); Str(w, "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  w.Key("version"); Str(w, "2.1.0");
  w.Key("runs");
  w.StartArray();
  w.StartObject();

  w.Key("tool");
  w.StartObject();
  w.Key("driver");
  w.StartObject();
  w.Key("name"); Str(w, "residency");
  w.Key("version"); Str(w, r.tool_version);
  w.Key("rules");
  w.StartArray();
  for (const std::string& id : rule_ids) {
    std::string text;
    if (rule_is_check[id]) {
      text = "residency check " + id + " (cites no requirement in profile " + r.profile + ")";
    } else {
      std::string_view known = RequirementText(id);
      text = known.empty() ? id : std::string(known);
    }
    w.StartObject();
    w.Key("id"); Str(w, id);
    w.Key("shortDescription");
    w.StartObject();
    w.Key("text"); Str(w, text);
    w.EndObject();
    w.Key("properties");
    w.StartObject();
    w.Key("kind"); Str(w, rule_is_check[id] ? "check" : "requirement");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();  // driver
  w.EndObject();  // tool

  w.Key("invocations");
  w.StartArray();
  w.StartObject();
  w.Key("executionSuccessful"); w.Bool(true);
  if (!r.started_at.empty()) { w.Key("startTimeUtc"); Str(w, r.started_at); }
  if (!r.finished_at.empty()) { w.Key("endTimeUtc"); Str(w, r.finished_at); }
  w.Key("properties");
  w.StartObject();
  w.Key("profile"); Str(w, r.profile);
  w.Key("resolvers");
  w.StartArray();
  for (const std::string& s : r.resolver_servers) Str(w, s);
  w.EndArray();
  if (!r.replayed_from.empty()) { w.Key("replayedFrom"); Str(w, r.replayed_from); }
  w.Key("geodb");
  w.StartArray();
  for (const GeodbSourceInfo& g : r.geodb) {
    w.StartObject();
    w.Key("name"); Str(w, g.name);
    w.Key("kind"); Str(w, g.kind);
    w.Key("buildEpoch"); w.Uint64(g.build_epoch);
    w.Key("sha256"); Str(w, g.sha256);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.EndArray();

  w.Key("artifacts");
  w.StartArray();
  w.StartObject();
  w.Key("location");
  w.StartObject();
  w.Key("uri"); Str(w, uri);
  w.EndObject();
  if (!r.manifest_sha256.empty()) {
    w.Key("hashes");
    w.StartObject();
    w.Key("sha-256"); Str(w, r.manifest_sha256);
    w.EndObject();
  }
  w.EndObject();
  w.EndArray();

  w.Key("results");
  w.StartArray();
  for (const Finding& f : r.findings) {
    std::string rule = RuleId(f);
    w.StartObject();
    w.Key("ruleId"); Str(w, rule);
    w.Key("ruleIndex"); w.Uint64(rule_index[rule]);
    w.Key("level"); Str(w, Level(f.status));
    w.Key("message");
    w.StartObject();
    w.Key("text"); Str(w, f.message.empty() ? f.kind : f.message);
    w.EndObject();
    w.Key("locations");
    w.StartArray();
    w.StartObject();
    w.Key("physicalLocation");
    w.StartObject();
    w.Key("artifactLocation");
    w.StartObject();
    w.Key("uri"); Str(w, uri);
    w.Key("index"); w.Uint(0);
    w.EndObject();
    if (f.ref.pos.known()) {
      w.Key("region");
      w.StartObject();
      w.Key("startLine"); w.Uint(f.ref.pos.line);
      if (f.ref.pos.column != 0) { w.Key("startColumn"); w.Uint(f.ref.pos.column); }
      w.EndObject();
    }
    w.EndObject();
    if (!f.ref.pointer.empty()) {
      w.Key("logicalLocations");
      w.StartArray();
      w.StartObject();
      w.Key("fullyQualifiedName"); Str(w, f.ref.pointer);
      w.Key("kind"); Str(w, "element");
      w.EndObject();
      w.EndArray();
    }
    w.EndObject();
    w.EndArray();
    w.Key("properties");
    w.StartObject();
    w.Key("kind"); Str(w, f.kind);
    w.Key("status"); Str(w, FindingStatusName(f.status));
    w.Key("subject"); Str(w, f.subject);
    w.Key("requirements");
    w.StartArray();
    for (const std::string& req : f.requirements) Str(w, req);
    w.EndArray();
    w.Key("path");
    w.StartArray();
    for (const std::string& p : f.path) Str(w, p);
    w.EndArray();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();

  w.Key("properties");
  w.StartObject();
  w.Key("service"); Str(w, r.service_id);
  w.Key("summary");
  w.StartObject();
  w.Key("pass"); w.Uint64(render::CountVerdict(r, Verdict::kPass));
  w.Key("fail"); w.Uint64(render::CountVerdict(r, Verdict::kFail));
  w.Key("unverified"); w.Uint64(render::CountVerdict(r, Verdict::kUnverified));
  w.EndObject();
  w.EndObject();

  w.EndObject();  // run
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace residency
