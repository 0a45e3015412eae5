#include "render_util.h"

#include <algorithm>
#include <openssl/evp.h>

#include "render.h"

namespace residency {
namespace render {

std::string_view Name(Verdict v) { return VerdictName(v); }

std::string_view Name(Placement p) { return PlacementName(p); }

std::string_view Name(ResolveStatus s) { return ResolveStatusName(s); }

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string MarkdownCell(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\n': out += ' '; break;
      case '\r': break;
      case '|': case '\\': case '`': case '*': case '_': case '<': case '>': case '[': case ']':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string> Countries(const EndpointResult& e) {
  std::vector<std::string> out;
  for (const AddressObservation& a : e.observed) {
    if (a.country) out.push_back(*a.country);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}


size_t CountVerdict(const VerifyReport& r, Verdict v) { return r.CountVerdict(v); }

std::map<std::string, FindingStatus> WorstFindingBySubject(const VerifyReport& r) {
  std::map<std::string, FindingStatus> worst;
  for (const Finding& f : r.findings) {
    auto [it, inserted] = worst.emplace(f.subject, f.status);
    if (!inserted && f.status > it->second) it->second = f.status;
  }
  return worst;
}

}  // namespace render

std::string NameUuid(std::string_view name) {
  // A fixed namespace for residency's names (itself a random v4 UUID, chosen once), hashed
  // before the name as RFC 4122 section 4.3 does.
  static constexpr unsigned char kNamespace[16] = {0x6b, 0x1f, 0x3c, 0x52, 0x9d, 0x0e, 0x4a, 0x7b,
                                                   0x8c, 0x21, 0x5e, 0x90, 0x13, 0xd4, 0x67, 0xa8};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, kNamespace, sizeof kNamespace);
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  md[6] = static_cast<unsigned char>((md[6] & 0x0f) | 0x50);  // version 5
  md[8] = static_cast<unsigned char>((md[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0x0f];
  }
  return out;
}

}  // namespace residency
