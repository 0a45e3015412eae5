// IP addresses and prefixes as values: parsing of literals, formatting, and the IPv4-mapped
// IPv6 normalisation that geodbs need (ip-location-db files do not alias ::ffff:a.b.c.d).
#ifndef RESIDENCY_IP_H_
#define RESIDENCY_IP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace residency {

// Room for the text of any address (IpAddress::Format), with a NUL to spare.
inline constexpr size_t kIpTextMax = 46;

struct IpAddress {
  enum class Family : uint8_t { kV4, kV6 };
  Family family = Family::kV4;
  std::array<uint8_t, 16> bytes{};  // v4 uses bytes[0..3]

  bool is_v4() const { return family == Family::kV4; }
  size_t size() const { return is_v4() ? 4 : 16; }  // bytes in use
  unsigned bits() const { return is_v4() ? 32u : 128u; }

  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as plain IPv4; any other address as is.
  IpAddress Unmapped() const;
  std::string ToString() const;  // canonical text (RFC 5952 for IPv6)
  // The same text into `out` (kIpTextMax bytes), without a NUL; returns its length. The
  // text inet_ntop writes, without its sprintf (a hot spot when a report lists 1M addresses).
  size_t Format(char* out) const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

// Parses a literal: dotted-quad IPv4 or RFC 4291 IPv6 text (no brackets, no zone id).
std::optional<IpAddress> ParseIp(std::string_view text);

struct IpPrefix {
  IpAddress address;  // host bits cleared
  unsigned length = 0;

  bool Contains(const IpAddress& ip) const;
  std::string ToString() const;  // "a.b.c.d/n" or "x::/n"
};

// Parses "ADDRESS/LENGTH"; host bits set in ADDRESS are cleared (as feeds sometimes have
// them). A bare address is a full-length prefix.
std::optional<IpPrefix> ParsePrefix(std::string_view text);

}  // namespace residency

#endif  // RESIDENCY_IP_H_
