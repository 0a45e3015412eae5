// Markdown for pull-request comments (GitHub/GitLab flavour). Short when all is well: one
// line and the summary table. Otherwise the endpoints that failed or could not be verified,
// then every finding of status fail, unverified or warn; info findings are counted only,
// to keep the comment readable (the full report has them).
#include <string>

#include "render.h"
#include "render_util.h"

namespace residency {
namespace {

using render::MarkdownCell;

std::string_view Icon(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "\u2705";
    case Verdict::kFail: return "\u274C";
    case Verdict::kUnverified: return "\u26A0\uFE0F";
  }
  return "";
}

std::string Observed(const EndpointResult& e) {
  std::string s;
  for (const AddressObservation& a : e.observed) {
    if (!s.empty()) s += ", ";
    s += a.ip.ToString() + " " + (a.country ? *a.country : "?") + " (" + std::string(render::Name(a.placement)) + ")";
  }
  if (s.empty()) s = "no address (" + std::string(render::Name(e.resolution.status)) + ")";
  return s;
}

}  // namespace

void RenderVerifyMarkdown(const VerifyReport& r, std::ostream& out) {
  size_t pass = render::CountVerdict(r, Verdict::kPass);
  size_t fail = render::CountVerdict(r, Verdict::kFail);
  size_t unverified = render::CountVerdict(r, Verdict::kUnverified);
  FindingCounts c = r.Counts();
  bool failed = fail > 0 || c.fail > 0;
  bool doubtful = unverified > 0 || c.unverified > 0;

  std::string service = "**" + MarkdownCell(r.service_id) + "**";
  std::string profile = MarkdownCell(r.profile);
  if (!failed && !doubtful) {
    out << "### " << Icon(Verdict::kPass) << " residency: " << service << " is where it says (profile " << profile << ")\n\n";
  } else if (failed) {
    out << "### " << Icon(Verdict::kFail) << " residency: " << service << " failed"
        << " (profile " << profile << ")\n\n";
  } else {
    out << "### " << Icon(Verdict::kUnverified) << " residency: " << service
        << " could not be fully verified (profile " << profile << ")\n\n";
  }
  out << "| endpoints | pass | fail | unverified | findings |\n";
  out << "|---:|---:|---:|---:|---|\n";
  out << "| " << r.endpoints.size() << " | " << pass << " | " << fail << " | " << unverified << " | " << c.fail
      << " fail, " << c.unverified << " unverified, " << c.warn << " warn, " << c.info << " info |\n";

  if (failed || doubtful) {
    if (fail + unverified > 0) {
      out << "\n| | endpoint | observed | allowed | path |\n";
      out << "|---|---|---|---|---|\n";
      for (const EndpointResult& e : r.endpoints) {
        if (e.verdict == Verdict::kPass) continue;
        out << "| " << Icon(e.verdict) << " " << render::Name(e.verdict) << " | " << MarkdownCell(e.id) << " | "
            << MarkdownCell(Observed(e)) << " | " << MarkdownCell(Join(e.allowed, ", ", "-")) << " | "
            << MarkdownCell(Join(e.path, " \u2192 ")) << " |\n";
      }
    }
    bool header = false;
    for (const Finding& f : r.findings) {
      if (f.status == FindingStatus::kInfo) continue;
      if (!header) {
        out << "\n| status | finding | subject | requirements | where | message |\n";
        out << "|---|---|---|---|---|---|\n";
        header = true;
      }
      std::string where = r.manifest_path;
      if (f.ref.pos.known()) where += ":" + std::to_string(f.ref.pos.line) + ":" + std::to_string(f.ref.pos.column);
      out << "| " << FindingStatusName(f.status) << " | " << MarkdownCell(f.kind) << " | " << MarkdownCell(f.subject)
          << " | " << MarkdownCell(Join(f.requirements, ", ", "-")) << " | " << MarkdownCell(where) << " | "
          << MarkdownCell(f.message) << " |\n";
    }
  }
  out << "\n<sub>residency " << MarkdownCell(r.tool_version) << ", manifest sha256 `"
      << r.manifest_sha256.substr(0, 12) << "`, " << MarkdownCell(r.finished_at.empty() ? r.started_at : r.finished_at)
      << "</sub>\n";
}

}  // namespace residency
