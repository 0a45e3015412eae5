// The CSV reader of the geodb's data files: fields, quotes, comments and errors with the line.
#include "csv.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace residency {
namespace {

std::vector<std::string> Split(std::string_view line) {
  std::vector<std::string> fields;
  REQUIRE(SplitCsvLine(line, &fields));
  return fields;
}

TEST_CASE("SplitCsvLine: plain, quoted and empty fields") {
  using V = std::vector<std::string>;
  CHECK(Split("a,b,c") == V{"a", "b", "c"});
  CHECK(Split("") == V{""});
  CHECK(Split(",") == V{"", ""});
  CHECK(Split("a,,") == V{"a", "", ""});
  CHECK(Split("\"Bonaire, Sint Eustatius and Saba\",BQ") == V{"Bonaire, Sint Eustatius and Saba", "BQ"});
  CHECK(Split("\"say \"\"hi\"\"\",x") == V{"say \"hi\"", "x"});
  CHECK(Split("a\"b,c\"d,e") == V{"ab,cd", "e"});
  CHECK(Split("\"\"") == V{""});
  std::vector<std::string> fields;
  CHECK_FALSE(SplitCsvLine("a,\"open", &fields));
  CHECK_FALSE(SplitCsvLine("\"", &fields));
}

TEST_CASE("ParseCsv: comments before the header, CRLF, blank lines; errors with the line") {
  CsvTable t;
  REQUIRE(ParseCsv("t.csv", "# note\r\nalpha2,name\r\n\r\nDE,Germany\r\nFR,\"France, French Republic\"\n", &t).ok());
  CHECK(t.header == std::vector<std::string>{"alpha2", "name"});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[1][1] == "France, French Republic");
  CHECK(t.row_lines == std::vector<size_t>{4, 5});
  Status s = ParseCsv("t.csv", "a,b\n1,2\n1,2,3\n", &t);
  CHECK(s.message() == "t.csv:3: 3 fields, the header has 2");
  s = ParseCsv("t.csv", "a,b\n\"1,2\n", &t);
  CHECK(s.message() == "t.csv:2: unterminated quote");
  CHECK(ParseCsv("t.csv", "# only a comment\n", &t).message() == "t.csv: no header line");
}

}  // namespace
}  // namespace residency
