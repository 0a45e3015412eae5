#include "report.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

namespace residency {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void Key(Writer& w, const char* k) { w.Key(k); }
void Str(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Where(const LintReport& r, const Finding& f) {
  std::string s = r.manifest_path;
  if (f.ref.pos.known()) s += ":" + std::to_string(f.ref.pos.line) + ":" + std::to_string(f.ref.pos.column);
  return s;
}

}  // namespace

void FindingCounts::Add(FindingStatus s) {
  switch (s) {
    case FindingStatus::kFail: ++fail; break;
    case FindingStatus::kUnverified: ++unverified; break;
    case FindingStatus::kWarn: ++warn; break;
    case FindingStatus::kInfo: ++info; break;
  }
}

FindingCounts LintReport::Counts() const {
  FindingCounts c;
  for (const Finding& f : findings) c.Add(f.status);
  return c;
}

std::string LintReport::Result() const { return Counts().fail ? "fail" : "pass"; }

void RenderLintText(const LintReport& r, std::ostream& out) {
  out << "residency lint " << r.manifest_path << "\n";
  out << "service " << r.service_id << " (" << r.service_name << "): " << r.nodes << " nodes, " << r.endpoints
      << " endpoints, " << r.declarations << " declarations, " << r.flows << " flows\n";
  out << "profile " << r.profile << ": " << r.profile_title << "\n";
  for (const Finding& f : r.findings) {
    out << "\n" << Upper(FindingStatusName(f.status)) << " " << f.kind << " " << f.subject;
    if (!f.requirements.empty()) {
      out << " [";
      for (size_t i = 0; i < f.requirements.size(); ++i) out << (i ? ", " : "") << f.requirements[i];
      out << "]";
    }
    out << "\n  " << Where(r, f) << ": " << f.message << "\n";
    if (f.path.size() > 1) {
      out << "  path: ";
      for (size_t i = 0; i < f.path.size(); ++i) out << (i ? " -> " : "") << f.path[i];
      out << "\n";
    }
  }
  FindingCounts c = r.Counts();
  out << "\n" << c.fail << " fail, " << c.warn << " warn, " << c.info << " info: " << r.Result() << "\n";
}

void RenderLintJson(const LintReport& r, std::ostream& out) {
  rapidjson::OStreamWrapper os(out);
  Writer w(os);
  w.SetIndent(' ', 2);
  w.StartObject();
  Key(w, "report_version"); w.Int(1);
  Key(w, "kind"); Str(w, "lint");
  Key(w, "tool");
  w.StartObject();
  Key(w, "name"); Str(w, "residency");
  Key(w, "version"); Str(w, r.tool_version);
  w.EndObject();
  Key(w, "manifest");
  w.StartObject();
  Key(w, "path"); Str(w, r.manifest_path);
  Key(w, "sha256"); Str(w, r.manifest_sha256);
  w.EndObject();
  Key(w, "profile"); Str(w, r.profile);
  Key(w, "profile_title"); Str(w, r.profile_title);
  Key(w, "service");
  w.StartObject();
  Key(w, "id"); Str(w, r.service_id);
  Key(w, "name"); Str(w, r.service_name);
  Key(w, "nodes"); w.Uint64(r.nodes);
  Key(w, "endpoints"); w.Uint64(r.endpoints);
  Key(w, "declarations"); w.Uint64(r.declarations);
  Key(w, "flows"); w.Uint64(r.flows);
  w.EndObject();
  FindingCounts c = r.Counts();
  Key(w, "summary");
  w.StartObject();
  Key(w, "fail"); w.Uint64(c.fail);
  Key(w, "warn"); w.Uint64(c.warn);
  Key(w, "info"); w.Uint64(c.info);
  w.EndObject();
  Key(w, "result"); Str(w, r.Result());
  Key(w, "findings");
  w.StartArray();
  for (const Finding& f : r.findings) {
    w.StartObject();
    Key(w, "kind"); Str(w, f.kind);
    Key(w, "status"); Str(w, std::string(FindingStatusName(f.status)));
    Key(w, "subject"); Str(w, f.subject);
    Key(w, "requirements");
    w.StartArray();
    for (const std::string& req : f.requirements) Str(w, req);
    w.EndArray();
    Key(w, "path");
    w.StartArray();
    for (const std::string& p : f.path) Str(w, p);
    w.EndArray();
    Key(w, "message"); Str(w, f.message);
    Key(w, "location");
    w.StartObject();
    Key(w, "file"); Str(w, r.manifest_path);
    Key(w, "pointer"); Str(w, f.ref.pointer);
    if (f.ref.pos.known()) {
      Key(w, "line"); w.Uint(f.ref.pos.line);
      Key(w, "column"); w.Uint(f.ref.pos.column);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace residency
