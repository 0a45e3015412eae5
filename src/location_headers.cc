#include "location_headers.h"
#include "text_util.h"

#include <cctype>
#include <string_view>

namespace residency {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsAlpha(std::string_view s) {
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// Three letters at the start of `s` (upper-cased), or "".
std::string Iata(std::string_view s) {
  if (s.size() < 3 || !IsAlpha(s.substr(0, 3))) return "";
  std::string out(s.substr(0, 3));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "eu-central-1", "us-gov-west-1": letters-and-dashes, then a dash and digits.
bool IsAwsRegion(std::string_view s) {
  size_t dash = s.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == s.size() || s.find('-') == dash) return false;
  for (char c : s.substr(dash + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  for (char c : s.substr(0, dash)) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::vector<HeaderEvidence> ParseLocationHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<HeaderEvidence> out;
  for (const auto& [raw_name, raw_value] : headers) {
    std::string name = AsciiLower(Trim(raw_name));
    std::string_view value = Trim(raw_value);
    auto add = [&](const char* kind, const char* provider, std::string region, std::string iata) {
      out.push_back(HeaderEvidence{name, std::string(value), kind, provider, std::move(region), std::move(iata)});
    };
    if (name == "x-amz-bucket-region") {
      std::string region = AsciiLower(value);
      if (IsAwsRegion(region)) add("storage", "aws", region, "");
    } else if (name == "x-amz-cf-pop") {
      // FRA56-P5: the IATA code, then digits.
      if (value.size() > 3 && std::isdigit(static_cast<unsigned char>(value[3])) && !Iata(value).empty()) {
        add("processing", "aws", "", Iata(value));
      }
    } else if (name == "cf-ray") {
      // 8a1b2c3d4e5f6789-FRA: the colo after the last dash.
      size_t dash = value.rfind('-');
      if (dash != std::string_view::npos && value.size() - dash - 1 == 3 && IsAlpha(value.substr(dash + 1))) {
        add("processing", "cloudflare", "", Iata(value.substr(dash + 1)));
      }
    } else if (name == "x-served-by") {
      // cache-iad-kiad7000-IAD, cache-fra19123-FRA: one cache node per entry.
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view node = Trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        size_t dash = node.rfind('-');
        if (node.substr(0, 6) == "cache-" && dash != std::string_view::npos && node.size() - dash - 1 == 3 &&
            IsAlpha(node.substr(dash + 1))) {
          add("processing", "fastly", "", Iata(node.substr(dash + 1)));
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else if (name == "x-vercel-id") {
      // fra1::iad1::<id>: edge, then function regions; the last part is the request id.
      size_t start = 0;
      for (size_t sep; (sep = value.find("::", start)) != std::string_view::npos; start = sep + 2) {
        std::string_view part = value.substr(start, sep - start);
        if (part.size() >= 4 && IsAlpha(part.substr(0, 3)) && std::isdigit(static_cast<unsigned char>(part[3]))) {
          add("processing", "vercel", "", Iata(part));
        }
      }
    }
    // x-azure-ref carries its PoP inside an opaque encoding: not read (data-sources.md).
  }
  return out;
}

}  // namespace residency
