// A small reader for the project's CSV data files (geodb/*.csv): RFC 4180 fields with
// quotes, '#' comment lines before the header, one header line naming the columns.
#ifndef RESIDENCY_CSV_H_
#define RESIDENCY_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace residency {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> row_lines;  // 1-based file line of each row, for errors

  // The index of column `name` in header, or -1.
  int Column(std::string_view name) const;
};

// Splits one line into fields; false on an unterminated quote.
bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields);

// Parses `text` read from `path`; every row must have as many fields as the header.
// Errors say "PATH:LINE: ...".
Status ParseCsv(const std::string& path, std::string_view text, CsvTable* table);

// ReadFile + ParseCsv, and checks that every column in `required` is present.
Status LoadCsv(const std::string& path, const std::vector<std::string>& required, CsvTable* table);

}  // namespace residency

#endif  // RESIDENCY_CSV_H_
