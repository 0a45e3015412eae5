#include "probe_report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "compact_json.h"
#include "output.h"
#include "text_util.h"

namespace residency {
namespace {

template <typename W>
void Str(W& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

template <typename W>
void StrOrNull(W& w, const std::string& s) {
  if (s.empty()) {
    w.Null();
  } else {
    Str(w, s);
  }
}

// Milliseconds to the microsecond, so that the JSON shows 1.234 and not 1.2340000000000002.
double Round(double ms) { return std::round(ms * 1000.0) / 1000.0; }

template <typename W>
void Ms(W& w, const std::optional<double>& ms) {
  if (ms) {
    w.Double(Round(*ms));
  } else {
    w.Null();
  }
}

std::string FormatMs(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buf;
}

}  // namespace

template <typename JsonWriter>
void WriteProbeJson(JsonWriter& w, const ProbeResult& r) {
  w.StartObject();
  w.Key("id"); Str(w, r.id);
  w.Key("url"); Str(w, r.url);
  w.Key("address");
  if (r.address) {
    Str(w, r.address->ToString());
  } else {
    w.Null();
  }
  w.Key("status"); Str(w, std::string(ProbeStatusName(r.status)));
  w.Key("message"); Str(w, r.message);
  w.Key("notes");
  w.StartArray();
  for (const std::string& n : r.notes) Str(w, n);
  w.EndArray();
  w.Key("http_status");
  if (r.http_status) {
    w.Int64(r.http_status);
  } else {
    w.Null();
  }
  w.Key("http_version"); StrOrNull(w, r.http_version);
  w.Key("effective_url"); Str(w, r.effective_url);
  w.Key("redirect_count"); w.Int(r.redirect_count);
  w.Key("hops");
  w.StartArray();
  for (const ProbeHop& h : r.hops) {
    w.StartObject();
    w.Key("method"); Str(w, h.method);
    w.Key("url"); Str(w, h.url);
    w.Key("http_status");
    if (h.http_status) {
      w.Int64(h.http_status);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("primary_ip"); StrOrNull(w, r.primary_ip);
  w.Key("primary_port");
  if (r.primary_port) {
    w.Int(r.primary_port);
  } else {
    w.Null();
  }
  w.Key("tls");
  if (r.tls) {
    w.StartObject();
    w.Key("subject"); Str(w, r.tls->subject);
    w.Key("issuer"); Str(w, r.tls->issuer);
    w.Key("sans");
    w.StartArray();
    for (const std::string& s : r.tls->sans) Str(w, s);
    w.EndArray();
    w.Key("not_before"); Str(w, r.tls->not_before);
    w.Key("not_after"); Str(w, r.tls->not_after);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("timings_ms");
  w.StartObject();
  w.Key("dns"); Ms(w, r.timings.dns);
  w.Key("connect"); Ms(w, r.timings.connect);
  w.Key("tls"); Ms(w, r.timings.tls);
  w.Key("first_byte"); Ms(w, r.timings.first_byte);
  w.Key("total"); w.Double(Round(r.timings.total));
  w.EndObject();
  w.Key("headers");
  w.StartArray();
  for (const auto& [name, value] : r.headers) {
    w.StartObject();
    w.Key("name"); Str(w, name);
    w.Key("value"); Str(w, value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("location");
  w.StartArray();
  for (const HeaderEvidence& e : r.location) {
    w.StartObject();
    w.Key("header"); Str(w, e.header);
    w.Key("value"); Str(w, e.value);
    w.Key("kind"); Str(w, e.kind);
    w.Key("provider"); Str(w, e.provider);
    w.Key("region"); StrOrNull(w, e.region);
    w.Key("iata"); StrOrNull(w, e.iata);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template void WriteProbeJson(rapidjson::PrettyWriter<JsonOut>& w, const ProbeResult& r);
template void WriteProbeJson(rapidjson::Writer<JsonOut>& w, const ProbeResult& r);
template void WriteProbeJson(rapidjson::Writer<rapidjson::StringBuffer>& w, const ProbeResult& r);
template void WriteProbeJson(CompactJson& w, const ProbeResult& r);

void RenderProbeJson(const std::vector<ProbeResult>& results, std::ostream& out) {
  JsonOut os(out);
  rapidjson::PrettyWriter<JsonOut> w(os);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("probe_version"); w.Int(1);
  w.Key("tool");
  w.StartObject();
  w.Key("name"); w.String("residency");
  w.Key("version"); w.String(RESIDENCY_VERSION);
  w.EndObject();
  w.Key("results");
  w.StartArray();
  for (const ProbeResult& r : results) WriteProbeJson(w, r);
  w.EndArray();
  w.EndObject();
  os.Flush();
  out << "\n";
}

void RenderProbeText(const std::vector<ProbeResult>& results, std::ostream& out) {
  bool first = true;
  for (const ProbeResult& r : results) {
    if (!first) out << "\n";
    first = false;
    out << r.url;
    if (r.id != r.url && !r.id.empty()) out << " (" << r.id << ")";
    if (r.address) out << " via " << r.address->ToString();
    out << "\n";
    auto row = [&](const char* label, const std::string& text) {
      std::string pad(12 > std::string(label).size() ? 12 - std::string(label).size() : 1, ' ');
      out << "  " << label << pad << text << "\n";
    };
    std::string status(ProbeStatusName(r.status));
    if (r.http_status) {
      status += ": HTTP " + std::to_string(r.http_status);
      if (!r.http_version.empty()) status += " (HTTP/" + r.http_version + ", " + r.hops.back().method + ")";
    }
    if (!r.message.empty()) status += (r.http_status ? "; " : ": ") + r.message;
    row("status", status);
    for (const std::string& n : r.notes) row("note", n);
    if (!r.primary_ip.empty()) {
      bool v6 = r.primary_ip.find(':') != std::string::npos;
      row("address", (v6 ? "[" + r.primary_ip + "]" : r.primary_ip) + ":" + std::to_string(r.primary_port));
    }
    if (r.redirect_count > 0) {
      std::string chain;
      for (const ProbeHop& h : r.hops) {
        chain += (chain.empty() ? "" : " -> ") + h.url;
        if (h.http_status) chain += " (" + std::to_string(h.http_status) + ")";
      }
      row("redirects", std::to_string(r.redirect_count) + ": " + chain);
    }
    if (r.effective_url != r.url) row("final url", r.effective_url);
    if (r.tls) {
      row("tls subject", r.tls->subject);
      row("tls issuer", r.tls->issuer);
      row("tls names", Join(r.tls->sans, ", ", "-"));
      row("tls valid", r.tls->not_before + " to " + r.tls->not_after);
    }
    std::vector<std::string> t;
    if (r.timings.dns) t.push_back("dns " + FormatMs(*r.timings.dns));
    if (r.timings.connect) t.push_back("connect " + FormatMs(*r.timings.connect));
    if (r.timings.tls) t.push_back("tls " + FormatMs(*r.timings.tls));
    if (r.timings.first_byte) t.push_back("first byte " + FormatMs(*r.timings.first_byte));
    t.push_back("total " + FormatMs(r.timings.total));
    row("timings", Join(t));
    if (r.location.empty()) {
      row("location", r.answered() ? "no location headers" : "-");
    }
    // One line per header; a header naming several PoPs (x-served-by) lists them all.
    for (size_t i = 0; i < r.location.size();) {
      const HeaderEvidence& e = r.location[i];
      std::vector<std::string> pops;
      size_t j = i;
      for (; j < r.location.size() && r.location[j].header == e.header && r.location[j].value == e.value &&
             r.location[j].kind == e.kind && r.location[j].provider == e.provider;
           ++j) {
        if (!r.location[j].iata.empty()) pops.push_back(r.location[j].iata);
      }
      std::string what = e.kind + " evidence, " + e.provider;
      if (!e.region.empty()) what += " region " + e.region;
      if (!pops.empty()) what += (pops.size() == 1 ? " PoP " : " PoPs ") + Join(pops);
      row("location", e.header + ": " + e.value + " (" + what + ")");
      i = j;
    }
  }
}

}  // namespace residency
