#include "probe.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "cli.h"
#include "commands.h"
#include "output.h"
#include "probe_report.h"
#include "text_util.h"

namespace residency {
namespace {

TEST_CASE("ProbeStatusName and ParseProbeStatus round-trip") {
  for (ProbeStatus s : {ProbeStatus::kOk, ProbeStatus::kTimeout, ProbeStatus::kRefused, ProbeStatus::kResolveError,
                        ProbeStatus::kTlsError, ProbeStatus::kTooManyRedirects, ProbeStatus::kError}) {
    ProbeStatus back = ProbeStatus::kOk;
    INFO(ProbeStatusName(s));
    CHECK(ParseProbeStatus(ProbeStatusName(s), &back));
    CHECK(back == s);
  }
  ProbeStatus unused;
  CHECK_FALSE(ParseProbeStatus("nxdomain", &unused));
}

TEST_CASE("ClassifyCurlError: each libcurl failure to its status") {
  struct Case {
    CURLcode code;
    long os_errno;
    ProbeStatus want;
  };
  const Case cases[] = {
      {CURLE_OPERATION_TIMEDOUT, 0, ProbeStatus::kTimeout},
      {CURLE_COULDNT_RESOLVE_HOST, 0, ProbeStatus::kResolveError},
      {CURLE_COULDNT_CONNECT, ECONNREFUSED, ProbeStatus::kRefused},
      {CURLE_COULDNT_CONNECT, ETIMEDOUT, ProbeStatus::kTimeout},
      {CURLE_COULDNT_CONNECT, ENETUNREACH, ProbeStatus::kError},
      {CURLE_PEER_FAILED_VERIFICATION, 0, ProbeStatus::kTlsError},
      {CURLE_SSL_CONNECT_ERROR, 0, ProbeStatus::kTlsError},
      {CURLE_SSL_CACERT_BADFILE, 0, ProbeStatus::kTlsError},
      {CURLE_TOO_MANY_REDIRECTS, 0, ProbeStatus::kTooManyRedirects},
      {CURLE_GOT_NOTHING, 0, ProbeStatus::kError},
      {CURLE_RECV_ERROR, ECONNRESET, ProbeStatus::kError},
      {CURLE_WEIRD_SERVER_REPLY, 0, ProbeStatus::kError},
  };
  for (const Case& c : cases) {
    INFO(curl_easy_strerror(c.code), " errno ", c.os_errno);
    CHECK(probe_internal::ClassifyCurlError(static_cast<int>(c.code), c.os_errno) == c.want);
  }
}

TEST_CASE("CertDateToIso: OpenSSL's dates to ISO 8601, anything else unchanged") {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {"Jan  2 03:04:05 2026 GMT", "2026-01-02T03:04:05Z"},
      {"Dec 31 23:59:59 2049 GMT", "2049-12-31T23:59:59Z"},
      {" Feb 29 00:00:00 2028 GMT ", "2028-02-29T00:00:00Z"},
      {"Foo  2 03:04:05 2026 GMT", "Foo  2 03:04:05 2026 GMT"},
      {"Jan  2 03:04:05 2026 UTC", "Jan  2 03:04:05 2026 UTC"},
      {"Jan 32 03:04:05 2026 GMT", "Jan 32 03:04:05 2026 GMT"},
      {"Jan  2 03:04:05 2026 GMT trailing", "Jan  2 03:04:05 2026 GMT trailing"},
      {"20260102030405Z", "20260102030405Z"},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO("input: \"", c.in, "\"");
    CHECK(probe_internal::CertDateToIso(c.in) == c.want);
  }
}

TEST_CASE("CertificateFromCertInfo: subject, issuer, SANs and dates from libcurl's lines") {
  TlsCertificate cert = probe_internal::CertificateFromCertInfo({
      "Subject:CN = probe.test",
      "Issuer:CN = residency test CA",
      "Version:2",
      "X509v3 Subject Alternative Name:DNS:probe.test, IP Address:127.0.0.1, DNS:*.probe.test",
      "Start date:Jan  1 00:00:00 2026 GMT",
      "Expire date:Jan  1 00:00:00 2027 GMT",
      "Signature Algorithm:sha256WithRSAEncryption",
      "no colon here",
  });
  CHECK(cert.subject == "CN = probe.test");
  CHECK(cert.issuer == "CN = residency test CA");
  CHECK(cert.sans == std::vector<std::string>{"DNS:probe.test", "IP:127.0.0.1", "DNS:*.probe.test"});
  CHECK(cert.not_before == "2026-01-01T00:00:00Z");
  CHECK(cert.not_after == "2027-01-01T00:00:00Z");
  CHECK(probe_internal::CertificateFromCertInfo({}).sans.empty());
}

TEST_CASE("ValidateProbeUrl: http and https with a host, nothing else") {
  struct Case {
    const char* url;
    const char* error;  // "" when valid; else a part of the message
  };
  const Case cases[] = {
      {"http://example.com/", ""},
      {"https://probe.test:8443/path?q=1", ""},
      {"HTTPS://EXAMPLE.COM", ""},
      {"http://127.0.0.1:1/", ""},
      {"http://[::1]:8080/", ""},
      {"", "empty URL"},
      {"ftp://example.com/", "unsupported scheme \"ftp\" (http or https only)"},
      {"file:///etc/passwd", "unsupported scheme \"file\""},
      {"gopher://example.com/", "unsupported scheme \"gopher\""},
      {"example.com", "not a URL"},
      {"http://", "not a URL"},
      {"https://user:secret@example.com/", "carries credentials"},
      {"https://user@example.com/", "carries credentials"},
      {"http://exa mple.com/", "not a URL"},
  };
  for (const Case& c : cases) {
    INFO("url: \"", c.url, "\"");
    Status s = ValidateProbeUrl(c.url);
    if (*c.error == '\0') {
      CHECK_MESSAGE(s.ok(), s.message());
    } else {
      CHECK_FALSE(s.ok());
      CHECK(s.kind() == Status::Kind::kInvalidInput);
      CHECK_MESSAGE(s.message().find(c.error) != std::string::npos, s.message());
    }
  }
}

TEST_CASE("ValidateResolveEntry: HOST:PORT:ADDRESS") {
  struct Case {
    const char* entry;
    const char* error;
  };
  const Case cases[] = {
      {"probe.test:8443:127.0.0.1", ""},
      {"probe.test:443:[::1]", ""},
      {"probe.test:443:::1", ""},
      {"probe.test:8443", "no address"},
      {"probe.test", "no host"},
      {":443:127.0.0.1", "no host"},
      {"probe.test:0:127.0.0.1", "port \"0\""},
      {"probe.test:65536:127.0.0.1", "port \"65536\""},
      {"probe.test:https:127.0.0.1", "port \"https\""},
      {"probe.test:443:localhost", "\"localhost\" is not an IP address"},
      {"probe.test:443:", "\"\" is not an IP address"},
  };
  for (const Case& c : cases) {
    INFO("entry: \"", c.entry, "\"");
    Status s = ValidateResolveEntry(c.entry);
    if (*c.error == '\0') {
      CHECK_MESSAGE(s.ok(), s.message());
    } else {
      CHECK_FALSE(s.ok());
      CHECK_MESSAGE(s.message().find(c.error) != std::string::npos, s.message());
      CHECK_MESSAGE(s.message().find("expected HOST:PORT:ADDRESS") != std::string::npos, s.message());
    }
  }
  Status status;
  ProberOptions options;
  options.resolve = {"bad"};
  CHECK(NewCurlProber(options, &status) == nullptr);
  CHECK(status.message().find("resolve: \"bad\"") == 0);
}

TEST_CASE("CannedProber: by url and address, the target's id, no canned result an error") {
  ProbeResult canned;
  canned.url = "https://a.example/";
  canned.address = ParseIp("192.0.2.1");
  canned.status = ProbeStatus::kOk;
  canned.http_status = 200;
  std::unique_ptr<Prober> prober = NewCannedProber({canned});
  std::vector<ProbeResult> out;
  REQUIRE(prober
              ->ProbeAll({{"node/a", "https://a.example/", ParseIp("192.0.2.1")},
                          {"node/b", "https://a.example/", ParseIp("192.0.2.2")}},
                         &out)
              .ok());
  REQUIRE(out.size() == 2);
  CHECK(out[0].id == "node/a");
  CHECK(out[0].answered());
  CHECK(out[0].http_status == 200);
  CHECK(out[1].id == "node/b");
  CHECK(out[1].status == ProbeStatus::kError);
  CHECK(out[1].message == "no canned result");
}

// A loopback port with a socket bound but not listening: a connection is refused at once.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~ClosedPort() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_CASE("CurlProber: refused and invalid targets end with their status, in order, on loopback only") {
  ClosedPort closed;
  REQUIRE(closed.port() > 0);
  std::string refused_url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  std::string pinned_url = "http://probe.test:" + std::to_string(closed.port()) + "/";
  ProberOptions options;
  options.timeout_ms = 5000;
  options.concurrency = 2;  // fewer than targets: the queue is drained
  Status status;
  std::unique_ptr<Prober> prober = NewCurlProber(options, &status);
  REQUIRE(prober);
  std::vector<ProbeResult> out;
  REQUIRE(prober
              ->ProbeAll({{"a", refused_url, std::nullopt},
                          {"b", "ftp://127.0.0.1/", std::nullopt},
                          {"c", pinned_url, ParseIp("127.0.0.1")},
                          {"d", refused_url, std::nullopt}},
                         &out)
              .ok());
  REQUIRE(out.size() == 4);
  CHECK(out[0].id == "a");
  CHECK(out[0].status == ProbeStatus::kRefused);
  CHECK_FALSE(out[0].message.empty());
  CHECK(out[0].http_status == 0);
  CHECK(out[0].hops.size() == 1);
  CHECK(out[0].timings.total < 5000);
  CHECK(out[1].status == ProbeStatus::kError);
  CHECK(out[1].message.find("unsupported scheme") != std::string::npos);
  CHECK(out[1].hops.empty());
  // The pinned address is used for probe.test: no DNS, refused by the closed port.
  CHECK(out[2].status == ProbeStatus::kRefused);
  CHECK(out[2].address == ParseIp("127.0.0.1"));
  CHECK(out[3].id == "d");
  CHECK(out[3].status == ProbeStatus::kRefused);

  std::vector<ProbeResult> none;
  REQUIRE(prober->ProbeAll({}, &none).ok());
  CHECK(none.empty());
}

ProbeResult SampleResult() {
  ProbeResult r;
  r.id = "objstore/bucket";
  r.url = "https://probe.test:8443/region";
  r.address = ParseIp("127.0.0.1");
  r.status = ProbeStatus::kOk;
  r.notes = {"HEAD answered 405: retried with GET"};
  r.http_status = 200;
  r.http_version = "1.1";
  r.effective_url = r.url;
  r.hops = {{"HEAD", r.url, 405}, {"GET", r.url, 200}};
  r.primary_ip = "127.0.0.1";
  r.primary_port = 8443;
  r.tls = TlsCertificate{"CN = probe.test", "CN = residency test CA", {"DNS:probe.test", "IP:127.0.0.1"},
                         "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"};
  r.timings.dns = 0.0123456;
  r.timings.connect = 0.1;
  r.timings.first_byte = 2.5;
  r.timings.total = 3.0004;
  r.headers = {{"Server", "nginx"}, {"x-amz-bucket-region", "eu-central-1"}, {"x-amz-cf-pop", "FRA56-P5"}};
  r.location = ParseLocationHeaders(r.headers);
  return r;
}

TEST_CASE("WriteProbeJson: every field, embeddable in an open writer") {
  std::ostringstream out;
  {
    JsonOut os(out);
    rapidjson::PrettyWriter<JsonOut> w(os);
    w.StartObject();
    w.Key("probe");
    WriteProbeJson(w, SampleResult());
    w.Key("after");
    w.Bool(true);
    w.EndObject();
  }
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  INFO(out.str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["after"].GetBool());
  const rapidjson::Value& p = doc["probe"];
  CHECK(std::string(p["id"].GetString()) == "objstore/bucket");
  CHECK(std::string(p["address"].GetString()) == "127.0.0.1");
  CHECK(std::string(p["status"].GetString()) == "ok");
  CHECK(p["http_status"].GetInt() == 200);
  CHECK(p["hops"].Size() == 2);
  CHECK(std::string(p["hops"][0]["method"].GetString()) == "HEAD");
  CHECK(p["hops"][0]["http_status"].GetInt() == 405);
  CHECK(p["primary_port"].GetInt() == 8443);
  CHECK(std::string(p["tls"]["sans"][1].GetString()) == "IP:127.0.0.1");
  CHECK(p["timings_ms"]["dns"].GetDouble() == doctest::Approx(0.012));
  CHECK(p["timings_ms"]["tls"].IsNull());
  CHECK(p["timings_ms"]["total"].GetDouble() == doctest::Approx(3.0));
  CHECK(p["headers"].Size() == 3);
  CHECK(std::string(p["headers"][0]["name"].GetString()) == "Server");
  REQUIRE(p["location"].Size() == 2);
  CHECK(std::string(p["location"][0]["kind"].GetString()) == "storage");
  CHECK(std::string(p["location"][0]["region"].GetString()) == "eu-central-1");
  CHECK(p["location"][0]["iata"].IsNull());
  CHECK(std::string(p["location"][1]["kind"].GetString()) == "processing");
  CHECK(std::string(p["location"][1]["iata"].GetString()) == "FRA");

  // A result with nothing: nulls, never a missing key.
  std::ostringstream empty;
  RenderProbeJson({ProbeResult()}, empty);
  rapidjson::Document e;
  e.Parse(empty.str().c_str());
  REQUIRE_FALSE(e.HasParseError());
  const rapidjson::Value& r = e["results"][0];
  CHECK(std::string(r["status"].GetString()) == "error");
  for (const char* key : {"address", "http_status", "http_version", "primary_ip", "primary_port", "tls"}) {
    INFO(key);
    CHECK(r[key].IsNull());
  }
}

TEST_CASE("RenderProbeText: status, address, TLS, timings and location evidence") {
  std::ostringstream out;
  RenderProbeText({SampleResult()}, out);
  const std::string text = out.str();
  INFO(text);
  for (const char* want : {"https://probe.test:8443/region (objstore/bucket) via 127.0.0.1\n",
                           "  status      ok: HTTP 200 (HTTP/1.1, GET)\n",
                           "  note        HEAD answered 405: retried with GET\n",
                           "  address     127.0.0.1:8443\n",
                           "  tls subject CN = probe.test\n",
                           "  tls names   DNS:probe.test, IP:127.0.0.1\n",
                           "  tls valid   2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z\n",
                           "  timings     dns 0.01 ms, connect 0.10 ms, first byte 2.50 ms, total 3.00 ms\n",
                           "  location    x-amz-bucket-region: eu-central-1 (storage evidence, aws region eu-central-1)\n",
                           "  location    x-amz-cf-pop: FRA56-P5 (processing evidence, aws PoP FRA)\n"}) {
    CHECK_MESSAGE(text.find(want) != std::string::npos, want);
  }
}

TEST_CASE("residency probe: bad arguments are exit code 2 naming the argument, before any request") {
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* err;  // a part of stderr
  };
  const Case cases[] = {
      {{"probe", "--help"}, kExitPass, ""},
      {{"probe"}, kExitError, "URL is required"},
      {{"probe", "http://127.0.0.1:1/", "gopher://x/"}, kExitError,
       "residency: probe: URL 2 \"gopher://x/\": unsupported scheme \"gopher\" (http or https only)\n"},
      {{"probe", "https://u:p@example.com/"}, kExitError, "URL 1 \"https://u:p@example.com/\": carries credentials"},
      {{"probe", "http://x/", "--resolve", "x:80"}, kExitError, "residency: probe: --resolve \"x:80\": no address"},
      {{"probe", "http://x/", "--address", "x"}, kExitError, "residency: probe: --address \"x\": not an IP address"},
      {{"probe", "http://x/", "--cacert", "/nonexistent/ca.pem"}, kExitError,
       "residency: probe: --cacert /nonexistent/ca.pem: "},
      {{"probe", "http://x/", "--cacert", "CMakeLists.txt"}, kExitError, "no PEM certificate"},
      {{"probe", "http://x/", "--max-redirects", "-1"}, kExitError, "--max-redirects"},
      {{"probe", "http://x/", "--format", "xml"}, kExitError, "--format"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {"residency"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    std::ostringstream out, err;
    INFO("args: ", Join(c.args, " "));
    int code = RunCli(argv, out, err);
    INFO("stderr: ", err.str());
    CHECK(code == c.code);
    CHECK(err.str().find(c.err) != std::string::npos);
    if (c.code == kExitError) CHECK(out.str().empty());
  }
}

}  // namespace
}  // namespace residency
