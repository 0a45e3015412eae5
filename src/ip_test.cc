#include "ip.h"

#include <arpa/inet.h>

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>

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

TEST_CASE("IPv6 text agrees with inet_ntop: zero runs, embedded IPv4, random words") {
  // Each word drawn from {0, 1, 0xffff, random}, so that zero runs of every length and
  // place, ties between runs, and the ::a.b.c.d and ::ffff:a.b.c.d forms all occur.
  std::mt19937 rng(2026);
  for (int n = 0; n < 200000; ++n) {
    IpAddress ip;
    ip.family = IpAddress::Family::kV6;
    for (size_t w = 0; w < 8; ++w) {
      unsigned pick = static_cast<unsigned>(rng() % 6);
      unsigned word = pick < 3 ? 0 : pick == 3 ? 1 : pick == 4 ? 0xffff : static_cast<unsigned>(rng() & 0xffff);
      if (n % 7 == 0 && w < 5) word = 0;  // many IPv4-compatible and -mapped forms
      ip.bytes[2 * w] = static_cast<uint8_t>(word >> 8);
      ip.bytes[2 * w + 1] = static_cast<uint8_t>(word & 0xff);
    }
    char want[INET6_ADDRSTRLEN];
    REQUIRE(inet_ntop(AF_INET6, ip.bytes.data(), want, sizeof want) != nullptr);
    char got[kIpTextMax];
    size_t size = ip.Format(got);
    if (std::string_view(got, size) != want) {
      CAPTURE(want);
      CHECK(std::string(got, size) == want);
      break;
    }
  }
  IpAddress zero;
  zero.family = IpAddress::Family::kV6;
  CHECK(zero.ToString() == "::");
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
