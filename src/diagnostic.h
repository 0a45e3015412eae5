// Diagnostic: an error in a file the user gave, with where it is. Renders as
//   manifest.json:12:7: error: unknown data category "custmer" (did you mean "customer"?) (at /service/endpoints/0/data/0)
//     "data": ["custmer"]
//             ^
// A diagnostic is an error: it stops the run with exit code 2. Findings (the data
// contradicts a declaration) are a different thing and live in the report.
#ifndef RESIDENCY_DIAGNOSTIC_H_
#define RESIDENCY_DIAGNOSTIC_H_

#include <cstdint>
#include <string>
#include <vector>

namespace residency {

// 1-based line and column (column in Unicode code points); 0 means unknown.
struct SourcePos {
  uint32_t line = 0;
  uint32_t column = 0;
  bool known() const { return line != 0; }
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

struct Diagnostic {
  std::string file;
  SourcePos pos;
  std::string pointer;  // JSON pointer of the value concerned; "" for the root or unknown
  std::string message;
  std::string excerpt;  // the source line and a caret line, or ""

  // The first line only: "FILE:LINE:COL: error: MESSAGE (at POINTER)".
  std::string Headline() const;
  // Headline, then the excerpt when there is one.
  std::string ToString() const;
};

// Levenshtein distance, ASCII case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo
// (distance at most max(1, |word|/3)); "" when none is. Ties go to the earlier candidate.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean \"X\"?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace residency

#endif  // RESIDENCY_DIAGNOSTIC_H_
