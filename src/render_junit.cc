// JUnit XML for CI dashboards (the de-facto schema of Ant/Jenkins/GitLab/GitHub reporters).
// An endpoint is a testcase: it fails when its verdict is fail or a finding about it has
// status fail (profiles decide that, e.g. unverifiable endpoints at eucs-high); it is
// skipped -- never passed -- when it could not be verified; warn and info findings go to
// its system-out. Findings about other subjects (nodes, the manifest) get a testcase each,
// classname "findings", so that nothing the report says is lost.
#include <map>
#include <string>
#include <vector>

#include "render.h"
#include "render_util.h"

namespace residency {
namespace {

using render::XmlEscape;

enum class Outcome { kPass, kSkipped, kFailure };

struct Case {
  std::string classname, name;
  Outcome outcome = Outcome::kPass;
  std::string failure_type, failure_message, failure_text;
  std::string skipped_message;
  std::string system_out;
};

std::string FindingLine(const Finding& f) {
  std::string line = std::string(FindingStatusName(f.status)) + " " + f.kind;
  if (!f.requirements.empty()) line += " [" + Join(f.requirements) + "]";
  return line + ": " + f.message + "\n";
}

std::string Evidence(const EndpointResult& e) {
  std::string s = "target: " + e.target + "\n";
  s += "allowed: " + Join(e.allowed, ", ", "-") + "\n";
  s += "path: " + Join(e.path, " -> ") + "\n";
  s += "resolution: " + std::string(render::Name(e.resolution.status));
  if (!e.resolution.cnames.empty()) s += " via " + Join(e.resolution.cnames, " -> ");
  s += "\n";
  for (const AddressObservation& a : e.observed) {
    s += a.ip.ToString() + " " + (a.country ? *a.country : "-") + " " + std::string(render::Name(a.placement));
    if (!a.reason.empty()) s += " (" + a.reason + ")";
    s += "\n";
  }
  return s;
}

void Apply(const Finding& f, Case* c) {
  if (f.status == FindingStatus::kFail) {
    if (c->outcome != Outcome::kFailure) {
      c->outcome = Outcome::kFailure;
      c->failure_type = f.kind;
      c->failure_message = f.message;
    }
    c->failure_text += FindingLine(f);
  } else if (f.status == FindingStatus::kUnverified) {
    if (c->outcome == Outcome::kPass) {
      c->outcome = Outcome::kSkipped;
      c->skipped_message = "unverified: " + f.message;
    }
    c->system_out += FindingLine(f);
  } else {
    c->system_out += FindingLine(f);
  }
}

}  // namespace

void RenderVerifyJunit(const VerifyReport& r, std::ostream& out) {
  std::vector<Case> cases;
  std::map<std::string, size_t> by_endpoint;
  for (const EndpointResult& e : r.endpoints) {
    Case c;
    c.classname = e.node;
    c.name = e.id;
    if (e.verdict == Verdict::kFail) {
      c.outcome = Outcome::kFailure;
      c.failure_type = "fail";
      c.failure_message = e.id + " is outside the allowed locations (" + Join(e.allowed, ", ", "-") + ")";
      c.failure_text = Evidence(e);
    } else if (e.verdict == Verdict::kUnverified) {
      c.outcome = Outcome::kSkipped;
      c.skipped_message = "unverified: the location of " + e.id + " could not be established";
      c.system_out = Evidence(e);
    } else {
      c.system_out = Evidence(e);
    }
    by_endpoint[e.id] = cases.size();
    cases.push_back(std::move(c));
  }
  std::map<std::string, size_t> by_subject;
  for (const Finding& f : r.findings) {
    if (auto it = by_endpoint.find(f.subject); it != by_endpoint.end()) {
      Apply(f, &cases[it->second]);
      continue;
    }
    auto [it, inserted] = by_subject.emplace(f.subject, cases.size());
    if (inserted) {
      Case c;
      c.classname = "findings";
      c.name = f.subject;
      cases.push_back(std::move(c));
    }
    Apply(f, &cases[it->second]);
  }

  size_t failures = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.outcome == Outcome::kFailure;
    skipped += c.outcome == Outcome::kSkipped;
  }
  std::string suite = "residency verify " + r.service_id + " (" + r.profile + ")";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"residency\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
  out << "  <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << cases.size() << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"" << skipped << "\"";
  if (!r.started_at.empty()) out << " timestamp=\"" << XmlEscape(r.started_at) << "\"";
  out << ">\n";
  out << "    <properties>\n";
  auto property = [&out](std::string_view name, const std::string& value) {
    out << "      <property name=\"" << name << "\" value=\"" << XmlEscape(value) << "\"/>\n";
  };
  property("tool.version", r.tool_version);
  property("manifest.path", r.manifest_path);
  property("manifest.sha256", r.manifest_sha256);
  property("profile", r.profile);
  for (const GeodbSourceInfo& g : r.geodb) property("geodb." + g.name, g.sha256);
  property("resolvers", Join(r.resolver_servers));
  if (!r.replayed_from.empty()) property("replayed_from", r.replayed_from);
  property("finished_at", r.finished_at);
  out << "    </properties>\n";
  for (const Case& c : cases) {
    out << "    <testcase classname=\"" << XmlEscape(c.classname) << "\" name=\"" << XmlEscape(c.name) << "\"";
    if (c.outcome == Outcome::kPass && c.system_out.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (c.outcome == Outcome::kFailure) {
      out << "      <failure type=\"" << XmlEscape(c.failure_type) << "\" message=\"" << XmlEscape(c.failure_message)
          << "\">" << XmlEscape(c.failure_text) << "</failure>\n";
    } else if (c.outcome == Outcome::kSkipped) {
      out << "      <skipped message=\"" << XmlEscape(c.skipped_message) << "\"/>\n";
    }
    if (!c.system_out.empty()) out << "      <system-out>" << XmlEscape(c.system_out) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n";
  out << "</testsuites>\n";
}

}  // namespace residency
