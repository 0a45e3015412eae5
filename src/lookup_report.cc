#include "lookup_report.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>

namespace residency {
namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void OptionalString(JsonWriter& w, const std::optional<std::string>& s) {
  if (s) {
    w.String(*s);
  } else {
    w.Null();
  }
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

// Writes `line` without its trailing blanks (the padding of an empty last column).
void Line(std::ostream& out, std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out << line << "\n";
}

}  // namespace

namespace {

// One address's evidence; every line starts with `indent`.
void RenderResultText(const LookupResult& r, const std::string& indent, std::ostream& out) {
  const GeoAnswer& a = r.answer;
  out << indent << r.target;
  if (r.target != a.ip.ToString()) out << " (looked up as " << a.ip.ToString() << ")";
  out << "\n";
  size_t width = 10;
  for (const SourceAnswer& s : a.sources) width = std::max(width, s.source.size() + 2);
  for (const SourceAnswer& s : a.sources) {
    std::string line = indent + "  " + Pad(s.source, width) + Pad(SourceKindName(s.kind), 18) +
                       Pad(s.country.value_or("-"), 4);
    if (s.prefix) line += s.prefix->ToString() + "  ";
    if (s.kind == SourceKind::kOperatorCountry) {
      line += "(where the AS is registered; not a location)";
    }
    Line(out, line);
  }
  out << indent << "  " << Pad("country", width) << AgreementName(a.agreement);
  if (a.country) {
    out << ": " << *a.country;
  } else if (a.agreement == Agreement::kDisagree) {
    std::string list;
    for (const std::string& c : a.Countries()) list += (list.empty() ? "" : " vs ") + c;
    out << ": " << list;
  }
  out << " (" << a.answered << " of " << a.voters << " country sources answered)\n";
  out << indent << "  " << Pad("as", width);
  if (a.as) {
    out << "AS" << a.as->number << " " << a.as->organisation << " (" << a.as->prefix.ToString()
        << ")\n";
  } else {
    out << "-\n";
  }
  out << indent << "  " << Pad("feed", width);
  if (a.feed) {
    const FeedMatch& f = *a.feed;
    out << f.provider << " " << (f.region.empty() ? "-" : f.region) << " "
        << (f.service.empty() ? "-" : f.service) << " "
        << f.scope << " (" << (f.feed_prefix.empty() ? f.prefix.ToString() : f.feed_prefix)
        << ")";
    if (!f.IsLocation()) {
      out << ": " << f.scope << " space, the IP says nothing of a place";
    } else if (r.feed_country) {
      out << ": " << *r.feed_country;
      if (r.feed_city && !r.feed_city->empty()) out << ", " << *r.feed_city;
    }
    out << "\n";
  } else {
    out << "-\n";
  }
  if (r.jurisdictions) {
    out << indent << "  " << Pad("groups", width);
    if (r.jurisdictions->empty()) out << "-";
    bool first = true;
    for (const auto& [country, groups] : *r.jurisdictions) {
      out << (first ? "" : "; ") << country << ": ";
      first = false;
      if (groups.empty()) out << "none";
      for (size_t i = 0; i < groups.size(); ++i) out << (i ? " " : "") << groups[i];
      if (auto scope = r.adequacy_scope.find(country); scope != r.adequacy_scope.end()) {
        out << " (adequacy for " << scope->second << ")";
      }
    }
    out << "\n";
  }
}

// The TTL of the record `owner TYPE data` among a name's answers; nullopt if absent.
std::optional<uint32_t> FindTtl(const Resolution& r, const std::string& owner,
                                const std::string& type, const std::string& data) {
  std::optional<IpAddress> ip = type == "CNAME" ? std::nullopt : ParseIp(data);
  for (const DnsAnswer& answer : r.evidence) {
    for (const DnsRecord& rec : answer.records) {
      if (rec.type != type || rec.name != owner) continue;
      if (ip ? ParseIp(rec.data) == ip : rec.data == data) return rec.ttl;
    }
  }
  return std::nullopt;
}

std::string TtlNote(std::optional<uint32_t> ttl) {
  return ttl ? " (ttl " + std::to_string(*ttl) + ")" : "";
}

void RenderNameText(const LookupName& n, const std::vector<std::string>& servers,
                    std::ostream& out) {
  const Resolution& r = n.resolution;
  out << n.target;
  if (n.target != r.name) out << " (asked as " << r.name << ")";
  out << "\n";
  const size_t width = 10;
  out << "  " << Pad("status", width) << ResolveStatusName(r.status);
  if (!r.detail.empty()) out << ": " << r.detail;
  out << "\n";
  if (!r.cnames.empty()) {
    std::string owner = r.name;
    out << "  " << Pad("chain", width) << r.name;
    for (const std::string& target : r.cnames) {
      out << " -> " << target << TtlNote(FindTtl(r, owner, "CNAME", target));
      owner = target;
    }
    out << "\n";
  }
  const std::string& canonical = r.cnames.empty() ? r.name : r.cnames.back();
  for (const IpAddress& ip : r.addresses) {
    std::string type = ip.is_v4() ? "A" : "AAAA";
    out << "  " << Pad(type, width) << ip.ToString()
        << TtlNote(FindTtl(r, canonical, type, ip.ToString())) << "\n";
  }
  std::string list;
  for (const std::string& s : servers) list += (list.empty() ? "" : ", ") + s;
  out << "  " << Pad("queries", width) << r.evidence.size();
  if (!list.empty()) out << " to " << list;
  out << "\n";
  for (const LookupResult& a : n.addresses) {
    out << "\n";
    RenderResultText(a, "  ", out);
  }
}

}  // namespace

void RenderLookupText(const LookupReport& report, std::ostream& out) {
  bool first = true;
  for (const LookupResult& r : report.results) {
    if (!first) out << "\n";
    first = false;
    RenderResultText(r, "", out);
  }
  for (const LookupName& n : report.names) {
    if (!first) out << "\n";
    first = false;
    RenderNameText(n, report.dns_servers, out);
  }
}

namespace {

void WriteResultJson(JsonWriter& w, const LookupResult& r) {
  const GeoAnswer& a = r.answer;
  w.StartObject();
  w.Key("target");
  w.String(r.target);
  w.Key("ip");
  w.String(a.ip.ToString());
  w.Key("sources");
  w.StartArray();
  for (const SourceAnswer& s : a.sources) {
    w.StartObject();
    w.Key("name");
    w.String(s.source);
    w.Key("kind");
    w.String(SourceKindName(s.kind));
    w.Key("country");
    OptionalString(w, s.country);
    w.Key("prefix");
    OptionalString(w, s.prefix ? std::optional<std::string>(s.prefix->ToString()) : std::nullopt);
    w.EndObject();
  }
  w.EndArray();
  w.Key("country");
  w.StartObject();
  w.Key("verdict");
  w.String(AgreementName(a.agreement));
  w.Key("country");
  OptionalString(w, a.country);
  w.Key("countries");
  w.StartArray();
  for (const std::string& c : a.Countries()) w.String(c);
  w.EndArray();
  w.Key("answered");
  w.Int(a.answered);
  w.Key("voters");
  w.Int(a.voters);
  w.EndObject();
  w.Key("as");
  if (a.as) {
    w.StartObject();
    w.Key("number");
    w.Uint(a.as->number);
    w.Key("organisation");
    w.String(a.as->organisation);
    w.Key("prefix");
    w.String(a.as->prefix.ToString());
    w.Key("source");
    w.String(a.as->source);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("feed");
  if (a.feed) {
    const FeedMatch& f = *a.feed;
    w.StartObject();
    w.Key("provider");
    w.String(f.provider);
    w.Key("region");
    w.String(f.region);
    w.Key("service");
    w.String(f.service);
    w.Key("scope");
    w.String(f.scope);
    w.Key("prefix");
    w.String(f.feed_prefix.empty() ? f.prefix.ToString() : f.feed_prefix);
    w.Key("source");
    w.String(f.source);
    w.Key("country");
    OptionalString(w, r.feed_country);
    w.Key("city");
    OptionalString(w, r.feed_city);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("jurisdictions");
  if (r.jurisdictions) {
    w.StartObject();
    for (const auto& [country, groups] : *r.jurisdictions) {
      w.Key(country);
      w.StartArray();
      for (const std::string& g : groups) w.String(g);
      w.EndArray();
    }
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("adequacy_scope");
  w.StartObject();
  for (const auto& [country, scope] : r.adequacy_scope) {
    w.Key(country.c_str(), static_cast<rapidjson::SizeType>(country.size()));
    w.String(scope.c_str(), static_cast<rapidjson::SizeType>(scope.size()));
  }
  w.EndObject();
  w.EndObject();
}

void WriteNameJson(JsonWriter& w, const LookupName& n, const std::vector<std::string>& servers) {
  const Resolution& r = n.resolution;
  w.StartObject();
  w.Key("target");
  w.String(n.target);
  w.Key("name");
  w.String(r.name);
  w.Key("status");
  std::string_view status = ResolveStatusName(r.status);
  w.String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
  w.Key("detail");
  w.String(r.detail);
  w.Key("cnames");
  w.StartArray();
  for (const std::string& c : r.cnames) w.String(c);
  w.EndArray();
  w.Key("dns_servers");
  w.StartArray();
  for (const std::string& s : servers) w.String(s);
  w.EndArray();
  w.Key("evidence");
  w.StartArray();
  for (const DnsAnswer& answer : r.evidence) {
    w.StartObject();
    w.Key("qname");
    w.String(answer.qname);
    w.Key("qtype");
    w.String(answer.qtype);
    w.Key("server");
    w.String(answer.server);
    w.Key("time_unix_ms");
    w.Int64(answer.time_unix_ms);
    w.Key("rcode");
    w.String(answer.rcode);
    w.Key("records");
    w.StartArray();
    for (const DnsRecord& rec : answer.records) {
      w.StartObject();
      w.Key("name");
      w.String(rec.name);
      w.Key("type");
      w.String(rec.type);
      w.Key("ttl");
      w.Uint(rec.ttl);
      w.Key("data");
      w.String(rec.data);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("addresses");
  w.StartArray();
  for (const LookupResult& a : n.addresses) WriteResultJson(w, a);
  w.EndArray();
  w.EndObject();
}

}  // namespace

void RenderLookupJson(const LookupReport& report, std::ostream& out) {
  rapidjson::OStreamWrapper stream(out);
  JsonWriter w(stream);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("lookup_version");
  w.Int(1);
  w.Key("results");
  w.StartArray();
  for (const LookupResult& r : report.results) WriteResultJson(w, r);
  w.EndArray();
  w.Key("names");
  w.StartArray();
  for (const LookupName& n : report.names) WriteNameJson(w, n, report.dns_servers);
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace residency
