// DnsMessage: a reader for DNS answers in wire format (RFC 1035), for the resolver
// (resolve.cc), which needs every record of the answer section with its TTL, the rcode,
// and the truncation bit: more than c-ares's ares_parse_* give. It reads only what a
// resolver of A, AAAA and CNAME needs; other record types are kept with empty data.
//
// The input is untrusted: every length and compression pointer is checked against the
// buffer, compression loops are cut, and a malformed message is an error, never a read
// out of bounds. The result owns copies of everything; the buffer need not outlive it.
#ifndef RESIDENCY_DNS_MESSAGE_H_
#define RESIDENCY_DNS_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace residency {

struct WireRecord {
  std::string name;   // owner, lower case, no trailing dot ("" for the root)
  uint16_t type = 0;  // 1 A, 28 AAAA, 5 CNAME, ...
  uint16_t klass = 0;
  uint32_t ttl = 0;
  std::string data;   // A/AAAA: address text; CNAME: target (lower case, no dot); else ""
};

struct DnsMessage {
  uint16_t id = 0;
  bool response = false;
  bool truncated = false;
  bool authoritative = false;
  int rcode = 0;               // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, ...
  std::string question_name;   // of the first question; lower case, no trailing dot
  uint16_t question_type = 0;
  std::vector<WireRecord> answers;  // the answer section, in order
};

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeCname = 5;
inline constexpr uint16_t kTypeAaaa = 28;

// Parses a whole message. On failure returns false and says why in *error ("answer 2:
// record data runs past the end of the message"); *out is then unspecified.
bool ParseDnsMessage(const uint8_t* data, size_t size, DnsMessage* out, std::string* error);

// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", else "RCODE<n>".
std::string RcodeName(int rcode);

// "A", "AAAA", "CNAME", else "TYPE<n>" (RFC 3597).
std::string DnsTypeName(uint16_t type);

}  // namespace residency

#endif  // RESIDENCY_DNS_MESSAGE_H_
