#include "report.h"
#include "text_util.h"

#include <cstdio>
#include <functional>
#include <future>

#include "compact_json.h"
#include "output.h"
#include "parallel.h"
#include "probe_report.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace residency {
namespace {

using Writer = rapidjson::PrettyWriter<JsonOut>;

void Key(Writer& w, const char* k) { w.Key(k); }
void Str(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

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

namespace {

// A status word, in colour when asked: red for fail, yellow for unverified and warn, green
// for pass.
std::string StatusWord(std::string_view name, bool colour) {
  std::string word = AsciiUpper(name);
  if (!colour) return word;
  const char* code = name == "fail" ? "31;1" : name == "pass" ? "32" : name == "info" ? "36" : "33";
  return std::string("\033[") + code + "m" + word + "\033[0m";
}

}  // namespace

bool ColourWanted() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

void RenderLintText(const LintReport& r, std::ostream& out, bool colour) {
  out << "residency lint " << r.manifest_path << "\n";
  out << "service " << r.service_id << " (" << r.service_name << "): " << r.nodes << " nodes, " << r.endpoints
      << " endpoints, " << r.declarations << " declarations, " << r.flows << " flows\n";
  out << "profile " << r.profile << ": " << r.profile_title << "\n";
  for (const Finding& f : r.findings) {
    out << "\n" << StatusWord(FindingStatusName(f.status), colour) << " " << f.kind << " " << f.subject;
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
  JsonOut os(out);
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
  os.Flush();
  out << "\n";
}

}  // namespace residency

namespace residency {
namespace {


template <typename W>
void JStr(W& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
template <typename W>
void JIp(W& w, const IpAddress& ip) {
  char text[kIpTextMax];
  w.String(text, static_cast<rapidjson::SizeType>(ip.Format(text)));
}
template <typename W>
void JOpt(W& w, const std::optional<std::string>& s) {
  if (s) JStr(w, *s);
  else w.Null();
}
template <typename W>
void JList(W& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const std::string& s : items) JStr(w, s);
  w.EndArray();
}

template <typename W>
void WriteFinding(W& w, const std::string& manifest_path, const Finding& f) {
  w.StartObject();
  w.Key("kind"); JStr(w, f.kind);
  w.Key("status"); JStr(w, FindingStatusName(f.status));
  w.Key("subject"); JStr(w, f.subject);
  w.Key("requirements"); JList(w, f.requirements);
  w.Key("path"); JList(w, f.path);
  w.Key("message"); JStr(w, f.message);
  w.Key("location");
  w.StartObject();
  w.Key("file"); JStr(w, manifest_path);
  w.Key("pointer"); JStr(w, f.ref.pointer);
  if (f.ref.pos.known()) {
    w.Key("line"); w.Uint(f.ref.pos.line);
    w.Key("column"); w.Uint(f.ref.pos.column);
  }
  w.EndObject();
  w.EndObject();
}

template <typename W>
void WriteResolution(W& w, const Resolution& r) {
  w.StartObject();
  w.Key("name"); JStr(w, r.name);
  w.Key("status"); JStr(w, ResolveStatusName(r.status));
  w.Key("cnames"); JList(w, r.cnames);
  w.Key("addresses");
  w.StartArray();
  for (const IpAddress& ip : r.addresses) JIp(w, ip);
  w.EndArray();
  w.Key("detail"); JStr(w, r.detail);
  w.Key("evidence");
  w.StartArray();
  for (const DnsAnswer& a : r.evidence) {
    w.StartObject();
    w.Key("qname"); JStr(w, a.qname);
    w.Key("qtype"); JStr(w, a.qtype);
    w.Key("server"); JStr(w, a.server);
    w.Key("time_unix_ms"); w.Int64(a.time_unix_ms);
    w.Key("rcode"); JStr(w, a.rcode);
    w.Key("records");
    w.StartArray();
    for (const DnsRecord& rec : a.records) {
      w.StartObject();
      w.Key("name"); JStr(w, rec.name);
      w.Key("type"); JStr(w, rec.type);
      w.Key("ttl"); w.Uint(rec.ttl);
      w.Key("data"); JStr(w, rec.data);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template <typename W>
void WriteObservation(W& w, const AddressObservation& o) {
  w.StartObject();
  w.Key("ip"); JIp(w, o.ip);
  w.Key("country"); JOpt(w, o.country);
  w.Key("placement"); JStr(w, PlacementName(o.placement));
  w.Key("reason"); JStr(w, o.reason);
  w.Key("sources");
  w.StartObject();
  for (const SourceEvidence& s : o.sources) {
    w.Key(s.source.c_str(), static_cast<rapidjson::SizeType>(s.source.size()));
    JOpt(w, s.country);
  }
  w.EndObject();
  w.Key("source_details");
  w.StartArray();
  for (const SourceEvidence& s : o.sources) {
    w.StartObject();
    w.Key("source"); JStr(w, s.source);
    w.Key("kind"); JStr(w, s.kind);
    w.Key("country"); JOpt(w, s.country);
    w.Key("prefix"); JStr(w, s.prefix);
    w.EndObject();
  }
  w.EndArray();
  w.Key("feed");
  if (o.feed) {
    w.StartObject();
    w.Key("provider"); JStr(w, o.feed->provider);
    w.Key("region"); JStr(w, o.feed->region);
    w.Key("service"); JStr(w, o.feed->service);
    w.Key("scope"); JStr(w, o.feed->scope);
    w.Key("prefix"); JStr(w, o.feed->prefix);
    w.Key("region_country"); JStr(w, o.feed->region_country);
    w.Key("region_city"); JStr(w, o.feed->region_city);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("as");
  if (o.as) {
    w.StartObject();
    w.Key("number"); w.Uint(o.as->number);
    w.Key("organisation"); JStr(w, o.as->organisation);
    w.Key("prefix"); JStr(w, o.as->prefix);
    w.Key("registered_country"); JStr(w, o.as->registered_country);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("notes"); JList(w, o.notes);
  if (o.plausibility) {
    const Plausibility& p = *o.plausibility;
    w.Key("plausibility");
    w.StartObject();
    w.Key("vantage"); w.StartArray(); w.Double(p.vantage.latitude); w.Double(p.vantage.longitude); w.EndArray();
    w.Key("min_connect_ms"); w.Double(p.min_rtt_ms);
    w.Key("radius_km"); w.Double(p.radius_km);
    w.Key("margin_km"); w.Double(p.margin_km);
    w.Key("claims");
    w.StartArray();
    for (const ClaimCheck& c : p.claims) {
      w.StartObject();
      w.Key("country"); JStr(w, c.country);
      w.Key("distance_km");
      if (c.distance_km) w.Double(*c.distance_km);
      else w.Null();
      w.Key("verdict"); JStr(w, ClaimVerdictName(c.verdict));
      w.EndObject();
    }
    w.EndArray();
    w.Key("area"); JStr(w, AreaVerdictName(p.area));
    w.Key("reached");
    w.StartArray();
    for (size_t i = 0; i < p.reached.size() && i < 20; ++i) {  // nearest first; a large RTT reaches the world
      const ReachedCountry& c = p.reached[i];
      w.StartObject();
      w.Key("country"); JStr(w, c.country);
      w.Key("name"); JStr(w, c.name);
      w.Key("distance_km"); w.Double(c.distance_km);
      w.Key("allowed"); w.Bool(c.allowed);
      w.EndObject();
    }
    w.EndArray();
    w.Key("reached_count"); w.Uint64(p.reached.size());
    w.Key("outside_allowed"); w.Uint64(p.outside_allowed);
    w.EndObject();
  }
  w.EndObject();
}

template <typename W>
void WriteHeaderObservation(W& w, const HeaderObservation& h) {
  w.StartObject();
  w.Key("header"); JStr(w, h.evidence.header);
  w.Key("value"); JStr(w, h.evidence.value);
  w.Key("kind"); JStr(w, h.evidence.kind);
  w.Key("provider"); JStr(w, h.evidence.provider);
  w.Key("region");
  if (h.evidence.region.empty()) w.Null();
  else JStr(w, h.evidence.region);
  w.Key("iata");
  if (h.evidence.iata.empty()) w.Null();
  else JStr(w, h.evidence.iata);
  w.Key("address"); JStr(w, h.address);
  w.Key("activity"); JStr(w, h.activity);
  w.Key("country");
  if (h.country.empty()) w.Null();
  else JStr(w, h.country);
  w.Key("place"); JStr(w, h.place);
  w.Key("allowed"); JList(w, h.allowed);
  w.Key("placement"); JStr(w, PlacementName(h.placement));
  w.Key("reason"); JStr(w, h.reason);
  w.EndObject();
}

template <typename W>
void WriteEndpoint(W& w, const std::string& manifest_path, const EndpointResult& e) {
  w.StartObject();
  w.Key("id"); JStr(w, e.id);
  w.Key("node"); JStr(w, e.node);
  w.Key("activity"); JStr(w, e.activity);
  w.Key("data"); JList(w, e.data);
  w.Key("target"); JStr(w, e.target);
  w.Key("target_kind"); JStr(w, e.target_kind);
  w.Key("declared_region");
  if (e.declared_region.empty()) w.Null();
  else JStr(w, e.declared_region);
  w.Key("verdict"); JStr(w, VerdictName(e.verdict));
  w.Key("allowed"); JList(w, e.allowed);
  w.Key("observed");
  w.StartArray();
  for (const AddressObservation& o : e.observed) WriteObservation(w, o);
  w.EndArray();
  w.Key("resolution"); WriteResolution(w, e.resolution);
  w.Key("host_pattern");
  if (e.host_pattern) {
    w.StartObject();
    w.Key("provider"); JStr(w, e.host_pattern->provider);
    w.Key("region"); JStr(w, e.host_pattern->region);
    w.Key("service"); JStr(w, e.host_pattern->service);
    w.Key("pattern"); JStr(w, e.host_pattern->pattern);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("path"); JList(w, e.path);
  w.Key("location");
  w.StartObject();
  w.Key("file"); JStr(w, manifest_path);
  w.Key("pointer"); JStr(w, e.ref.pointer);
  if (e.ref.pos.known()) {
    w.Key("line"); w.Uint(e.ref.pos.line);
    w.Key("column"); w.Uint(e.ref.pos.column);
  }
  w.EndObject();
  if (!e.probes.empty()) {
    w.Key("probes");
    w.StartArray();
    for (const ProbeResult& p : e.probes) WriteProbeJson(w, p);
    w.EndArray();
    w.Key("header_evidence");
    w.StartArray();
    for (const HeaderObservation& h : e.headers) WriteHeaderObservation(w, h);
    w.EndArray();
  }
  w.EndObject();
}

// Array elements rendered on every core: each thread writes its contiguous run of the
// items [first, last) (write_one(text, item, thread)) as compact JSON into its own buffer
// (CompactJson: the same bytes as RapidJSON's Writer at a fraction of the cost), so that
// the buffers, in order, are the elements, comma-separated within each buffer. The caller keeps `buffers` from use to use,
// so their memory is allocated (and faulted in) once.
template <typename WriteOne>
void RenderParallel(size_t first, size_t last, std::vector<CompactJson>* buffers, WriteOne write_one) {
  if (buffers->size() < Workers()) *buffers = std::vector<CompactJson>(Workers());
  for (CompactJson& text : *buffers) text.Clear();
  ParallelFor(last - first, 1024, [&](size_t begin, size_t end, size_t chunk) {
    CompactJson& text = (*buffers)[chunk];
    // An endpoint of the synthetic estates renders to ~1.4 KB, one with a CNAME chain and
    // several addresses to a few; past the guess (or its cap, address space being finite)
    // the buffer still grows.
    constexpr size_t kGuessPerItem = 4096, kMaxGuess = size_t{256} << 20;
    text.ReserveTotal(std::min(kMaxGuess, (end - begin) * kGuessPerItem + 4096));
    for (size_t i = begin; i < end; ++i) write_one(text, first + i, chunk);
  });
}

}  // namespace

std::string_view PlacementName(Placement p) {
  switch (p) {
    case Placement::kInside: return "inside";
    case Placement::kOutside: return "outside";
    case Placement::kUnknown: return "unknown";
  }
  return "?";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kUnverified: return "unverified";
  }
  return "?";
}

size_t VerifyReport::CountVerdict(Verdict v) const {
  size_t kept = static_cast<size_t>(
      std::count_if(endpoints.begin(), endpoints.end(), [&](const EndpointResult& e) { return e.verdict == v; }));
  switch (v) {
    case Verdict::kPass: return kept + streamed.pass;
    case Verdict::kFail: return kept + streamed.fail;
    case Verdict::kUnverified: return kept + streamed.unverified;
  }
  return kept;
}

void VerifyReport::Tally::Add(Verdict v) {
  switch (v) {
    case Verdict::kPass: ++pass; break;
    case Verdict::kFail: ++fail; break;
    case Verdict::kUnverified: ++unverified; break;
  }
}

FindingCounts VerifyReport::Counts() const {
  FindingCounts c;
  for (size_t i = 0; i < findings.size(); ++i) c.Add(findings.StatusAt(i));
  return c;
}

int VerifyReport::ExitCode() const {
  FindingCounts c = Counts();
  if (c.fail || CountVerdict(Verdict::kFail)) return 1;
  if (c.unverified || CountVerdict(Verdict::kUnverified)) return 3;
  return 0;
}

namespace {

template <typename W>
void WriteSample(W& w, const SampleResult& s) {
  w.Key("sample");
  w.StartObject();
  w.Key("plan"); JStr(w, s.plan_path);
  w.Key("confidence"); w.Double(s.parameters.confidence);
  w.Key("tolerable_rate"); w.Double(s.parameters.tolerable_rate);
  w.Key("expected_rate"); w.Double(s.parameters.expected_rate);
  w.Key("seed"); w.Uint64(s.parameters.seed);
  w.Key("population"); w.Uint64(s.population);
  w.Key("sample_size"); w.Uint64(s.sample_size);
  w.Key("acceptance_number"); w.Uint64(s.acceptance_number);
  w.Key("checked"); w.Uint64(s.checked);
  w.Key("deviations");
  w.StartObject();
  w.Key("fail"); w.Uint64(s.deviations_fail);
  w.Key("unverified"); w.Uint64(s.deviations_unverified);
  w.Key("total"); w.Uint64(s.Deviations());
  w.EndObject();
  w.Key("upper_bound_deviations"); w.Uint64(s.upper_bound_deviations);
  w.Key("upper_bound_rate"); w.Double(s.upper_bound_rate);
  w.Key("within_tolerable"); w.Bool(s.WithinTolerable());
  w.EndObject();
}

}  // namespace

namespace {

// Everything known before the first endpoint is verified: the object's opening members.
template <typename W>
void WriteHead(const VerifyReport& r, W& w) {
  w.StartObject();
  w.Key("report_version"); w.Int(1);
  w.Key("kind"); JStr(w, "verify");
  w.Key("tool");
  w.StartObject();
  w.Key("name"); JStr(w, "residency");
  w.Key("version"); JStr(w, r.tool_version);
  w.EndObject();
  w.Key("manifest");
  w.StartObject();
  w.Key("path"); JStr(w, r.manifest_path);
  w.Key("sha256"); JStr(w, r.manifest_sha256);
  w.EndObject();
  w.Key("profile"); JStr(w, r.profile);
  w.Key("profile_title"); JStr(w, r.profile_title);
  w.Key("service");
  w.StartObject();
  w.Key("id"); JStr(w, r.service_id);
  w.Key("name"); JStr(w, r.service_name);
  w.EndObject();
  w.Key("geodb");
  w.StartArray();
  for (const GeodbSourceInfo& g : r.geodb) {
    w.StartObject();
    w.Key("name"); JStr(w, g.name);
    w.Key("kind"); JStr(w, g.kind);
    w.Key("file"); JStr(w, g.file);
    w.Key("type"); JStr(w, g.type);
    w.Key("build_epoch"); w.Uint64(g.build_epoch);
    w.Key("sha256"); JStr(w, g.sha256);
    w.Key("licence"); JStr(w, g.licence);
    w.EndObject();
  }
  w.EndArray();
  w.Key("resolver");
  w.StartObject();
  w.Key("servers"); JList(w, r.resolver_servers);
  w.EndObject();
  w.Key("started_at"); JStr(w, r.started_at);
  if (r.probe) {
    w.Key("probe");
    w.StartObject();
    w.Key("kind"); JStr(w, r.probe->kind);
    w.Key("vantage");
    if (r.probe->vantage) {
      w.StartArray(); w.Double(r.probe->vantage->latitude); w.Double(r.probe->vantage->longitude); w.EndArray();
    } else {
      w.Null();
    }
    w.Key("targets"); w.Uint64(r.probe->targets);
    w.Key("answered"); w.Uint64(r.probe->answered);
    w.EndObject();
  }
}

// finished_at, summary, result and the sample: known only at the end.
template <typename W>
void WriteOutcome(const VerifyReport& r, W& w) {
  w.Key("finished_at"); JStr(w, r.finished_at);
  FindingCounts c = r.Counts();
  w.Key("summary");
  w.StartObject();
  w.Key("pass"); w.Uint64(r.CountVerdict(Verdict::kPass));
  w.Key("fail"); w.Uint64(r.CountVerdict(Verdict::kFail));
  w.Key("unverified"); w.Uint64(r.CountVerdict(Verdict::kUnverified));
  w.Key("findings");
  w.StartObject();
  w.Key("fail"); w.Uint64(c.fail);
  w.Key("unverified"); w.Uint64(c.unverified);
  w.Key("warn"); w.Uint64(c.warn);
  w.Key("info"); w.Uint64(c.info);
  w.EndObject();
  w.EndObject();
  int code = r.ExitCode();
  w.Key("result"); JStr(w, code == 1 ? "fail" : code == 3 ? "unverified" : "pass");
  if (r.sample) WriteSample(w, *r.sample);
}

template <typename W>
void WriteFindings(const VerifyReport& r, W& w) {
  w.Key("findings");
  w.StartArray();
  for (const Finding& f : r.findings) WriteFinding(w, r.manifest_path, f);
  w.EndArray();
}

// A whole report, for people: the outcome before the endpoints.
template <typename W>
void WriteVerifyJson(const VerifyReport& r, W& w) {
  WriteHead(r, w);
  WriteOutcome(r, w);
  w.Key("endpoints");
  w.StartArray();
  for (const EndpointResult& e : r.endpoints) WriteEndpoint(w, r.manifest_path, e);
  w.EndArray();
  WriteFindings(r, w);
  w.EndObject();
}

}  // namespace

void RenderVerifyJson(const VerifyReport& r, std::ostream& out) {
  if (r.endpoints.size() > kPrettyJsonMaxEndpoints) {
    VerifyJsonStream stream(out);
    stream.Endpoints(r, r.endpoints);
    stream.End(r);
    return;
  }
  JsonOut os(out);
  rapidjson::PrettyWriter<JsonOut> w(os);
  w.SetIndent(' ', 2);
  WriteVerifyJson(r, w);
  os.Flush();
  out << "\n";
}

// The head, findings and outcome go through `w`; the endpoints are rendered into `buffers`
// and written by a thread of their own (`writing`), so that copying a chunk's ~90 MB into
// the page cache overlaps the verification of the next chunk. Only one write is in flight:
// whoever touches `out` next (the next chunk, End, the destructor) waits for it first.
struct VerifyJsonStream::Impl {
  Impl(std::ostream& o, std::function<void()> written, size_t per_piece)
      : out(o), os(o), w(os), on_written(std::move(written)), findings_per_piece(std::max<size_t>(per_piece, 1)) {}
  ~Impl() { Wait(); }
  std::ostream& out;
  JsonOut os;
  rapidjson::Writer<JsonOut> w;
  std::function<void()> on_written;
  size_t findings_per_piece;
  std::vector<CompactJson> buffers;  // one per thread, kept from chunk to chunk
  std::future<bool> writing;         // the last chunk's write: whether the stream is still good
  bool begun = false, any_endpoint = false, failed = false;

  void Begin(const VerifyReport& r) {
    if (begun) return;
    begun = true;
    WriteHead(r, w);
    w.Key("endpoints");
    w.StartArray();
    os.Flush();
  }
  // Waits for the write in flight; false when it failed.
  void Wait() {
    if (writing.valid() && !writing.get()) failed = true;
  }
  Status Outcome() const {
    return !failed && out ? Status::Ok() : Status::IoError("writing the report failed (disk full?)");
  }
  // Writes the rendered buffers to `out` as array elements after those already there
  // (`*any`; RapidJSON's writer `w` never sees them, so the separators are written here),
  // then hands them on as written (`on_written`).
  void WriteRendered(bool* any) {
    for (const CompactJson& text : buffers) {
      if (text.size() == 0) continue;
      if (*any) out.put(',');
      *any = true;
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    Written();
  }
  // Starts writing the rendered buffers on a thread of their own (WriteRendered); the next
  // to touch `out` or the buffers waits for it (Wait).
  void StartWrite(bool* any) {
    writing = std::async(std::launch::async, [this, any] {
      WriteRendered(any);
      return static_cast<bool>(out);
    });
  }
  void Written() {
    out.flush();
    if (on_written) on_written();
  }
};

VerifyJsonStream::VerifyJsonStream(std::ostream& out, std::function<void()> written, size_t findings_per_piece)
    : impl_(std::make_unique<Impl>(out, std::move(written), findings_per_piece)) {}
VerifyJsonStream::~VerifyJsonStream() = default;

Status VerifyJsonStream::Endpoints(const VerifyReport& r, const std::vector<EndpointResult>& chunk) {
  Impl& im = *impl_;
  im.Wait();
  if (Status s = im.Outcome(); !s.ok()) return s;
  im.Begin(r);
  RenderParallel(0, chunk.size(), &im.buffers, [&r, &chunk](CompactJson& text, size_t i, size_t) {
    WriteEndpoint(text, r.manifest_path, chunk[i]);
  });
  im.StartWrite(&im.any_endpoint);
  return Status::Ok();
}

Status VerifyJsonStream::End(const VerifyReport& r) {
  Impl& im = *impl_;
  im.Wait();
  im.Begin(r);
  im.w.EndArray();
  // A large estate has findings by the hundred thousand: rendered like the endpoints, a
  // piece at a time, each written by its own thread while the next is rendered into the
  // same buffers (rendered all at once they took their whole text again as memory new to
  // the process: 250 MB at 1M endpoints, 740 MB at 3M).
  im.w.Key("findings");
  im.w.StartArray();
  im.os.Flush();  // the key and the bracket, before the elements go straight to `out`
  bool any = false;
  std::vector<Finding> scratch(Workers());  // an endpoint's finding made whole, per thread
  for (size_t first = 0; first < r.findings.size(); first += im.findings_per_piece) {
    im.Wait();  // the buffers' last text written
    RenderParallel(first, std::min(r.findings.size(), first + im.findings_per_piece), &im.buffers,
                   [&r, &scratch](CompactJson& text, size_t i, size_t thread) {
                     WriteFinding(text, r.manifest_path, r.findings.At(i, &scratch[thread]));
                   });
    im.StartWrite(&any);
  }
  im.Wait();
  im.w.EndArray();
  WriteOutcome(r, im.w);
  im.w.EndObject();
  im.os.Flush();
  im.out << "\n";
  return im.Outcome();
}

void RenderVerifyText(const VerifyReport& r, std::ostream& out, bool colour) {
  out << "residency verify " << r.manifest_path << "\n";
  out << "service " << r.service_id << " (" << r.service_name << "), profile " << r.profile << ": "
      << r.profile_title << "\n";
  std::vector<std::string> sources;
  for (const GeodbSourceInfo& g : r.geodb) sources.push_back(g.name);
  out << "geodb: " << Join(sources) << "; DNS: "
      << (r.resolver_servers.empty() ? std::string("-") : Join(r.resolver_servers)) << "\n";
  std::string node;
  for (const EndpointResult& e : r.endpoints) {
    if (e.node != node) {
      node = e.node;
      out << "\n" << node << "\n";
    }
    out << "  " << StatusWord(VerdictName(e.verdict), colour) << " " << e.id << "  " << e.activity << " of "
        << Join(e.data) << ", allowed " << (e.allowed.empty() ? std::string("nowhere") : Join(e.allowed)) << "\n";
    if (e.target_kind != "ip") {
      out << "    " << e.resolution.name;
      for (const std::string& c : e.resolution.cnames) out << " -> " << c;
      out << "  " << ResolveStatusName(e.resolution.status);
      if (!e.resolution.detail.empty()) out << " (" << e.resolution.detail << ")";
      out << "\n";
    }
    for (const AddressObservation& o : e.observed) {
      out << "    " << o.ip.ToString() << "  " << PlacementName(o.placement) << ": " << o.reason;
      if (o.as) out << "  [AS" << o.as->number << " " << o.as->organisation << "]";
      out << "\n";
      for (const std::string& n : o.notes) out << "      note: " << n << "\n";
      if (o.plausibility) {
        const Plausibility& p = *o.plausibility;
        char line[160];
        std::snprintf(line, sizeof line, "      speed of light: %.2f ms connect, within %.0f km of the vantage: ", p.min_rtt_ms,
                      p.radius_km + p.margin_km);
        std::vector<std::string> near;
        for (size_t i = 0; i < p.reached.size() && i < 8; ++i) near.push_back(p.reached[i].country.empty() ? p.reached[i].name : p.reached[i].country);
        out << line << AreaVerdictName(p.area) << (near.empty() ? "" : " (" + Join(near) + (p.reached.size() > 8 ? ", ..." : "") + ")") << "\n";
      }
    }
    for (const ProbeResult& p : e.probes) {
      out << "    probe " << p.url << (p.address ? " @ " + p.address->ToString() : "") << "  " << ProbeStatusName(p.status);
      if (p.http_status) out << " HTTP " << p.http_status;
      if (p.timings.connect) {
        char ms[32];
        std::snprintf(ms, sizeof ms, ", connect %.2f ms", *p.timings.connect);
        out << ms;
      }
      if (p.tls) out << ", TLS " << p.tls->subject << " by " << p.tls->issuer;
      if (!p.message.empty()) out << " (" << p.message << ")";
      out << "\n";
    }
    for (const HeaderObservation& h : e.headers) out << "    " << PlacementName(h.placement) << ": " << h.reason << "\n";
    if (e.verdict != Verdict::kPass && e.path.size() > 1) out << "    path: " << Join(e.path, " -> ") << "\n";
  }
  if (!r.findings.empty()) out << "\nfindings\n";
  for (const Finding& f : r.findings) {
    out << "  " << StatusWord(FindingStatusName(f.status), colour) << " " << f.kind << " " << f.subject;
    if (!f.requirements.empty()) out << " [" << Join(f.requirements) << "]";
    out << "\n    " << r.manifest_path;
    if (f.ref.pos.known()) out << ":" << f.ref.pos.line << ":" << f.ref.pos.column;
    out << ": " << f.message << "\n";
  }
  FindingCounts c = r.Counts();
  int code = r.ExitCode();
  out << "\nendpoints: " << r.CountVerdict(Verdict::kPass) << " pass, " << r.CountVerdict(Verdict::kFail)
      << " fail, " << r.CountVerdict(Verdict::kUnverified) << " unverified; findings: " << c.fail << " fail, "
      << c.unverified << " unverified, " << c.warn << " warn, " << c.info
      << " info: " << (code == 1 ? "fail" : code == 3 ? "unverified" : "pass") << "\n";
  if (r.sample) {
    const SampleResult& s = *r.sample;
    char rate[32], tolerable[32], confidence[32];
    std::snprintf(rate, sizeof rate, "%.2f%%", 100 * s.upper_bound_rate);
    std::snprintf(tolerable, sizeof tolerable, "%.2f%%", 100 * s.parameters.tolerable_rate);
    std::snprintf(confidence, sizeof confidence, "%.0f%%", 100 * s.parameters.confidence);
    out << "sample: " << s.checked << " of " << s.population << " endpoints (plan " << s.plan_path << ", seed "
        << s.parameters.seed << "); deviations " << s.Deviations() << " (" << s.deviations_fail << " fail, "
        << s.deviations_unverified << " unverified), acceptance number " << s.acceptance_number << "\n"
        << "  upper bound of the deviation rate at " << confidence << " confidence: " << rate << " ("
        << s.upper_bound_deviations << " of " << s.population << "), tolerable " << tolerable << ": "
        << (s.WithinTolerable() ? "within" : "EXCEEDED") << "\n";
  }
}

}  // namespace residency
