// Fuzz target: the provider feed importers. The first byte picks the format (AWS, Google
// Cloud, Azure, OCI, Cloudflare; Azure also through DeriveAzureAliases), the rest is the
// feed. An import must fail with a message or yield entries that merge and compile into
// an index.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "feeds.h"

namespace {

constexpr residency::FeedFormat kFormats[] = {
    residency::FeedFormat::kAws, residency::FeedFormat::kGcp, residency::FeedFormat::kAzure,
    residency::FeedFormat::kOci, residency::FeedFormat::kCloudflare};
constexpr size_t kFormatCount = sizeof(kFormats) / sizeof(kFormats[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t pick = data[0] % (kFormatCount + 1);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (pick == kFormatCount) {
    std::map<std::string, std::string> aliases;
    residency::Status s = residency::DeriveAzureAliases(text, "fuzz-azure.json", &aliases);
    if (!s.ok() && s.message().empty()) std::abort();
    return 0;
  }
  std::vector<residency::FeedEntry> entries;
  residency::Status s = residency::ImportFeed(kFormats[pick], text, "fuzz-feed", &entries);
  if (!s.ok()) {
    if (s.message().empty() || !entries.empty()) std::abort();  // nothing appended on failure
    return 0;
  }
  for (const residency::FeedEntry& e : entries) {
    // Only a regional entry names a region.
    if (e.scope != residency::FeedScope::kRegional && !e.region.empty()) std::abort();
  }
  std::vector<residency::FeedEntry> merged = residency::MergeFeedEntries(std::move(entries));
  if (merged.size() <= 64) {  // keep each run fast; the writer has its own tests
    std::string mmdb;
    residency::Status b = residency::BuildFeedIndex(merged, 0, &mmdb);
    if (!b.ok() && b.message().empty()) std::abort();
  }
  return 0;
}
