#include "csv.h"

#include <algorithm>

namespace residency {

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) return false;
  fields->push_back(std::move(field));
  return true;
}

Status ParseCsv(const std::string& path, std::string_view text, CsvTable* table) {
  *table = CsvTable();
  size_t line_no = 0;
  std::vector<std::string> fields;
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  table->rows.reserve(lines);  // taken once, not grown by doubling (each step memory new to the process)
  table->row_lines.reserve(lines);
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (table->header.empty() && line.front() == '#')) continue;
    std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (!SplitCsvLine(line, &fields)) return Status::Corrupt(where + "unterminated quote");
    if (table->header.empty()) {
      table->header = fields;
      continue;
    }
    if (fields.size() != table->header.size()) {
      return Status::Corrupt(where + std::to_string(fields.size()) + " fields, the header has " +
                             std::to_string(table->header.size()));
    }
    table->rows.push_back(fields);
    table->row_lines.push_back(line_no);
  }
  if (table->header.empty()) return Status::Corrupt(path + ": no header line");
  return Status::Ok();
}

Status LoadCsv(const std::string& path, const std::vector<std::string>& required, CsvTable* table) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s;
  if (Status s = ParseCsv(path, text, table); !s.ok()) return s;
  for (const std::string& col : required) {
    if (table->Column(col) < 0) return Status::Corrupt(path + ": no column \"" + col + "\"");
  }
  return Status::Ok();
}

}  // namespace residency
