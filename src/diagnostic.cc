#include "diagnostic.h"

#include <algorithm>
#include <cctype>

namespace residency {

std::string Diagnostic::Headline() const {
  std::string s = file;
  if (pos.known()) s += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  s += ": error: " + message;
  if (!pointer.empty()) s += " (at " + pointer + ")";
  return s;
}

std::string Diagnostic::ToString() const {
  std::string s = Headline();
  if (!excerpt.empty()) s += "\n" + excerpt;
  return s;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and transpositions of
  // neighbours each cost one ("nmae" is one edit from "name").
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  const size_t w = b.size() + 1;
  std::vector<size_t> d((a.size() + 1) * w);
  for (size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      }
      d[i * w + j] = best;
    }
  }
  return d[a.size() * w + b.size()];
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > 200) return "";  // not a typo; and keeps the cost bounded
  size_t limit = std::max<size_t>(1, word.size() / 3);
  size_t best = limit + 1;
  std::string match;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best) {
      best = d;
      match = c;
    }
  }
  return match;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string m = ClosestMatch(word, candidates);
  return m.empty() ? "" : " (did you mean \"" + m + "\"?)";
}

}  // namespace residency
