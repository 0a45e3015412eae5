// Small string helpers the modules share: ASCII case mapping (ids, codes, DNS names; never
// for display text in other scripts) and joining lists for messages.
#ifndef RESIDENCY_TEXT_UTIL_H_
#define RESIDENCY_TEXT_UTIL_H_

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace residency {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Appends "a, b, c" to *out: a separator before each item once the items appended so far
// are not all empty (as Join). Where a message is built piece by piece into one string.
inline void AppendJoined(std::string* out, const std::vector<std::string>& items, std::string_view sep = ", ") {
  const size_t start = out->size();
  for (const std::string& s : items) {
    if (out->size() > start) *out += sep;
    *out += s;
  }
}

// "a, b, c"; `empty` when there is nothing.
inline std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ",
                        std::string_view empty = "") {
  if (items.empty()) return std::string(empty);
  std::string out;
  AppendJoined(&out, items, sep);
  return out;
}

}  // namespace residency

#endif  // RESIDENCY_TEXT_UTIL_H_
