#include "feeds.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <tuple>
#include <unordered_map>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "mmdb_writer.h"

namespace residency {
namespace {

using rapidjson::Value;

// "ORIGIN:LINE:COL" for a byte offset into text.
std::string Where(const std::string& origin, std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return origin + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Status ParseJson(std::string_view text, const std::string& origin, rapidjson::Document* doc) {
  doc->Parse(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::InvalidInput(Where(origin, text, doc->GetErrorOffset()) +
                                ": invalid JSON: " +
                                rapidjson::GetParseError_En(doc->GetParseError()));
  }
  return Status::Ok();
}

// Errors in well-formed JSON name the JSON pointer of the offending value.
Status Bad(const std::string& origin, const std::string& pointer, const std::string& what) {
  return Status::InvalidInput(origin + ": " + (pointer.empty() ? "/" : pointer) + ": " + what);
}

Status GetArray(const Value& obj, const char* key, const std::string& origin,
                const std::string& pointer, const Value** out) {
  if (!obj.IsObject()) return Bad(origin, pointer, "expected an object");
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return Bad(origin, pointer, std::string("missing \"") + key + "\"");
  if (!it->value.IsArray()) return Bad(origin, pointer + "/" + key, "expected an array");
  *out = &it->value;
  return Status::Ok();
}

Status GetString(const Value& obj, const char* key, const std::string& origin,
                 const std::string& pointer, std::string* out) {
  if (!obj.IsObject()) return Bad(origin, pointer, "expected an object");
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return Bad(origin, pointer, std::string("missing \"") + key + "\"");
  if (!it->value.IsString()) return Bad(origin, pointer + "/" + key, "expected a string");
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

Status GetPrefix(const Value& obj, const char* key, const std::string& origin,
                 const std::string& pointer, IpPrefix* out) {
  std::string text;
  Status s = GetString(obj, key, origin, pointer, &text);
  if (!s.ok()) return s;
  auto prefix = ParsePrefix(text);
  if (!prefix) return Bad(origin, pointer + "/" + key, "not an IP prefix: \"" + text + "\"");
  *out = *prefix;
  return Status::Ok();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::string Index(std::string pointer, size_t i) { return pointer + "/" + std::to_string(i); }

Status ImportAws(std::string_view text, const std::string& origin, std::vector<FeedEntry>* out) {
  rapidjson::Document doc;
  Status s = ParseJson(text, origin, &doc);
  if (!s.ok()) return s;
  struct List { const char* array; const char* field; };
  for (const List& list : {List{"prefixes", "ip_prefix"}, List{"ipv6_prefixes", "ipv6_prefix"}}) {
    const Value* items = nullptr;
    if (!(s = GetArray(doc, list.array, origin, "", &items)).ok()) return s;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
      const Value& item = (*items)[i];
      std::string pointer = Index(std::string("/") + list.array, i);
      FeedEntry e;
      e.provider = "aws";
      if (!(s = GetPrefix(item, list.field, origin, pointer, &e.prefix)).ok()) return s;
      if (!(s = GetString(item, "region", origin, pointer, &e.region)).ok()) return s;
      if (!(s = GetString(item, "service", origin, pointer, &e.service)).ok()) return s;
      if (e.region.empty()) return Bad(origin, pointer + "/region", "empty region");
      if (e.region == "GLOBAL") {
        e.region.clear();
        e.scope = FeedScope::kGlobal;
      }
      out->push_back(std::move(e));
    }
  }
  return Status::Ok();
}

Status ImportGcp(std::string_view text, const std::string& origin, std::vector<FeedEntry>* out) {
  rapidjson::Document doc;
  Status s = ParseJson(text, origin, &doc);
  if (!s.ok()) return s;
  const Value* items = nullptr;
  if (!(s = GetArray(doc, "prefixes", origin, "", &items)).ok()) return s;
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    const Value& item = (*items)[i];
    std::string pointer = Index("/prefixes", i);
    FeedEntry e;
    e.provider = "gcp";
    if (!item.IsObject()) return Bad(origin, pointer, "expected an object");
    const char* field = item.HasMember("ipv4Prefix") ? "ipv4Prefix" : "ipv6Prefix";
    if (!(s = GetPrefix(item, field, origin, pointer, &e.prefix)).ok()) return s;
    if (!(s = GetString(item, "service", origin, pointer, &e.service)).ok()) return s;
    if (!(s = GetString(item, "scope", origin, pointer, &e.region)).ok()) return s;
    if (e.region.empty()) return Bad(origin, pointer + "/scope", "empty scope");
    if (e.region == "global") {
      e.region.clear();
      e.scope = FeedScope::kGlobal;
    }
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

Status AzureAliases(const rapidjson::Document& doc, const std::string& origin,
                    std::map<std::string, std::string>* aliases) {
  const Value* values = nullptr;
  Status s = GetArray(doc, "values", origin, "", &values);
  if (!s.ok()) return s;
  // For each short code, how often each spelling follows the dot in a regional tag name.
  std::map<std::string, std::map<std::string, int>> spellings;
  for (rapidjson::SizeType i = 0; i < values->Size(); ++i) {
    const Value& tag = (*values)[i];
    std::string pointer = Index("/values", i);
    std::string name, region;
    if (!(s = GetString(tag, "name", origin, pointer, &name)).ok()) return s;
    auto props = tag.IsObject() ? tag.FindMember("properties") : tag.MemberEnd();
    if (!tag.IsObject() || props == tag.MemberEnd()) {
      return Bad(origin, pointer, "missing \"properties\"");
    }
    if (!(s = GetString(props->value, "region", origin, pointer + "/properties", &region)).ok()) {
      return s;
    }
    if (region.empty()) continue;
    size_t dot = name.find('.');
    std::string spelling = dot == std::string::npos ? region : Lower(name.substr(dot + 1));
    ++spellings[region][spelling];
  }
  aliases->clear();
  for (const auto& [code, counts] : spellings) {
    // The most frequent spelling; ties go to the alphabetically first, for determinism.
    auto best = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    (*aliases)[code] = best->first;
  }
  return Status::Ok();
}

// Azure tags without a region (Storage, AzureSiteRecovery, ...) are the union of that
// service's regional space, not global services: a prefix of theirs that lies inside a
// regional prefix (AzureCloud.REGION covers a region's whole space) is in that region.
// Prefixes outside every regional prefix (Front Door, for instance) stay global.
void PlaceAzureGlobalTags(std::vector<FeedEntry>* entries) {
  auto key = [](const IpAddress& a, unsigned length) {
    std::string k(reinterpret_cast<const char*>(a.bytes.data()), a.size());
    k.push_back(static_cast<char>(length));
    return k;
  };
  std::unordered_map<std::string, const std::string*> regional;
  for (const FeedEntry& e : *entries) {
    if (e.scope == FeedScope::kRegional) regional.emplace(key(e.prefix.address, e.prefix.length), &e.region);
  }
  for (FeedEntry& e : *entries) {
    if (e.scope != FeedScope::kGlobal) continue;
    IpAddress a = e.prefix.address;
    for (unsigned length = e.prefix.length + 1; length-- > 0;) {
      if (length < a.bits()) a.bytes[length / 8] &= static_cast<uint8_t>(~(0x80u >> (length % 8)));
      auto it = regional.find(key(a, length));
      if (it != regional.end()) {
        e.region = *it->second;
        e.scope = FeedScope::kRegional;
        break;
      }
    }
  }
}

Status ImportAzure(std::string_view text, const std::string& origin,
                   std::vector<FeedEntry>* out) {
  rapidjson::Document doc;
  Status s = ParseJson(text, origin, &doc);
  if (!s.ok()) return s;
  std::map<std::string, std::string> aliases;
  if (!(s = AzureAliases(doc, origin, &aliases)).ok()) return s;
  const Value& values = doc["values"];  // checked by AzureAliases
  for (rapidjson::SizeType i = 0; i < values.Size(); ++i) {
    const Value& tag = values[i];
    std::string pointer = Index("/values", i) + "/properties";
    std::string name, region;
    GetString(tag, "name", origin, pointer, &name);               // checked above
    GetString(tag["properties"], "region", origin, pointer, &region);  // checked above
    const Value* prefixes = nullptr;
    if (!(s = GetArray(tag["properties"], "addressPrefixes", origin, pointer, &prefixes)).ok()) {
      return s;
    }
    FeedEntry e;
    e.provider = "azure";
    if (region.empty()) {
      e.scope = FeedScope::kGlobal;
      e.service = name;
    } else {
      e.region = aliases[region];
      e.service = name.substr(0, name.find('.'));
    }
    for (rapidjson::SizeType j = 0; j < prefixes->Size(); ++j) {
      const Value& p = (*prefixes)[j];
      std::string at = Index(pointer + "/addressPrefixes", j);
      if (!p.IsString()) return Bad(origin, at, "expected a string");
      auto prefix = ParsePrefix(std::string_view(p.GetString(), p.GetStringLength()));
      if (!prefix) return Bad(origin, at, std::string("not an IP prefix: \"") + p.GetString() + "\"");
      e.prefix = *prefix;
      out->push_back(e);
    }
  }
  PlaceAzureGlobalTags(out);
  return Status::Ok();
}

Status ImportOci(std::string_view text, const std::string& origin, std::vector<FeedEntry>* out) {
  rapidjson::Document doc;
  Status s = ParseJson(text, origin, &doc);
  if (!s.ok()) return s;
  const Value* regions = nullptr;
  if (!(s = GetArray(doc, "regions", origin, "", &regions)).ok()) return s;
  for (rapidjson::SizeType i = 0; i < regions->Size(); ++i) {
    const Value& r = (*regions)[i];
    std::string pointer = Index("/regions", i);
    FeedEntry e;
    e.provider = "oci";
    if (!(s = GetString(r, "region", origin, pointer, &e.region)).ok()) return s;
    if (e.region.empty()) return Bad(origin, pointer + "/region", "empty region");
    const Value* cidrs = nullptr;
    if (!(s = GetArray(r, "cidrs", origin, pointer, &cidrs)).ok()) return s;
    for (rapidjson::SizeType j = 0; j < cidrs->Size(); ++j) {
      const Value& c = (*cidrs)[j];
      std::string at = Index(pointer + "/cidrs", j);
      if (!(s = GetPrefix(c, "cidr", origin, at, &e.prefix)).ok()) return s;
      e.service.clear();
      auto tags = c.FindMember("tags");
      if (tags != c.MemberEnd()) {
        if (!tags->value.IsArray()) return Bad(origin, at + "/tags", "expected an array");
        for (rapidjson::SizeType k = 0; k < tags->value.Size(); ++k) {
          const Value& t = tags->value[k];
          if (!t.IsString()) return Bad(origin, Index(at + "/tags", k), "expected a string");
          if (!e.service.empty()) e.service += ",";
          e.service += t.GetString();
        }
      }
      if (e.service.empty()) e.service = "OCI";
      out->push_back(e);
    }
  }
  return Status::Ok();
}

// One prefix per line, as published (no trailing newline at the end of the file).
Status ImportCloudflare(std::string_view text, const std::string& origin,
                        std::vector<FeedEntry>* out) {
  std::vector<FeedEntry> entries;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    auto prefix = ParsePrefix(line);
    if (!prefix) {
      return Status::InvalidInput(origin + ":" + std::to_string(line_no) +
                                  ": not an IP prefix: \"" + std::string(line) + "\"");
    }
    entries.push_back(FeedEntry{*prefix, "cloudflare", "", "Cloudflare", FeedScope::kAnycast});
  }
  if (entries.empty()) return Status::InvalidInput(origin + ": no prefixes");
  out->insert(out->end(), entries.begin(), entries.end());
  return Status::Ok();
}

// How specific a service name is: the catch-all sets are the least.
int ServiceRank(const std::string& service) {
  if (service == "AMAZON" || service == "AzureCloud") return 0;
  if (service == "EC2") return 1;
  return 2;
}

auto PrefixKey(const IpPrefix& p) { return std::tie(p.address, p.length); }

}  // namespace

std::string_view FeedScopeName(FeedScope scope) {
  switch (scope) {
    case FeedScope::kRegional: return "regional";
    case FeedScope::kGlobal: return "global";
    case FeedScope::kAnycast: return "anycast";
  }
  return "regional";
}

const std::vector<FeedSpec>& FeedSpecs() {
  static const std::vector<FeedSpec> kSpecs = {
      {"aws", "aws-ip-ranges.json", "https://ip-ranges.amazonaws.com/ip-ranges.json",
       FeedFormat::kAws},
      {"gcp", "gcp-cloud.json", "https://www.gstatic.com/ipranges/cloud.json", FeedFormat::kGcp},
      {"azure", "azure-servicetags.json",
       "https://download.microsoft.com/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/"
       "ServiceTags_Public_20260427.json",
       FeedFormat::kAzure},
      {"oci", "oci-public_ip_ranges.json", "https://docs.oracle.com/iaas/tools/public_ip_ranges.json",
       FeedFormat::kOci},
      {"cloudflare-v4", "cloudflare-ips-v4.txt", "https://www.cloudflare.com/ips-v4",
       FeedFormat::kCloudflare},
      {"cloudflare-v6", "cloudflare-ips-v6.txt", "https://www.cloudflare.com/ips-v6",
       FeedFormat::kCloudflare},
  };
  return kSpecs;
}

const FeedSpec* FindFeedSpec(std::string_view name) {
  for (const FeedSpec& spec : FeedSpecs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Status ImportFeed(FeedFormat format, std::string_view text, const std::string& origin,
                  std::vector<FeedEntry>* out) {
  std::vector<FeedEntry> entries;
  Status s;
  switch (format) {
    case FeedFormat::kAws: s = ImportAws(text, origin, &entries); break;
    case FeedFormat::kGcp: s = ImportGcp(text, origin, &entries); break;
    case FeedFormat::kAzure: s = ImportAzure(text, origin, &entries); break;
    case FeedFormat::kOci: s = ImportOci(text, origin, &entries); break;
    case FeedFormat::kCloudflare: s = ImportCloudflare(text, origin, &entries); break;
  }
  if (!s.ok()) return s;
  if (entries.empty()) return Status::InvalidInput(origin + ": the feed lists no prefixes");
  out->insert(out->end(), std::make_move_iterator(entries.begin()),
              std::make_move_iterator(entries.end()));
  return Status::Ok();
}

Status DeriveAzureAliases(std::string_view service_tags_json, const std::string& origin,
                          std::map<std::string, std::string>* aliases) {
  rapidjson::Document doc;
  Status s = ParseJson(service_tags_json, origin, &doc);
  if (!s.ok()) return s;
  return AzureAliases(doc, origin, aliases);
}

std::vector<FeedEntry> MergeFeedEntries(std::vector<FeedEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const FeedEntry& a, const FeedEntry& b) {
    return PrefixKey(a.prefix) < PrefixKey(b.prefix);
  });
  std::vector<FeedEntry> merged;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin + 1;
    while (end < entries.size() && PrefixKey(entries[end].prefix) == PrefixKey(entries[begin].prefix)) {
      ++end;
    }
    // The region comes from the first regional entry; global entries of the same provider
    // only contribute their service name.
    const FeedEntry* lead = &entries[begin];
    for (size_t i = begin; i < end; ++i) {
      if (entries[i].scope == FeedScope::kRegional) {
        lead = &entries[i];
        break;
      }
    }
    FeedEntry out = *lead;
    int best = -1;
    std::vector<std::string> services;
    for (size_t i = begin; i < end; ++i) {
      const FeedEntry& e = entries[i];
      if (e.provider != lead->provider) continue;
      int rank = ServiceRank(e.service);
      if (rank > best) {
        best = rank;
        services.clear();
      }
      if (rank == best) services.push_back(e.service);
    }
    std::sort(services.begin(), services.end());
    services.erase(std::unique(services.begin(), services.end()), services.end());
    out.service.clear();
    for (const std::string& service : services) {
      if (!out.service.empty()) out.service += ",";
      out.service += service;
    }
    merged.push_back(std::move(out));
    begin = end;
  }
  return merged;
}

Status BuildFeedIndex(const std::vector<FeedEntry>& entries, uint64_t build_epoch,
                      std::string* mmdb) {
  MmdbWriter writer("residency-feeds",
                    "Provider IP-range feeds (AWS, Google Cloud, Azure, Oracle, Cloudflare) "
                    "compiled by residency");
  for (const FeedEntry& e : entries) {
    writer.Insert(e.prefix, {{"provider", e.provider},
                             {"region", e.region},
                             {"service", e.service},
                             {"scope", std::string(FeedScopeName(e.scope))},
                             {"prefix", e.prefix.ToString()}});
  }
  return writer.Serialize(build_epoch, mmdb);
}

Status CompileFeeds(const std::string& geodb_dir, std::string* summary) {
  summary->clear();
  std::vector<FeedEntry> all;
  for (const FeedSpec& spec : FeedSpecs()) {
    std::string path = geodb_dir + "/feeds/" + std::string(spec.file);
    std::string text;
    Status s = ReadFile(path, &text);
    if (!s.ok()) return s.WithContext("feed " + std::string(spec.name));
    size_t before = all.size();
    s = ImportFeed(spec.format, text, path, &all);
    if (!s.ok()) return s.WithContext("feed " + std::string(spec.name));
    *summary += std::string(spec.name) + ": " + std::to_string(all.size() - before) +
                " prefixes from " + path + "\n";
  }
  std::vector<FeedEntry> merged = MergeFeedEntries(std::move(all));
  std::string bytes;
  Status s = BuildFeedIndex(merged, static_cast<uint64_t>(std::time(nullptr)), &bytes);
  if (!s.ok()) return s;
  std::string cache = geodb_dir + "/cache";
  if (::mkdir(cache.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(cache + ": " + std::strerror(errno));
  }
  std::string out = cache + "/feeds.mmdb";
  s = WriteFileAtomic(out, bytes);
  if (!s.ok()) return s;
  *summary += "compiled " + std::to_string(merged.size()) + " distinct prefixes into " + out +
              " (" + std::to_string(bytes.size()) + " bytes)\n";
  return Status::Ok();
}

}  // namespace residency
