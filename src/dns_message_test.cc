#include "dns_message.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace residency {
namespace {

// A hand-built answer: header, one question, then the given answer records (raw bytes).
std::vector<uint8_t> Message(uint16_t flags, const std::vector<uint8_t>& question,
                             int ancount, const std::vector<uint8_t>& answers) {
  std::vector<uint8_t> m = {0x12, 0x34, static_cast<uint8_t>(flags >> 8),
                            static_cast<uint8_t>(flags), 0, 1, 0,
                            static_cast<uint8_t>(ancount), 0, 0, 0, 0};
  m.insert(m.end(), question.begin(), question.end());
  m.insert(m.end(), answers.begin(), answers.end());
  return m;
}

// "www.Example.test" A IN, at offset 12.
const std::vector<uint8_t> kQuestion = {3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e',
                                        4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};

TEST_CASE("ParseDnsMessage: CNAME with compression, then A") {
  std::vector<uint8_t> answers = {
      0xC0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 6, 3, 'c', 'd', 'n', 0xC0, 16,  // www -> cdn.example.test
      0xC0, 46, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,                 // cdn A 192.0.2.1
  };
  std::vector<uint8_t> m = Message(0x8180, kQuestion, 2, answers);
  DnsMessage msg;
  std::string error;
  REQUIRE(ParseDnsMessage(m.data(), m.size(), &msg, &error));
  CHECK(msg.id == 0x1234);
  CHECK(msg.response);
  CHECK(msg.rcode == 0);
  CHECK(msg.question_name == "www.example.test");
  REQUIRE(msg.answers.size() == 2);
  CHECK(msg.answers[0].type == kTypeCname);
  CHECK(msg.answers[0].ttl == 300);
  CHECK(msg.answers[0].data == "cdn.example.test");
  CHECK(msg.answers[1].name == "cdn.example.test");
  CHECK(msg.answers[1].data == "192.0.2.1");
  CHECK(msg.answers[1].ttl == 60);
}

TEST_CASE("ParseDnsMessage: malformed messages are errors") {
  struct Case {
    const char* what;
    std::vector<uint8_t> answers;
    int ancount;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"pointer loop", {0xC0, 34, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4}, 1,
       "answer 1: compression pointers loop"},
      {"pointer out", {0xC0, 0xFF, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4}, 1,
       "answer 1: compression pointer out of the message"},
      {"rdata past end", {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 9, 1, 2}, 1,
       "answer 1: record data runs past the end of the message"},
      {"A of 3 bytes", {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3}, 1,
       "answer 1: A record of 3 bytes"},
      {"missing record", {}, 1, "answer 1: name runs past the end of the message"},
      {"label past end", {9, 'a'}, 1, "answer 1: label runs past the end of the message"},
      {"CNAME short", {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 4, 1, 'a', 0, 9}, 1,
       "answer 1: CNAME target does not fill its record data"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    std::vector<uint8_t> m = Message(0x8180, kQuestion, c.ancount, c.answers);
    if (std::string(c.what) == "pointer loop") m.insert(m.end(), {0xC0, 34});  // 34 -> 34
    DnsMessage msg;
    std::string error;
    CHECK_FALSE(ParseDnsMessage(m.data(), m.size(), &msg, &error));
    CHECK(error == c.error);
  }
  DnsMessage msg;
  std::string error;
  CHECK_FALSE(ParseDnsMessage(kQuestion.data(), 5, &msg, &error));
  CHECK(error == "shorter than a DNS header");
}

TEST_CASE("ParseDnsMessage: a truncated answer keeps the records read in full") {
  std::vector<uint8_t> answers = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 192, 0, 2, 1, 0xC0};
  std::vector<uint8_t> m = Message(0x8380, kQuestion, 2, answers);
  DnsMessage msg;
  std::string error;
  REQUIRE(ParseDnsMessage(m.data(), m.size(), &msg, &error));
  CHECK(msg.truncated);
  CHECK(msg.answers.size() == 1);
}

TEST_CASE("ParseDnsMessage: odd bytes in labels are escaped, upper case lowered") {
  std::vector<uint8_t> q = {3, 'a', '.', 'B', 2, 0, '\\', 0, 0, 1, 0, 1};
  std::vector<uint8_t> m = Message(0x8183, q, 0, {});
  DnsMessage msg;
  std::string error;
  REQUIRE(ParseDnsMessage(m.data(), m.size(), &msg, &error));
  CHECK(msg.question_name == "a\\046b.\\000\\092");
  CHECK(msg.rcode == 3);
}

TEST_CASE("ParseDnsMessage: random damage never reads out of bounds") {
  std::vector<uint8_t> good = Message(
      0x8180, kQuestion, 2,
      {0xC0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 6, 3, 'c', 'd', 'n', 0xC0, 16,
       0xC0, 34, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> m = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[rng() % m.size()] = static_cast<uint8_t>(rng());
    m.resize(rng() % (m.size() + 1));
    DnsMessage msg;
    std::string error;
    ParseDnsMessage(m.data(), m.size(), &msg, &error);  // under ASan: no out-of-bounds read
  }
}

TEST_CASE("RcodeName and DnsTypeName") {
  CHECK(RcodeName(0) == "NOERROR");
  CHECK(RcodeName(3) == "NXDOMAIN");
  CHECK(RcodeName(9) == "RCODE9");
  CHECK(DnsTypeName(28) == "AAAA");
  CHECK(DnsTypeName(16) == "TYPE16");
}

}  // namespace
}  // namespace residency
