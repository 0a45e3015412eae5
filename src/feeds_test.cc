#include "feeds.h"

#include <doctest/doctest.h>
#include <maxminddb.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace residency {
namespace {

const std::string kGeodb = std::string(RESIDENCY_SOURCE_DIR) + "/geodb";

std::vector<FeedEntry> Import(FeedFormat format, const std::string& text, Status* status) {
  std::vector<FeedEntry> out;
  *status = ImportFeed(format, text, "feed.json", &out);
  return out;
}

std::string Describe(const FeedEntry& e) {
  return e.prefix.ToString() + " " + e.provider + " " + e.region + " " + e.service + " " +
         std::string(FeedScopeName(e.scope));
}

TEST_CASE("ImportFeed reads each provider's format") {
  struct Case {
    FeedFormat format;
    const char* text;
    std::vector<std::string> entries;
  };
  const Case cases[] = {
      {FeedFormat::kAws,
       R"({"prefixes":[{"ip_prefix":"3.120.0.0/14","region":"eu-central-1","service":"AMAZON"},
                       {"ip_prefix":"13.32.0.0/15","region":"GLOBAL","service":"CLOUDFRONT"}],
           "ipv6_prefixes":[{"ipv6_prefix":"2a05:d000::/25","region":"eusc-de-east-1","service":"EC2"}]})",
       {"3.120.0.0/14 aws eu-central-1 AMAZON regional", "13.32.0.0/15 aws  CLOUDFRONT global",
        "2a05:d000::/25 aws eusc-de-east-1 EC2 regional"}},
      {FeedFormat::kGcp,
       R"({"prefixes":[{"ipv4Prefix":"34.89.0.0/17","service":"Google Cloud","scope":"europe-west2"},
                       {"ipv6Prefix":"2600:1900::/35","service":"Google Cloud","scope":"global"}]})",
       {"34.89.0.0/17 gcp europe-west2 Google Cloud regional",
        "2600:1900::/35 gcp  Google Cloud global"}},
      {FeedFormat::kAzure,
       R"({"values":[
           {"name":"AzureCloud.germanywc","properties":{"region":"germanywc","addressPrefixes":["20.52.0.0/18"]}},
           {"name":"Storage.GermanyWestCentral","properties":{"region":"germanywc","addressPrefixes":["20.52.1.0/24"]}},
           {"name":"Sql.GermanyWestCentral","properties":{"region":"germanywc","addressPrefixes":[]}},
           {"name":"AzureFrontDoor.Frontend","properties":{"region":"","addressPrefixes":["13.107.246.0/24"]}},
           {"name":"AzureSiteRecovery","properties":{"region":"","addressPrefixes":["20.52.9.0/27"]}}]})",
       {"20.52.0.0/18 azure germanywestcentral AzureCloud regional",
        "20.52.1.0/24 azure germanywestcentral Storage regional",
        "13.107.246.0/24 azure  AzureFrontDoor.Frontend global",
        // A region-less tag's prefix inside AzureCloud.germanywc is in that region.
        "20.52.9.0/27 azure germanywestcentral AzureSiteRecovery regional"}},
      {FeedFormat::kOci,
       R"({"regions":[{"region":"eu-frankfurt-1","cidrs":[{"cidr":"130.61.0.0/16","tags":["OCI"]},
                                                          {"cidr":"138.1.0.0/20","tags":["OSN","OBJECT_STORAGE"]}]}]})",
       {"130.61.0.0/16 oci eu-frankfurt-1 OCI regional",
        "138.1.0.0/20 oci eu-frankfurt-1 OSN,OBJECT_STORAGE regional"}},
      {FeedFormat::kCloudflare, "173.245.48.0/20\n103.21.244.0/22",  // no trailing newline
       {"173.245.48.0/20 cloudflare  Cloudflare anycast",
        "103.21.244.0/22 cloudflare  Cloudflare anycast"}},
      {FeedFormat::kCloudflare, "2400:cb00::/32\r\n\n2606:4700::/32\n",
       {"2400:cb00::/32 cloudflare  Cloudflare anycast",
        "2606:4700::/32 cloudflare  Cloudflare anycast"}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.text));
    Status s;
    std::vector<FeedEntry> got = Import(c.format, c.text, &s);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::vector<std::string> described;
    for (const FeedEntry& e : got) described.push_back(Describe(e));
    CHECK(described == c.entries);
  }
}

TEST_CASE("ImportFeed names the file and the place of every error") {
  struct Case {
    FeedFormat format;
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {FeedFormat::kAws, "", "feed.json:1:1: invalid JSON: The document is empty."},
      {FeedFormat::kAws, "{\"prefixes\": [\n{\"ip_prefix\": \"3.0.0.0/8\",",
       "feed.json:2:27: invalid JSON: Missing a name for object member."},
      {FeedFormat::kAws, "[]", "feed.json: /: expected an object"},
      {FeedFormat::kAws, "{}", "feed.json: /: missing \"prefixes\""},
      {FeedFormat::kAws, R"({"prefixes":{}})", "feed.json: /prefixes: expected an array"},
      {FeedFormat::kAws, R"({"prefixes":[{"ip_prefix":"3.0.0.0/33","region":"x","service":"S3"}]})",
       "feed.json: /prefixes/0/ip_prefix: not an IP prefix: \"3.0.0.0/33\""},
      {FeedFormat::kAws, R"({"prefixes":[{"ip_prefix":"3.0.0.0/8","region":7,"service":"S3"}]})",
       "feed.json: /prefixes/0/region: expected a string"},
      {FeedFormat::kAws, R"({"prefixes":[{"ip_prefix":"3.0.0.0/8","region":"","service":"S3"}]})",
       "feed.json: /prefixes/0/region: empty region"},
      {FeedFormat::kAws, R"({"prefixes":[],"ipv6_prefixes":[]})", "feed.json: the feed lists no prefixes"},
      {FeedFormat::kAws, R"({"prefixes":[],"ipv6_prefixes":[1]})", "feed.json: /ipv6_prefixes/0: expected an object"},
      {FeedFormat::kGcp, R"({"prefixes":[{"ipv4Prefix":"1.2.3.0/24","service":"x"}]})",
       "feed.json: /prefixes/0: missing \"scope\""},
      {FeedFormat::kGcp, R"({"prefixes":[null]})", "feed.json: /prefixes/0: expected an object"},
      {FeedFormat::kAzure, R"({"values":[{"name":"A","properties":{"region":"x","addressPrefixes":["nope"]}}]})",
       "feed.json: /values/0/properties/addressPrefixes/0: not an IP prefix: \"nope\""},
      {FeedFormat::kAzure, R"({"values":[{"name":"A"}]})", "feed.json: /values/0: missing \"properties\""},
      {FeedFormat::kAzure, R"({"values":[{"name":"A","properties":{"region":"x"}}]})",
       "feed.json: /values/0/properties: missing \"addressPrefixes\""},
      {FeedFormat::kOci, R"({"regions":[{"region":"r","cidrs":[{"cidr":"1.2.3.0/24","tags":"OCI"}]}]})",
       "feed.json: /regions/0/cidrs/0/tags: expected an array"},
      {FeedFormat::kCloudflare, "173.245.48.0/20\n<html>", "feed.json:2: not an IP prefix: \"<html>\""},
      {FeedFormat::kCloudflare, "\n\n", "feed.json: no prefixes"},
      {FeedFormat::kCloudflare, "173.245.48", "feed.json:1: not an IP prefix: \"173.245.48\""},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.text));
    Status s;
    std::vector<FeedEntry> got = Import(c.format, c.text, &s);
    CHECK(!s.ok());
    CHECK(s.message() == c.message);
    CHECK(got.empty());
  }
}

TEST_CASE("Truncated copies of every shipped feed fail cleanly, never crash") {
  for (const FeedSpec& spec : FeedSpecs()) {
    std::string text;
    REQUIRE(ReadFile(kGeodb + "/feeds/" + std::string(spec.file), &text).ok());
    for (double fraction : {0.0, 0.1, 0.5, 0.999}) {
      CAPTURE(std::string(spec.name));
      CAPTURE(fraction);
      std::string cut = text.substr(0, static_cast<size_t>(static_cast<double>(text.size()) * fraction));
      std::vector<FeedEntry> got;
      Status s = ImportFeed(spec.format, cut, "cut", &got);
      // A cut text list is still a valid list (just shorter) unless a line was cut in half.
      if (spec.format != FeedFormat::kCloudflare) {
        CHECK(!s.ok());
        CHECK(got.empty());
      }
    }
  }
}

TEST_CASE("Randomly damaged feeds are rejected or imported, never a crash") {
  // Deterministic damage (a fixed linear congruential sequence): bytes overwritten with
  // JSON punctuation, so that the parser gets deep into broken structure.
  const char kJunk[] = "{}[]\",:0/\\ \n\x80";
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1103515245u + 12345u; };
  for (const char* name : {"gcp", "oci", "cloudflare-v4", "cloudflare-v6"}) {
    const FeedSpec* spec = FindFeedSpec(name);
    REQUIRE(spec != nullptr);
    std::string text;
    REQUIRE(ReadFile(kGeodb + "/feeds/" + std::string(spec->file), &text).ok());
    for (int round = 0; round < 200; ++round) {
      std::string damaged = text;
      for (int k = 0; k < 3; ++k) {
        damaged[next() % damaged.size()] = kJunk[next() % (sizeof kJunk - 1)];
      }
      CAPTURE(std::string(name));
      CAPTURE(round);
      std::vector<FeedEntry> got;
      Status s = ImportFeed(spec->format, damaged, "damaged", &got);
      CHECK((s.ok() ? !got.empty() : got.empty()));
    }
  }
}

TEST_CASE("MergeFeedEntries keeps the region and the most specific service") {
  auto E = [](const char* prefix, const char* provider, const char* region, const char* service,
              FeedScope scope) {
    return FeedEntry{*ParsePrefix(prefix), provider, region, service, scope};
  };
  std::vector<FeedEntry> merged = MergeFeedEntries({
      E("3.5.0.0/16", "aws", "eu-central-1", "AMAZON", FeedScope::kRegional),
      E("3.5.0.0/16", "aws", "eu-central-1", "S3", FeedScope::kRegional),
      E("3.5.0.0/16", "aws", "eu-central-1", "EC2", FeedScope::kRegional),
      E("3.6.0.0/16", "aws", "eu-central-1", "EC2", FeedScope::kRegional),
      E("3.6.0.0/16", "aws", "eu-central-1", "AMAZON", FeedScope::kRegional),
      E("20.52.0.0/24", "azure", "", "Storage", FeedScope::kGlobal),
      E("20.52.0.0/24", "azure", "germanywestcentral", "AzureCloud", FeedScope::kRegional),
      E("20.52.0.0/24", "azure", "germanywestcentral", "Sql", FeedScope::kRegional),
      E("13.32.0.0/15", "aws", "", "CLOUDFRONT_ORIGIN_FACING", FeedScope::kGlobal),
      E("13.32.0.0/15", "aws", "", "CLOUDFRONT", FeedScope::kGlobal),
      E("13.32.0.0/15", "aws", "", "AMAZON", FeedScope::kGlobal),
  });
  std::vector<std::string> described;
  for (const FeedEntry& e : merged) described.push_back(Describe(e));
  CHECK(described == std::vector<std::string>{
                         "3.5.0.0/16 aws eu-central-1 S3 regional",
                         "3.6.0.0/16 aws eu-central-1 EC2 regional",
                         "13.32.0.0/15 aws  CLOUDFRONT,CLOUDFRONT_ORIGIN_FACING global",
                         "20.52.0.0/24 azure germanywestcentral Sql,Storage regional",
                     });
}

TEST_CASE("DeriveAzureAliases maps the short codes of the shipped Service Tags") {
  std::string text;
  REQUIRE(ReadFile(kGeodb + "/feeds/azure-servicetags.json", &text).ok());
  std::map<std::string, std::string> aliases;
  REQUIRE(DeriveAzureAliases(text, "azure", &aliases).ok());
  struct Case { const char* code; const char* api; };
  const Case cases[] = {
      {"germanywc", "germanywestcentral"}, {"germanyn", "germanynorth"},
      {"centralfrance", "francecentral"},  {"southfrance", "francesouth"},
      {"switzerlandn", "switzerlandnorth"}, {"switzerlandw", "switzerlandwest"},
      {"norwaye", "norwayeast"},           {"westeurope", "westeurope"},
      {"northeurope", "northeurope"},      {"brazilse", "brazilsoutheast"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.code));
    CHECK(aliases[c.code] == c.api);
  }
}

// The rows of a geodb CSV file as "provider:region" (its first two columns).
std::set<std::string> CatalogIds(const std::string& file) {
  std::ifstream in(kGeodb + "/" + file);
  REQUIRE(in.good());
  std::set<std::string> ids;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::stringstream fields(line);
    std::string provider, region;
    std::getline(fields, provider, ',');
    std::getline(fields, region, ',');
    ids.insert(provider + ":" + region);
  }
  return ids;
}

TEST_CASE("Every region in every shipped feed has a row in geodb/regions.csv") {
  std::set<std::string> catalog = CatalogIds("regions.csv");
  std::set<std::string> unplaced = CatalogIds("regions-unplaced.csv");
  for (const FeedSpec& spec : FeedSpecs()) {
    std::string text;
    REQUIRE(ReadFile(kGeodb + "/feeds/" + std::string(spec.file), &text).ok());
    std::vector<FeedEntry> entries;
    REQUIRE(ImportFeed(spec.format, text, std::string(spec.file), &entries).ok());
    std::set<std::string> regions;
    for (const FeedEntry& e : entries) {
      if (e.scope == FeedScope::kRegional) regions.insert(e.provider + ":" + e.region);
    }
    for (const std::string& id : regions) {
      CAPTURE(id);
      CHECK(catalog.count(id) + unplaced.count(id) == 1);
    }
  }
}

// Copies the shipped feeds to a temporary geodb, compiles them, and looks addresses up in
// the result with libmaxminddb.
TEST_CASE("CompileFeeds builds an index libmaxminddb answers from") {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/residency-feeds-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  fs::path dir = tmpl;
  fs::copy(kGeodb + "/feeds", dir / "feeds");
  std::string summary;
  Status s = CompileFeeds(dir.string(), &summary);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(summary.find("aws: ") != std::string::npos);

  MMDB_s db;
  REQUIRE(MMDB_open((dir / "cache/feeds.mmdb").c_str(), MMDB_MODE_MMAP, &db) == MMDB_SUCCESS);
  CHECK(std::string(db.metadata.database_type) == "residency-feeds");
  auto get = [&db](const std::string& ip, const char* key) -> std::string {
    int gai = 0, err = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(&db, ip.c_str(), &gai, &err);
    if (gai != 0 || err != MMDB_SUCCESS || !r.found_entry) return "(none)";
    MMDB_entry_data_s d;
    if (MMDB_get_value(&r.entry, &d, key, nullptr) != MMDB_SUCCESS || !d.has_data) return "(no key)";
    return std::string(d.utf8_string, d.data_size);
  };
  struct Case { const char* ip; const char* provider; const char* region; const char* scope; };
  const Case cases[] = {
      {"3.120.0.1", "aws", "eu-central-1", "regional"},
      {"::ffff:3.120.0.1", "aws", "eu-central-1", "regional"},
      {"34.89.0.1", "gcp", "europe-west2", "regional"},
      {"20.52.0.1", "azure", "germanywestcentral", "regional"},
      {"130.61.8.1", "oci", "eu-frankfurt-1", "regional"},
      {"104.16.0.1", "cloudflare", "", "anycast"},
      {"2606:4700::1", "cloudflare", "", "anycast"},
      {"192.0.2.1", "(none)", "(none)", "(none)"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.ip));
    CHECK(get(c.ip, "provider") == c.provider);
    CHECK(get(c.ip, "region") == c.region);
    CHECK(get(c.ip, "scope") == c.scope);
  }
  MMDB_close(&db);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace residency
