#include "airports.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "csv.h"
#include "text_util.h"

namespace residency {

namespace {

bool IsUpperAlpha(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// A decimal degree in [-limit, limit]; the whole field must be the number.
std::optional<double> ParseDegrees(const std::string& text, double limit) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) ||
      std::fabs(v) > limit) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

Status Airports::Load(const std::string& geodb_dir, Airports* out) {
  return LoadFile(geodb_dir + "/" + kAirportsFile, out);
}

Status Airports::LoadFile(const std::string& path, Airports* out) {
  CsvTable table;
  if (Status s = LoadCsv(path, {"iata", "country", "latitude", "longitude", "city", "name"}, &table);
      !s.ok()) {
    return s;
  }
  auto col = [&](const char* name) { return static_cast<size_t>(table.Column(name)); };
  const size_t iata = col("iata"), country = col("country"), lat = col("latitude"),
               lon = col("longitude"), city = col("city"), name = col("name");
  std::vector<Airport> airports;
  std::vector<size_t> lines;  // parallel to airports, for the duplicate check
  airports.reserve(table.rows.size());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    const std::string where = path + ":" + std::to_string(table.row_lines[i]) + ": ";
    Airport a;
    a.iata = row[iata];
    a.country = row[country];
    if (!IsUpperAlpha(a.iata, 3)) {
      return Status::Corrupt(where + "IATA code \"" + a.iata + "\" is not three upper-case letters");
    }
    if (!IsUpperAlpha(a.country, 2)) {
      return Status::Corrupt(where + a.iata + ": country \"" + a.country +
                             "\" is not an ISO 3166-1 alpha-2 code");
    }
    std::optional<double> la = ParseDegrees(row[lat], 90), lo = ParseDegrees(row[lon], 180);
    if (!la || !lo) {
      return Status::Corrupt(where + a.iata + ": " + (!la ? "latitude \"" + row[lat] : "longitude \"" + row[lon]) +
                             "\" is not a number of degrees in range");
    }
    a.latitude = *la;
    a.longitude = *lo;
    a.city = row[city];
    a.name = row[name];
    airports.push_back(std::move(a));
    lines.push_back(table.row_lines[i]);
  }
  std::vector<size_t> order(airports.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return airports[x].iata < airports[y].iata; });
  for (size_t k = 1; k < order.size(); ++k) {
    if (airports[order[k]].iata == airports[order[k - 1]].iata) {
      return Status::Corrupt(path + ":" + std::to_string(lines[order[k]]) + ": IATA code " +
                             airports[order[k]].iata + " already on line " +
                             std::to_string(lines[order[k - 1]]));
    }
  }
  std::vector<Airport> sorted;
  sorted.reserve(airports.size());
  for (size_t k : order) sorted.push_back(std::move(airports[k]));
  out->airports_ = std::move(sorted);
  return Status::Ok();
}

const Airport* Airports::Find(std::string_view code) const {
  if (code.size() != 3) return nullptr;
  const std::string key = AsciiUpper(code);
  if (!IsUpperAlpha(key, 3)) return nullptr;
  auto it = std::lower_bound(airports_.begin(), airports_.end(), key,
                             [](const Airport& a, const std::string& k) { return a.iata < k; });
  return it != airports_.end() && it->iata == key ? &*it : nullptr;
}

}  // namespace residency
