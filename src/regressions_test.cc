// Every input that once crashed a fuzz target (tests/data/regressions/, see its README)
// goes through the same entry point again and must come back with an answer, never a
// crash or a sanitizer report. Bug-specific expectations follow.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "dns_message.h"
#include "feeds.h"
#include "json_source.h"
#include "jurisdiction.h"
#include "manifest.h"
#include "profile.h"
#include "resolve.h"
#include "status.h"
#include "verify.h"

namespace residency {
namespace {

const std::string kRegressions = std::string(RESIDENCY_SOURCE_DIR) + "/tests/data/regressions";

const Jurisdictions& TestJurisdictions() {
  static Jurisdictions j;
  static bool loaded = Jurisdictions::Load(std::string(RESIDENCY_SOURCE_DIR) + "/geodb", &j).ok();
  REQUIRE(loaded);
  return j;
}

// "001-json-zero-digits-exponent.manifest.json" -> "manifest".
std::string TargetOf(const std::filesystem::path& file) {
  std::string ext = file.stem().extension().string();
  return ext.empty() ? "" : ext.substr(1);
}

// Runs one input the way fuzz/TARGET_fuzz.cc does. False for an unknown target.
bool RunTarget(const std::string& target, const std::string& path, const std::string& bytes) {
  const Jurisdictions& j = TestJurisdictions();
  if (target == "manifest") {
    Manifest m;
    std::vector<Diagnostic> errors;
    if (!ParseManifest(path, bytes, j, &m, &errors)) CHECK(!errors.empty());
  } else if (target == "replay") {
    std::vector<Resolution> resolutions;
    std::vector<std::string> servers;
    Status s = ReadReplay(path, &resolutions, &servers);
    if (!s.ok()) CHECK(!s.message().empty());
  } else if (target == "feeds") {
    constexpr FeedFormat kFormats[] = {FeedFormat::kAws, FeedFormat::kGcp, FeedFormat::kAzure,
                                       FeedFormat::kOci, FeedFormat::kCloudflare};
    if (bytes.empty()) return true;
    size_t pick = static_cast<unsigned char>(bytes[0]) % 6;
    std::string_view text = std::string_view(bytes).substr(1);
    if (pick == 5) {
      std::map<std::string, std::string> aliases;
      (void)DeriveAzureAliases(text, path, &aliases);
    } else {
      std::vector<FeedEntry> entries;
      if (ImportFeed(kFormats[pick], text, path, &entries).ok()) (void)MergeFeedEntries(entries);
    }
  } else if (target == "hostname") {
    std::string a_label, error;
    if (!NormalizeHostName(bytes, &a_label, &error)) CHECK(!error.empty());
  } else if (target == "location") {
    std::string error;
    if (!j.ParseLocation(bytes, &error)) CHECK(!error.empty());
  } else if (target == "dns_message") {
    DnsMessage message;
    std::string error;
    if (!ParseDnsMessage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &message, &error)) {
      CHECK(!error.empty());
    }
  } else if (target == "profile") {
    Profile profile;
    Diagnostic error;
    (void)LoadProfile(path, j, &profile, &error);
  } else {
    return false;
  }
  return true;
}

TEST_CASE("Every fuzz regression input runs through its target without a crash") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kRegressions)) {
    if (entry.is_regular_file() && entry.path().extension() != ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  CHECK(!files.empty());
  for (const auto& file : files) {
    CAPTURE(file.filename().string());
    std::string bytes;
    REQUIRE(ReadFile(file.string(), &bytes).ok());
    CHECK_MESSAGE(RunTarget(TargetOf(file), file.string(), bytes), "unknown target in the file name");
  }
}

TEST_CASE("001: numbers whose digits are all zeros parse to zero, whatever the exponent") {
  struct Case {
    std::string text;
    bool ok;
    double want;
  };
  const Case cases[] = {
      {"[0e93]", true, 0.0},      {"[-0e299]", true, -0.0},  {"[0.000e300]", true, 0.0},
      {"[0e-400]", true, 0.0},    {"[0.0e-999]", true, 0.0}, {"[1e2]", true, 100.0},
      {"[0e400]", false, 0.0},  // RapidJSON: "number too big", a located error
      {"[00]", false, 0.0},     // not JSON: a leading zero
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    JsonSource src;
    Diagnostic error;
    bool ok = src.Parse("n.json", c.text, &error);
    REQUIRE(ok == c.ok);
    if (ok) CHECK(src.doc()[0].GetDouble() == c.want);
  }
}

}  // namespace
}  // namespace residency
