#include "ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace residency {

IpAddress IpAddress::Unmapped() const {
  if (is_v4()) return *this;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), kMapped, 12) != 0) return *this;
  IpAddress v4;
  v4.family = Family::kV4;
  std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
  return v4;
}

namespace {

// Dotted-quad text of 4 bytes at `out`; returns its end.
char* FormatV4(const uint8_t* b, char* out) {
  for (size_t i = 0; i < 4; ++i) {
    if (i) *out++ = '.';
    unsigned v = b[i];
    if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
    *out++ = static_cast<char>('0' + v % 10);
  }
  return out;
}

}  // namespace

size_t IpAddress::Format(char* out) const {
  char* p = out;
  if (is_v4()) return static_cast<size_t>(FormatV4(bytes.data(), p) - out);
  unsigned words[8];
  for (size_t i = 0; i < 8; ++i) words[i] = (unsigned{bytes[2 * i]} << 8) | bytes[2 * i + 1];
  // The longest run of two or more zero words, the first of equals, becomes "::"; an
  // IPv4-compatible (::a.b.c.d) or -mapped (::ffff:a.b.c.d) address ends in dotted quad.
  // As glibc's inet_ntop (ip_test.cc compares the two).
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  if (best_len < 2) best = -1;
  for (int i = 0; i < 8; ++i) {
    if (best != -1 && i >= best && i < best + best_len) {
      if (i == best) *p++ = ':';
      continue;
    }
    if (i != 0) *p++ = ':';
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      p = FormatV4(bytes.data() + 12, p);
      return static_cast<size_t>(p - out);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    unsigned w = words[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned digit = (w >> shift) & 0xF;
      if (digit || started || shift == 0) {
        *p++ = kHex[digit];
        started = true;
      }
    }
  }
  if (best != -1 && best + best_len == 8) *p++ = ':';
  return static_cast<size_t>(p - out);
}

std::string IpAddress::ToString() const {
  char text[kIpTextMax];
  return std::string(text, Format(text));
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    ip.family = IpAddress::Family::kV4;
    if (inet_pton(AF_INET, buf, ip.bytes.data()) != 1) return std::nullopt;
  } else {
    ip.family = IpAddress::Family::kV6;
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  }
  return ip;
}

bool IpPrefix::Contains(const IpAddress& ip) const {
  if (ip.family != address.family) return false;
  unsigned full = length / 8, rest = length % 8;
  if (std::memcmp(ip.bytes.data(), address.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (address.bytes[full] & mask);
}

std::string IpPrefix::ToString() const {
  return address.ToString() + "/" + std::to_string(length);
}

std::optional<IpPrefix> ParsePrefix(std::string_view text) {
  size_t slash = text.find('/');
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  IpPrefix p;
  p.address = *ip;
  p.length = ip->bits();
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    unsigned n = 0;
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (len.empty() || ec != std::errc() || end != len.data() + len.size() || n > ip->bits()) {
      return std::nullopt;
    }
    p.length = n;
  }
  for (unsigned bit = p.length; bit < p.address.bits(); ++bit) {
    p.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return p;
}

}  // namespace residency
