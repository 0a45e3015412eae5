// Unit tests of the parts of resolve.h that need no server; the resolver against real NSD
// and Unbound is tests/resolve_test.sh.
#include "resolve.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace residency {
namespace {

TEST_CASE("ParseDnsServers") {
  struct Case {
    const char* in;
    const char* want;  // servers joined by ',' or the error
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:5353", "127.0.0.1:5353"},
      {"127.0.0.1", "127.0.0.1:53"},
      {" 127.0.0.1:1 , 10.0.0.1 ", "127.0.0.1:1,10.0.0.1:53"},
      {"[::1]:5353", "[::1]:5353"},
      {"::1", "[::1]:53"},
      {"[2001:DB8::1]", "[2001:db8::1]:53"},
      {"", "error: no DNS server given"},
      {"ns.example", "error: \"ns.example\": \"ns.example\" is not an IP address (give the server's address; IPv6 with a port as [ADDRESS]:PORT)"},
      {"127.0.0.1:65536", "error: \"127.0.0.1:65536\": port \"65536\" is not a number from 1 to 65535"},
      {"127.0.0.1:", "error: \"127.0.0.1:\": port \"\" is not a number from 1 to 65535"},
      {"[127.0.0.1]:53", "error: \"[127.0.0.1]:53\": \"127.0.0.1\" is not an IPv6 address"},
      {"[::1]x", "error: \"[::1]x\": expected ':PORT' after ']'"},
      {"1.2.3.4,,5.6.7.8", "error: \"1.2.3.4,,5.6.7.8\": empty server in the list"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    std::vector<std::string> servers;
    Status s = ParseDnsServers(c.in, &servers);
    std::string got;
    if (s.ok()) {
      for (const std::string& server : servers) got += (got.empty() ? "" : ",") + server;
    } else {
      got = "error: " + s.message();
    }
    CHECK(got == c.want);
  }
}

TEST_CASE("ResolveStatusName and ParseResolveStatus round-trip") {
  for (ResolveStatus s : {ResolveStatus::kOk, ResolveStatus::kNxdomain, ResolveStatus::kNodata,
                          ResolveStatus::kServfail, ResolveStatus::kRefused, ResolveStatus::kTimeout,
                          ResolveStatus::kCnameLoop, ResolveStatus::kChainTooLong,
                          ResolveStatus::kError}) {
    CAPTURE(ResolveStatusName(s));
    ResolveStatus back = ResolveStatus::kOk;
    REQUIRE(ParseResolveStatus(ResolveStatusName(s), &back));
    CHECK(back == s);
  }
  ResolveStatus out;
  CHECK_FALSE(ParseResolveStatus("NXDOMAIN", &out));
}

TEST_CASE("NewReplayResolver answers from the recorded resolutions") {
  Resolution www;
  www.name = "www.example.test";
  www.status = ResolveStatus::kOk;
  www.cnames = {"cdn.example.test"};
  www.addresses = {*ParseIp("192.0.2.1")};
  www.evidence.push_back(DnsAnswer{"www.example.test", "A", "127.0.0.1:53", 1, "NOERROR",
                                   {{"www.example.test", "CNAME", 300, "cdn.example.test"}}});
  std::unique_ptr<Resolver> r = NewReplayResolver({www}, {"127.0.0.1:53"});
  std::vector<Resolution> out;
  REQUIRE(r->ResolveAll({"WWW.example.test.", "other.example.test", "www.example.test"}, &out).ok());
  REQUIRE(out.size() == 3);
  CHECK(out[0].status == ResolveStatus::kOk);
  CHECK(out[0].cnames == www.cnames);
  CHECK(out[0].evidence.size() == 1);
  CHECK(out[1].status == ResolveStatus::kError);
  CHECK(out[1].detail == "not in the replayed report");
  CHECK(out[2].addresses == www.addresses);
  CHECK(r->Servers() == std::vector<std::string>{"127.0.0.1:53"});
}

TEST_CASE("NewAresResolver: a bad server is an error; an empty name is a per-name error") {
  ResolverOptions options;
  options.servers = {"not-an-address"};
  Status s;
  CHECK(NewAresResolver(options, &s) == nullptr);
  CHECK_FALSE(s.ok());
  // A name c-ares refuses ends at once without any network: no server is asked.
  options.servers = {"127.0.0.1:9"};
  options.timeout_ms = 100;
  options.tries = 1;
  std::unique_ptr<Resolver> r = NewAresResolver(options, &s);
  REQUIRE(r);
  std::vector<Resolution> out;
  REQUIRE(r->ResolveAll({"", "."}, &out).ok());
  CHECK(out[0].status == ResolveStatus::kError);
  CHECK(out[1].status == ResolveStatus::kError);
}

}  // namespace
}  // namespace residency
