// Provider IP-range feeds: importers for the files the providers publish, and the compiled
// index that lookups map at start.
//
// Importers turn one feed file (held by the caller as a string) into FeedEntry values; they
// never crash on bad input: every malformed file is a Status naming the file ("origin") and
// the JSON pointer or line of the problem. A feed says which provider announces a prefix,
// for which region and service, and how far that says anything about location:
//   kRegional  the prefix is used in one region (catalog id: geodb/regions.csv)
//   kGlobal    AWS "GLOBAL", Google "global", Azure tags without a region whose prefix lies
//              outside every regional Azure prefix: may reach any region, never a location
//              (a region-less Azure tag's prefix inside AzureCloud.REGION gets that region)
//   kAnycast   Cloudflare: announced from everywhere, the IP says nothing of a place
//
// CompileFeeds reads GEODB/feeds/ (the files of FeedSpecs()) and writes
// GEODB/cache/feeds.mmdb, a MaxMind DB whose records are maps of strings:
//   {"provider": "aws", "region": "eu-central-1" | "", "service": "EC2",
//    "scope": "regional" | "global" | "anycast", "prefix": "3.120.0.0/14"}
// "prefix" is the feed's own prefix (the netmask libmaxminddb returns can be longer, where a
// more specific prefix was cut out of it). database_type is "residency-feeds".
#ifndef RESIDENCY_FEEDS_H_
#define RESIDENCY_FEEDS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ip.h"
#include "status.h"

namespace residency {

enum class FeedScope { kRegional, kGlobal, kAnycast };
std::string_view FeedScopeName(FeedScope scope);  // "regional", "global", "anycast"

struct FeedEntry {
  IpPrefix prefix;
  std::string provider;  // catalog provider id: aws, gcp, azure, oci, cloudflare
  std::string region;    // catalog region id; "" unless scope is kRegional
  std::string service;   // the feed's own name: "EC2", "Storage", "Google Cloud", "OCI"
  FeedScope scope = FeedScope::kRegional;
};

enum class FeedFormat { kAws, kGcp, kAzure, kOci, kCloudflare };

// A feed the project knows: its name (for --feed and NAME=URL), its file in GEODB/feeds/,
// the URL it is published at, and its format.
struct FeedSpec {
  std::string_view name;
  std::string_view file;
  std::string_view default_url;
  FeedFormat format;
};
// aws, gcp, azure, oci, cloudflare-v4, cloudflare-v6. Azure's file name changes weekly:
// its default URL is a dated snapshot and should be overridden with azure=URL.
const std::vector<FeedSpec>& FeedSpecs();
const FeedSpec* FindFeedSpec(std::string_view name);  // nullptr when unknown

// Parses one feed and appends its entries to *out (nothing is appended on failure).
// `origin` names the file or URL in error messages.
Status ImportFeed(FeedFormat format, std::string_view text, const std::string& origin,
                  std::vector<FeedEntry>* out);

// Azure's short region codes ("germanywc") -> API names ("germanywestcentral"), derived from
// the Service Tags file: a regional tag such as Storage.GermanyWestCentral carries both.
// Codes that no tag spells differently map to themselves.
Status DeriveAzureAliases(std::string_view service_tags_json, const std::string& origin,
                          std::map<std::string, std::string>* aliases);

// One entry per prefix. Where several entries share a prefix: a regional entry beats a
// global one (the region is never lost); among the rest the most specific service wins
// (AMAZON and AzureCloud are the least specific, then EC2); services that tie are joined
// with "," in sorted order.
std::vector<FeedEntry> MergeFeedEntries(std::vector<FeedEntry> entries);

// The compiled index as bytes (MaxMind DB, records as described above).
Status BuildFeedIndex(const std::vector<FeedEntry>& entries, uint64_t build_epoch,
                      std::string* mmdb);

// Imports every feed file under GEODB_DIR/feeds/ and writes GEODB_DIR/cache/feeds.mmdb
// atomically (the cache directory is created). *summary gets one line per feed with its
// prefix count and a total. A missing or malformed feed fails the whole compile and leaves
// the old index in place.
Status CompileFeeds(const std::string& geodb_dir, std::string* summary);

}  // namespace residency

#endif  // RESIDENCY_FEEDS_H_
