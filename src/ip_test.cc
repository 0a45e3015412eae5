#include "ip.h"

#include <arpa/inet.h>

#include <doctest/doctest.h>

namespace residency {

TEST_CASE("ParseIp accepts literals and rejects the rest") {
  struct Case { const char* text; bool ok; const char* canonical; };
  const Case cases[] = {
      {"3.120.0.10", true, "3.120.0.10"},
      {"2a00:1450:4001::1", true, "2a00:1450:4001::1"},
      {"2A00:1450:4001:0:0:0:0:1", true, "2a00:1450:4001::1"},
      {"::ffff:3.120.0.1", true, "::ffff:3.120.0.1"},
      {"256.1.1.1", false, ""},
      {"1.2.3", false, ""},
      {"01.2.3.4", false, ""},
      {"[::1]", false, ""},
      {"fe80::1%eth0", false, ""},
      {"", false, ""},
      {"example.com", false, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto ip = ParseIp(c.text);
    CHECK(ip.has_value() == c.ok);
    if (ip) CHECK(ip->ToString() == c.canonical);
  }
}

TEST_CASE("IPv4 text agrees with inet_ntop for every octet value") {
  for (unsigned v = 0; v < 256; ++v) {
    IpAddress ip;
    ip.bytes = {static_cast<uint8_t>(v), static_cast<uint8_t>(255 - v), static_cast<uint8_t>(v / 10), 0};
    char want[INET_ADDRSTRLEN];
    REQUIRE(inet_ntop(AF_INET, ip.bytes.data(), want, sizeof want) != nullptr);
    CAPTURE(v);
    CHECK(ip.ToString() == want);
    CHECK(ParseIp(want) == ip);
  }
}

TEST_CASE("IPv4-mapped IPv6 becomes plain IPv4") {
  CHECK(ParseIp("::ffff:3.120.0.1")->Unmapped().ToString() == "3.120.0.1");
  CHECK(ParseIp("::ffff:3.120.0.1")->Unmapped().is_v4());
  CHECK(!ParseIp("2a00::1")->Unmapped().is_v4());
}

TEST_CASE("ParsePrefix clears host bits and checks the length") {
  CHECK(ParsePrefix("3.120.0.0/14")->ToString() == "3.120.0.0/14");
  CHECK(ParsePrefix("3.121.7.9/14")->ToString() == "3.120.0.0/14");
  CHECK(ParsePrefix("2a05:d000::/25")->ToString() == "2a05:d000::/25");
  CHECK(ParsePrefix("10.0.0.1")->length == 32);
  CHECK(!ParsePrefix("10.0.0.0/33"));
  CHECK(!ParsePrefix("10.0.0.0/"));
  CHECK(!ParsePrefix("10.0.0.0/8x"));
  auto p = *ParsePrefix("3.120.0.0/14");
  CHECK(p.Contains(*ParseIp("3.123.255.255")));
  CHECK(!p.Contains(*ParseIp("3.124.0.0")));
  CHECK(!p.Contains(*ParseIp("::1")));
}

}  // namespace residency
