#include "geo.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>
#include <utility>

#include "diagnostic.h"
#include "json_source.h"

namespace residency {
namespace {

constexpr SourceKind kKinds[] = {SourceKind::kCountry, SourceKind::kOperatorCountry,
                                 SourceKind::kAsn, SourceKind::kFeed};

// The field order of a feed source's lookups.
enum FeedField { kProvider, kRegion, kService, kScope, kPrefix, kFeedFieldCount };
constexpr const char* kFeedFields[kFeedFieldCount] = {"provider", "region", "service", "scope",
                                                      "prefix"};

Status ParseSourceConfig(const JsonSource& json, const rapidjson::Value& v,
                         const std::string& pointer, const std::string& geodb_dir,
                         SourceConfig* config) {
  auto error = [&](const rapidjson::Value* at, const std::string& ptr, const std::string& msg) {
    return Status::InvalidInput(json.At(at, ptr, msg).ToString());
  };
  if (!v.IsObject()) return error(&v, pointer, "a source must be an object");
  static const std::vector<std::string> kKeys = {
      "name",    "kind",      "file",    "field",   "org_field", "licence",
      "attribution", "package", "integrity", "extract", "compile",   "optional", "comment"};
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return error(&it->name, PointerAppend(pointer, key),
                   "unknown key \"" + key + "\"" + DidYouMean(key, kKeys));
    }
  }
  auto text = [&](const char* key, bool required, std::string* out) -> Status {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd()) {
      if (required) return error(&v, pointer, std::string("missing \"") + key + "\"");
      return Status::Ok();
    }
    if (!it->value.IsString() || (required && it->value.GetStringLength() == 0)) {
      return error(&it->value, PointerAppend(pointer, key),
                   std::string("\"") + key + "\" must be a non-empty string");
    }
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return Status::Ok();
  };
  std::string kind;
  for (auto [key, required, out] :
       {std::tuple{"name", true, &config->name}, std::tuple{"kind", true, &kind},
        std::tuple{"file", true, &config->file}, std::tuple{"licence", false, &config->licence},
        std::tuple{"attribution", false, &config->attribution},
        std::tuple{"package", false, &config->package},
        std::tuple{"integrity", false, &config->integrity},
        std::tuple{"field", false, &config->field},
        std::tuple{"org_field", false, &config->org_field}}) {
    if (Status s = text(key, required, out); !s.ok()) return s;
  }
  std::vector<std::string> kind_names;
  bool known = false;
  for (SourceKind k : kKinds) {
    kind_names.push_back(SourceKindName(k));
    if (kind == SourceKindName(k)) {
      config->kind = k;
      known = true;
    }
  }
  if (!known) {
    const rapidjson::Value& at = v["kind"];
    return error(&at, PointerAppend(pointer, "kind"),
                 "unknown kind \"" + kind + "\"" + DidYouMean(kind, kind_names) +
                     " (one of country, operator-country, asn, feed)");
  }
  if (config->kind != SourceKind::kFeed && config->field.empty()) {
    return error(&v, pointer, "source \"" + config->name + "\" of kind " + kind +
                                  " needs \"field\" (the dotted path to its value)");
  }
  if (config->kind == SourceKind::kAsn && config->org_field.empty()) {
    return error(&v, pointer, "source \"" + config->name + "\" of kind asn needs \"org_field\"");
  }
  if (auto it = v.FindMember("optional"); it != v.MemberEnd()) {
    if (!it->value.IsBool()) {
      return error(&it->value, PointerAppend(pointer, "optional"), "\"optional\" must be true or false");
    }
    config->optional = it->value.GetBool();
  }
  config->path = config->file.front() == '/' ? config->file : geodb_dir + "/" + config->file;
  return Status::Ok();
}

std::optional<uint32_t> ParseAsNumber(const std::string& text) {
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kCountry: return "country";
    case SourceKind::kOperatorCountry: return "operator-country";
    case SourceKind::kAsn: return "asn";
    case SourceKind::kFeed: return "feed";
  }
  return "?";
}

const char* AgreementName(Agreement a) {
  switch (a) {
    case Agreement::kAgree: return "agree";
    case Agreement::kDisagree: return "disagree";
    case Agreement::kUnknown: return "unknown";
  }
  return "?";
}

std::vector<std::string> GeoAnswer::Countries() const {
  std::set<std::string> distinct;
  for (const SourceAnswer& s : sources) {
    if (s.kind == SourceKind::kCountry && s.country) distinct.insert(*s.country);
  }
  return {distinct.begin(), distinct.end()};
}

Status LoadSourceConfigs(const std::string& geodb_dir, std::vector<SourceConfig>* out) {
  const std::string path = geodb_dir + "/sources.json";
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s;
  JsonSource json;
  Diagnostic diagnostic;
  if (!json.Parse(path, std::move(text), &diagnostic)) {
    return Status::InvalidInput(diagnostic.ToString());
  }
  const rapidjson::Value& root = json.doc();
  const rapidjson::Value* list = root.IsObject() ? json.Find("/sources") : nullptr;
  if (!list || !list->IsArray()) {
    return Status::InvalidInput(
        json.At(root.IsObject() ? nullptr : &root, "", "expected an object with a \"sources\" array")
            .ToString());
  }
  std::vector<SourceConfig> configs;
  std::set<std::string> names;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const std::string pointer = PointerAppend("/sources", i);
    SourceConfig config;
    if (Status s = ParseSourceConfig(json, (*list)[i], pointer, geodb_dir, &config); !s.ok()) {
      return s;
    }
    if (!names.insert(config.name).second) {
      return Status::InvalidInput(
          json.At(&(*list)[i]["name"], PointerAppend(pointer, "name"),
                  "duplicate source name \"" + config.name + "\"")
              .ToString());
    }
    configs.push_back(std::move(config));
  }
  *out = std::move(configs);
  return Status::Ok();
}

Status Geo::Open(const std::string& geodb_dir, std::unique_ptr<Geo>* out) {
  std::vector<SourceConfig> configs;
  if (Status s = LoadSourceConfigs(geodb_dir, &configs); !s.ok()) return s;
  return Open(std::move(configs), out);
}

Status Geo::Open(std::vector<SourceConfig> configs, std::unique_ptr<Geo>* out) {
  std::unique_ptr<Geo> geo(new Geo());
  for (SourceConfig& config : configs) {
    GeoSource source;
    Status s = Mmdb::Open(config.path, &source.db);
    if (s.kind() == Status::Kind::kNotFound) {
      if (!config.optional) {
        return Status::NotFound(s.message() + " (source \"" + config.name +
                                "\"; run scripts/fetch-geodb, or remove it from sources.json)");
      }
    } else if (!s.ok()) {
      return s.WithContext("source \"" + config.name + "\"");
    } else {
      source.present = true;
    }
    switch (config.kind) {
      case SourceKind::kCountry:
      case SourceKind::kOperatorCountry:
        source.fields.emplace_back(config.field);
        break;
      case SourceKind::kAsn:
        source.fields.emplace_back(config.field);
        source.fields.emplace_back(config.org_field);
        break;
      case SourceKind::kFeed:
        for (const char* f : kFeedFields) source.fields.emplace_back(f);
        break;
    }
    source.config = std::move(config);
    geo->sources_.push_back(std::move(source));
  }
  *out = std::move(geo);
  return Status::Ok();
}

Status Geo::Lookup(const IpAddress& ip_in, GeoAnswer* answer) const {
  const IpAddress ip = ip_in.Unmapped();
  // Reset field by field rather than assigning a fresh GeoAnswer: a caller that loops
  // with one GeoAnswer keeps its vector's capacity (no allocation per lookup).
  answer->ip = ip;
  answer->sources.clear();
  answer->as.reset();
  answer->feed.reset();
  answer->agreement = Agreement::kUnknown;
  answer->country.reset();
  answer->voters = 0;
  answer->answered = 0;
  thread_local MmdbAnswer raw;  // scratch, reused across lookups on this thread
  thread_local MmdbRecordCache records;  // each source's fields are fixed: one cache serves all
  for (const GeoSource& source : sources_) {
    const SourceConfig& config = source.config;
    if (!source.present) continue;
    if (config.kind == SourceKind::kCountry) ++answer->voters;
    if (Status s = source.db.Lookup(ip, source.fields, &raw, &records); !s.ok()) {
      return s.WithContext("source \"" + config.name + "\"");
    }
    switch (config.kind) {
      case SourceKind::kCountry:
      case SourceKind::kOperatorCountry: {
        SourceAnswer& a = answer->sources.emplace_back();
        a.source = config.name;
        a.kind = config.kind;
        if (raw.found && raw.values[0] && !raw.values[0]->empty()) {
          a.country = std::move(*raw.values[0]);
          a.prefix = raw.prefix;
        }
        break;
      }
      case SourceKind::kAsn: {
        if (answer->as || !raw.found || !raw.values[0]) break;
        std::optional<uint32_t> number = ParseAsNumber(*raw.values[0]);
        if (!number) break;
        answer->as = AsAnswer{config.name, *number, raw.values[1].value_or(""), raw.prefix};
        break;
      }
      case SourceKind::kFeed: {
        if (answer->feed || !raw.found || !raw.values[kProvider]) break;
        FeedMatch m;
        m.source = config.name;
        m.provider = *raw.values[kProvider];
        m.region = raw.values[kRegion].value_or("");
        m.service = raw.values[kService].value_or("");
        m.scope = raw.values[kScope].value_or("");
        m.feed_prefix = raw.values[kPrefix].value_or("");
        m.prefix = raw.prefix;
        answer->feed = std::move(m);
        break;
      }
    }
  }

  const std::string* first = nullptr;
  bool disagree = false;
  for (const SourceAnswer& a : answer->sources) {
    if (a.kind != SourceKind::kCountry || !a.country) continue;
    ++answer->answered;
    if (!first) {
      first = &*a.country;
    } else if (*first != *a.country) {
      disagree = true;
    }
  }
  if (!first) {
    answer->agreement = Agreement::kUnknown;
  } else if (disagree) {
    answer->agreement = Agreement::kDisagree;
  } else {
    answer->agreement = Agreement::kAgree;
    answer->country = *first;
  }
  return Status::Ok();
}

}  // namespace residency
