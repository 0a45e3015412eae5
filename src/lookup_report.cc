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

void RenderLookupText(const LookupReport& report, std::ostream& out) {
  bool first_result = true;
  for (const LookupResult& r : report.results) {
    if (!first_result) out << "\n";
    first_result = false;
    const GeoAnswer& a = r.answer;
    out << r.target;
    if (r.target != a.ip.ToString()) out << " (looked up as " << a.ip.ToString() << ")";
    out << "\n";
    size_t width = 10;
    for (const SourceAnswer& s : a.sources) width = std::max(width, s.source.size() + 2);
    for (const SourceAnswer& s : a.sources) {
      std::string line = "  " + Pad(s.source, width) + Pad(SourceKindName(s.kind), 18) +
                         Pad(s.country.value_or("-"), 4);
      if (s.prefix) line += s.prefix->ToString() + "  ";
      if (s.kind == SourceKind::kOperatorCountry) {
        line += "(where the AS is registered; not a location)";
      }
      Line(out, line);
    }
    out << "  " << Pad("country", width) << AgreementName(a.agreement);
    if (a.country) {
      out << ": " << *a.country;
    } else if (a.agreement == Agreement::kDisagree) {
      std::string list;
      for (const std::string& c : a.Countries()) list += (list.empty() ? "" : " vs ") + c;
      out << ": " << list;
    }
    out << " (" << a.answered << " of " << a.voters << " country sources answered)\n";
    out << "  " << Pad("as", width);
    if (a.as) {
      out << "AS" << a.as->number << " " << a.as->organisation << " (" << a.as->prefix.ToString()
          << ")\n";
    } else {
      out << "-\n";
    }
    out << "  " << Pad("feed", width);
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
      out << "  " << Pad("groups", width);
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
}

void RenderLookupJson(const LookupReport& report, std::ostream& out) {
  rapidjson::OStreamWrapper stream(out);
  JsonWriter w(stream);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("lookup_version");
  w.Int(1);
  w.Key("results");
  w.StartArray();
  for (const LookupResult& r : report.results) {
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
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace residency
