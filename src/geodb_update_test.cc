#include "geodb_update.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <sstream>

namespace residency {
namespace {

namespace fs = std::filesystem;

const std::string kFeeds = std::string(RESIDENCY_SOURCE_DIR) + "/geodb/feeds";

// Answers from a table by URL; records the requests it saw.
class FakeHttp : public HttpClient {
 public:
  struct Answer {
    Status status;
    HttpResponse response;
  };
  std::map<std::string, Answer> answers;
  std::vector<HttpRequest> seen;

  Status Get(const HttpRequest& request, HttpResponse* response) override {
    seen.push_back(request);
    auto it = answers.find(request.url);
    if (it == answers.end()) return Status::Network(request.url + ": Connection refused");
    *response = it->second.response;
    return it->second.status;
  }
};

// A temporary geodb holding a copy of the shipped feeds; removed at the end of the test.
struct TempGeodb {
  fs::path dir;
  TempGeodb() {
    char tmpl[] = "/tmp/residency-update-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    fs::copy(kFeeds, dir / "feeds");
  }
  ~TempGeodb() { fs::remove_all(dir); }
  std::string Read(const std::string& rel) const {
    std::string text;
    ReadFile((dir / rel).string(), &text);
    return text;
  }
};

HttpResponse Ok(std::string body, std::string etag = "") {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  r.etag = std::move(etag);
  return r;
}

TEST_CASE("geodb update replaces nothing when any feed fails") {
  std::string gcp = TempGeodb().Read("feeds/gcp-cloud.json");
  REQUIRE(!gcp.empty());
  HttpResponse status500;
  status500.status = 500;
  status500.body = "oops";
  struct Case {
    const char* name;
    Status status;
    HttpResponse response;
    const char* message;
  };
  const Case cases[] = {
      {"HTTP 500", Status::Ok(), status500, "feed oci (http://fake/oci): HTTP 500"},
      {"invalid JSON", Status::Ok(), Ok("{\"regions\": [}"),
       "feed oci (http://fake/oci): not a valid feed: http://fake/oci:1:14: invalid JSON"},
      {"truncated", Status::Ok(), Ok(gcp.substr(0, gcp.size() / 2)),
       "feed oci (http://fake/oci): not a valid feed: http://fake/oci:"},
      {"transport", Status::Network("http://fake/oci: the body ended early (truncated)"),
       HttpResponse(), "feed oci (http://fake/oci): http://fake/oci: the body ended early"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    TempGeodb geodb;
    std::string before_gcp = geodb.Read("feeds/gcp-cloud.json");
    std::string before_oci = geodb.Read("feeds/oci-public_ip_ranges.json");
    FakeHttp http;
    http.answers["http://fake/gcp"] = {Status::Ok(), Ok("{\"prefixes\":[{\"ipv4Prefix\":\"34.0.0.0/15\","
                                                        "\"service\":\"Google Cloud\",\"scope\":\"us-east1\"}]}")};
    http.answers["http://fake/oci"] = {c.status, c.response};
    GeodbUpdateOptions options;
    options.geodb_dir = geodb.dir.string();
    options.feeds = {"gcp", "oci"};
    options.urls = {"gcp=http://fake/gcp", "oci=http://fake/oci"};
    std::ostringstream out, err;
    CHECK(UpdateGeodbFeeds(options, http, out, err) == kExitError);
    CHECK(err.str().find(c.message) != std::string::npos);
    CHECK(err.str().find("nothing replaced") != std::string::npos);
    CHECK(geodb.Read("feeds/gcp-cloud.json") == before_gcp);  // the good one is not replaced either
    CHECK(geodb.Read("feeds/oci-public_ip_ranges.json") == before_oci);
    CHECK(!fs::exists(geodb.dir / "feeds/gcp-cloud.json.http"));
    CHECK(!fs::exists(geodb.dir / "cache/feeds.mmdb"));
  }
}

TEST_CASE("geodb update replaces, remembers the ETag and sends it back") {
  TempGeodb geodb;
  std::string fresh =
      "{\"prefixes\":[{\"ipv4Prefix\":\"34.0.0.0/15\",\"service\":\"Google Cloud\",\"scope\":\"us-east1\"}]}";
  FakeHttp http;
  http.answers["http://fake/gcp"] = {Status::Ok(), Ok(fresh, "\"v1\"")};
  GeodbUpdateOptions options;
  options.geodb_dir = geodb.dir.string();
  options.feeds = {"gcp"};
  options.urls = {"gcp=http://fake/gcp"};
  std::ostringstream out, err;
  REQUIRE(UpdateGeodbFeeds(options, http, out, err) == kExitPass);
  CHECK(err.str().empty());
  CHECK(geodb.Read("feeds/gcp-cloud.json") == fresh);
  CHECK(geodb.Read("feeds/gcp-cloud.json.http").find("etag: \"v1\"") != std::string::npos);
  CHECK(fs::exists(geodb.dir / "cache/feeds.mmdb"));
  REQUIRE(http.seen.size() == 1);
  CHECK(http.seen[0].if_none_match.empty());

  HttpResponse not_modified;
  not_modified.status = 304;
  http.answers["http://fake/gcp"] = {Status::Ok(), not_modified};
  std::ostringstream out2, err2;
  CHECK(UpdateGeodbFeeds(options, http, out2, err2) == kExitPass);
  REQUIRE(http.seen.size() == 2);
  CHECK(http.seen[1].if_none_match == "\"v1\"");
  CHECK(out2.str().find("gcp: not modified") != std::string::npos);
  CHECK(geodb.Read("feeds/gcp-cloud.json") == fresh);
}

TEST_CASE("geodb update rejects unknown feeds and malformed --url") {
  struct Case { std::vector<std::string> feeds, urls; const char* message; };
  const Case cases[] = {
      {{"amazon"}, {}, "unknown feed \"amazon\" (known: aws, gcp, azure, oci, cloudflare-v4, cloudflare-v6)"},
      {{}, {"aws"}, "--url \"aws\": expected NAME=URL"},
      {{}, {"aws="}, "--url \"aws=\": expected NAME=URL"},
      {{}, {"amazon=http://x"}, "--url \"amazon=http://x\": expected NAME=URL"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.message));
    TempGeodb geodb;
    FakeHttp http;
    GeodbUpdateOptions options;
    options.geodb_dir = geodb.dir.string();
    options.feeds = c.feeds;
    options.urls = c.urls;
    std::ostringstream out, err;
    CHECK(UpdateGeodbFeeds(options, http, out, err) == kExitError);
    CHECK(err.str().find(c.message) != std::string::npos);
    CHECK(http.seen.empty());
  }
}

TEST_CASE("geodb update --offline compiles the shipped feeds without the network") {
  TempGeodb geodb;
  FakeHttp http;
  GeodbUpdateOptions options;
  options.geodb_dir = geodb.dir.string();
  options.offline = true;
  std::ostringstream out, err;
  CHECK(UpdateGeodbFeeds(options, http, out, err) == kExitPass);
  CHECK(http.seen.empty());
  CHECK(fs::exists(geodb.dir / "cache/feeds.mmdb"));
  CHECK(out.str().find("azure: ") != std::string::npos);
}

}  // namespace
}  // namespace residency
