// OSCAL 1.1.3 assessment-results (NIST). residency runs from a requirement profile, not an
// OSCAL assessment plan, so import-ap is a stub that names the profile. One result holds an
// observation per endpoint (the evidence: target, resolution, and per address its country,
// placement and every source's answer) and a finding per finding, whose target is the first
// requirement it cites (all of them are listed as props). docs/report-formats.md has the
// whole mapping.
//
// OSCAL constrains strings: tokens (prop names, target ids) match
// ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$ and plain strings (prop values, versions) have no
// leading or trailing white space and are never empty. Token() and AddProp() make every
// value conform rather than trusting the report's text.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "render.h"
#include "render_util.h"

namespace residency {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

constexpr std::string_view kNamespace = "urn:x-residency:oscal";
// Timestamps must be RFC 3339 with a zone; a report without them (never one from verify)
// gets the epoch rather than an invalid document.
constexpr std::string_view kNoTime = "1970-01-01T00:00:00Z";

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

// An OSCAL token from any text: characters outside [A-Za-z0-9._-] become '_', and a
// leading character that is not a letter or '_' gets a '_' before it.
std::string Token(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z') || out[0] == '_')) {
    out.insert(out.begin(), '_');
  }
  return out;
}

// Plain OSCAL string: white space runs (newlines included) folded to one space, trimmed.
std::string Clean(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct Prop {
  std::string name, value, group;
};

void AddProp(std::vector<Prop>* props, std::string_view name, std::string_view value, std::string_view group = "") {
  std::string v = Clean(value);
  if (v.empty()) return;
  props->push_back({Token(name), std::move(v), group.empty() ? "" : Token(group)});
}

void WriteProps(Writer& w, const std::vector<Prop>& props) {
  if (props.empty()) return;  // OSCAL arrays have minItems 1
  w.Key("props");
  w.StartArray();
  for (const Prop& p : props) {
    w.StartObject();
    w.Key("name"); Str(w, p.name);
    w.Key("ns"); Str(w, kNamespace);
    w.Key("value"); Str(w, p.value);
    if (!p.group.empty()) { w.Key("group"); Str(w, p.group); }
    w.EndObject();
  }
  w.EndArray();
}

std::string Time(const std::string& t) { return t.empty() ? std::string(kNoTime) : t; }

std::string AddressText(const AddressObservation& a) {
  std::string s = a.ip.ToString() + ": " + (a.country ? *a.country : "no agreed country") + ", " +
                  std::string(render::Name(a.placement));
  if (!a.reason.empty()) s += " (" + a.reason + ")";
  s += ".";
  for (const SourceEvidence& src : a.sources) {
    s += " " + src.source + " (" + std::string(src.kind) + "): " + (src.country ? *src.country : "no answer") + ".";
  }
  if (a.as) s += " AS" + std::to_string(a.as->number) + " " + a.as->organisation + ".";
  if (a.feed) {
    s += " Feed " + a.feed->provider;
    if (!a.feed->region.empty()) s += " " + a.feed->region;
    if (!a.feed->service.empty()) s += " " + a.feed->service;
    s += " (" + a.feed->scope + ").";
  }
  for (const std::string& n : a.notes) s += " " + n + ".";
  return s;
}

std::string_view State(FindingStatus s) {
  // Only a check that held is satisfied; what could not be verified is not.
  return s == FindingStatus::kFail || s == FindingStatus::kUnverified ? "not-satisfied" : "satisfied";
}

std::string_view Reason(FindingStatus s) {
  switch (s) {
    case FindingStatus::kFail: return "fail";
    case FindingStatus::kUnverified: return "other";
    case FindingStatus::kWarn:
    case FindingStatus::kInfo: return "pass";
  }
  return "other";
}

}  // namespace

void RenderVerifyOscal(const VerifyReport& r, std::ostream& out) {
  // Every UUID derives from the manifest hash and the start time (one run) plus the thing.
  std::string run = r.manifest_sha256 + "|" + r.started_at + "|" + r.profile + "|";
  std::map<std::string, std::string> observation_uuid;
  for (const EndpointResult& e : r.endpoints) observation_uuid[e.id] = NameUuid(run + "observation|" + e.id);

  rapidjson::OStreamWrapper os(out);
  Writer w(os);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("assessment-results");
  w.StartObject();
  w.Key("uuid"); Str(w, NameUuid(run + "assessment-results"));

  w.Key("metadata");
  w.StartObject();
  w.Key("title"); Str(w, "Data residency verification of " + Clean(r.service_name.empty() ? r.service_id : r.service_name));
  w.Key("last-modified"); Str(w, Time(r.finished_at.empty() ? r.started_at : r.finished_at));
  w.Key("version"); Str(w, Clean("residency " + r.tool_version));
  w.Key("oscal-version"); Str(w, "1.1.3");
  std::vector<Prop> meta;
  AddProp(&meta, "manifest-path", r.manifest_path);
  AddProp(&meta, "manifest-sha256", r.manifest_sha256);
  AddProp(&meta, "service", r.service_id);
  AddProp(&meta, "profile", r.profile);
  for (const GeodbSourceInfo& g : r.geodb) {
    std::string group = "geodb-" + g.name;
    AddProp(&meta, "geodb-source", g.name, group);
    AddProp(&meta, "geodb-kind", g.kind, group);
    AddProp(&meta, "geodb-build-epoch", std::to_string(g.build_epoch), group);
    AddProp(&meta, "geodb-sha256", g.sha256, group);
  }
  for (const std::string& s : r.resolver_servers) AddProp(&meta, "resolver", s);
  AddProp(&meta, "replayed-from", r.replayed_from);
  WriteProps(w, meta);
  w.EndObject();

  w.Key("import-ap");
  w.StartObject();
  w.Key("href"); Str(w, "urn:x-residency:profile:" + Token(r.profile));
  w.Key("remarks");
  Str(w, "residency assesses against its requirement profile \"" + r.profile +
             "\" (manifests/profiles/), not an OSCAL assessment plan; this reference names the profile.");
  w.EndObject();

  w.Key("results");
  w.StartArray();
  w.StartObject();
  w.Key("uuid"); Str(w, NameUuid(run + "result"));
  w.Key("title"); Str(w, "residency verify " + r.service_id + " (" + r.profile + ")");
  w.Key("description");
  Str(w, "Where the endpoints of " + r.service_id + " resolve to and where their addresses are, against the locations the manifest " +
             r.manifest_path + " allows, under the profile " + r.profile +
             (r.profile_title.empty() ? std::string() : " (" + r.profile_title + ")") + ".");
  w.Key("start"); Str(w, Time(r.started_at));
  if (!r.finished_at.empty()) { w.Key("end"); Str(w, r.finished_at); }
  std::vector<Prop> summary;
  AddProp(&summary, "endpoints-pass", std::to_string(render::CountVerdict(r, Verdict::kPass)));
  AddProp(&summary, "endpoints-fail", std::to_string(render::CountVerdict(r, Verdict::kFail)));
  AddProp(&summary, "endpoints-unverified", std::to_string(render::CountVerdict(r, Verdict::kUnverified)));
  WriteProps(w, summary);
  w.Key("reviewed-controls");
  w.StartObject();
  w.Key("control-selections");
  w.StartArray();
  w.StartObject();
  w.Key("include-all");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();

  if (!r.endpoints.empty()) {
    w.Key("observations");
    w.StartArray();
    for (const EndpointResult& e : r.endpoints) {
      w.StartObject();
      w.Key("uuid"); Str(w, observation_uuid[e.id]);
      w.Key("title"); Str(w, "Endpoint " + e.id);
      std::string description = e.id + " (" + e.activity + ", " + e.target + ") ";
      description += "resolution " + std::string(render::Name(e.resolution.status));
      if (!e.resolution.cnames.empty()) description += " via " + Join(e.resolution.cnames, " -> ");
      description += "; " + std::to_string(e.observed.size()) + " address(es); allowed " +
                     Join(e.allowed, ", ", "-") + "; verdict " + std::string(render::Name(e.verdict)) + ".";
      w.Key("description"); Str(w, description);
      std::vector<Prop> props;
      AddProp(&props, "endpoint", e.id);
      AddProp(&props, "node", e.node);
      AddProp(&props, "activity", e.activity);
      AddProp(&props, "target", e.target);
      AddProp(&props, "verdict", render::Name(e.verdict));
      for (const std::string& a : e.allowed) AddProp(&props, "allowed-location", a);
      for (const std::string& c : render::Countries(e)) AddProp(&props, "observed-country", c);
      WriteProps(w, props);
      w.Key("methods");
      w.StartArray();
      Str(w, "TEST");
      w.EndArray();
      if (!e.observed.empty()) {
        w.Key("relevant-evidence");
        w.StartArray();
        for (const AddressObservation& a : e.observed) {
          w.StartObject();
          w.Key("description"); Str(w, AddressText(a));
          std::vector<Prop> ev;
          AddProp(&ev, "ip", a.ip.ToString());
          if (a.country) AddProp(&ev, "country", *a.country);
          AddProp(&ev, "placement", render::Name(a.placement));
          for (const SourceEvidence& src : a.sources) {
            AddProp(&ev, "source-answer", src.source + ": " + (src.country ? *src.country : "none"));
          }
          if (a.as) AddProp(&ev, "as-organisation", "AS" + std::to_string(a.as->number) + " " + a.as->organisation);
          if (a.feed) AddProp(&ev, "feed-provider", a.feed->provider);
          WriteProps(w, ev);
          w.EndObject();
        }
        w.EndArray();
      }
      w.Key("collected"); Str(w, Time(r.finished_at.empty() ? r.started_at : r.finished_at));
      w.EndObject();
    }
    w.EndArray();
  }

  if (!r.findings.empty()) {
    w.Key("findings");
    w.StartArray();
    std::map<std::string, size_t> seen;
    for (const Finding& f : r.findings) {
      w.StartObject();
      // From the finding's content, so that it keeps its UUID when others come and go; the
      // occurrence count keeps identical findings apart.
      std::string key = f.kind + "|" + f.subject + "|" + f.message;
      size_t occurrence = seen[key]++;
      w.Key("uuid"); Str(w, NameUuid(run + "finding|" + key + "|" + std::to_string(occurrence)));
      w.Key("title"); Str(w, f.kind + ": " + f.subject);
      w.Key("description"); Str(w, f.message.empty() ? f.kind : f.message);
      std::vector<Prop> props;
      AddProp(&props, "kind", f.kind);
      AddProp(&props, "status", FindingStatusName(f.status));
      AddProp(&props, "subject", f.subject);
      for (const std::string& req : f.requirements) AddProp(&props, "requirement", req);
      AddProp(&props, "path", Join(f.path, " -> "));
      std::string where = r.manifest_path;
      if (f.ref.pos.known()) where += ":" + std::to_string(f.ref.pos.line) + ":" + std::to_string(f.ref.pos.column);
      AddProp(&props, "manifest-location", where);
      AddProp(&props, "manifest-pointer", f.ref.pointer);
      WriteProps(w, props);
      w.Key("target");
      w.StartObject();
      w.Key("type"); Str(w, "objective-id");
      w.Key("target-id"); Str(w, Token(f.requirements.empty() ? f.kind : f.requirements.front()));
      std::vector<Prop> target_props;
      for (const std::string& req : f.requirements) AddProp(&target_props, "requirement", req);
      WriteProps(w, target_props);
      w.Key("status");
      w.StartObject();
      w.Key("state"); Str(w, State(f.status));
      w.Key("reason"); Str(w, Reason(f.status));
      w.EndObject();
      w.EndObject();
      if (auto it = observation_uuid.find(f.subject); it != observation_uuid.end()) {
        w.Key("related-observations");
        w.StartArray();
        w.StartObject();
        w.Key("observation-uuid"); Str(w, it->second);
        w.EndObject();
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray();
  }

  w.EndObject();  // result
  w.EndArray();
  w.EndObject();  // assessment-results
  w.EndObject();
  out << "\n";
}

}  // namespace residency
