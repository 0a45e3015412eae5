#include "vantage.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include <boost/geometry.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "csv.h"

namespace residency {

namespace bg = boost::geometry;

namespace {

constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kPi = 3.14159265358979323846;
constexpr double kDegree = kPi / 180;
// Bounding boxes are padded: a great-circle edge bulges poleward of its end points (in the
// 1:10m data by well under a kilometre), and the boxes only decide what to skip.
constexpr double kBoxPaddingDegrees = 0.05;

// Longitude first, as Boost.Geometry's spherical_equatorial expects.
using Point = bg::model::point<double, 2, bg::cs::spherical_equatorial<bg::degree>>;
using Polygon = bg::model::polygon<Point>;  // clockwise exterior, closed rings

struct Box {
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  void Add(double lon, double lat) {
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
    min_lon = std::min(min_lon, lon);
    max_lon = std::max(max_lon, lon);
  }
  void Pad() {
    min_lat = std::max(-90.0, min_lat - kBoxPaddingDegrees);
    max_lat = std::min(90.0, max_lat + kBoxPaddingDegrees);
    min_lon = std::max(-180.0, min_lon - kBoxPaddingDegrees);
    max_lon = std::min(180.0, max_lon + kBoxPaddingDegrees);
  }
};

// The distance from a meridian's great circle (the meridian at `lon` and its opposite).
double MeridianCircleRadians(const GeoPoint& p, double lon) {
  const double s = std::cos(p.latitude * kDegree) * std::fabs(std::sin((p.longitude - lon) * kDegree));
  return std::asin(std::min(1.0, s));
}

// A lower bound of the great-circle distance in km from `p` to any point in `box`:
// reaching the box changes the latitude by at least the gap, and, from outside its
// longitude range, crosses one of its two bounding meridians.
double LowerBoundKm(const GeoPoint& p, const Box& box) {
  double bound = std::max({0.0, box.min_lat - p.latitude, p.latitude - box.max_lat}) * kDegree;
  if (p.longitude < box.min_lon || p.longitude > box.max_lon) {
    bound = std::max(bound, std::min(MeridianCircleRadians(p, box.min_lon),
                                     MeridianCircleRadians(p, box.max_lon)));
  }
  return bound * kEarthRadiusKm;
}

std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::string FormatDegrees(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace

Status ParseVantage(std::string_view text, GeoPoint* out) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const size_t comma = text.find(',');
  std::optional<double> lat, lon;
  if (comma != std::string_view::npos) {
    lat = ParseNumber(text.substr(0, comma));
    lon = ParseNumber(text.substr(comma + 1));
  }
  if (!lat || !lon) {
    return Status::InvalidInput(quoted + ": expected LAT,LON in decimal degrees, e.g. 50.11,8.68");
  }
  if (*lat < -90 || *lat > 90) {
    return Status::InvalidInput(quoted + ": latitude " + FormatDegrees(*lat) + " is out of range (-90 to 90)");
  }
  if (*lon < -180 || *lon > 180) {
    return Status::InvalidInput(quoted + ": longitude " + FormatDegrees(*lon) +
                                " is out of range (-180 to 180)");
  }
  out->latitude = *lat;
  out->longitude = *lon;
  return Status::Ok();
}

double GreatCircleKm(const GeoPoint& a, const GeoPoint& b) {
  return bg::distance(Point(a.longitude, a.latitude), Point(b.longitude, b.latitude),
                      bg::strategy::distance::haversine<double>(kEarthRadiusKm));
}

// ---- CountryOutlines ----------------------------------------------------------------------

struct CountryOutlines::Impl {
  struct Part {
    Polygon polygon;
    Box box;
  };
  std::vector<Outline> outlines;
  std::vector<std::vector<Part>> parts;  // parallel to outlines
  std::map<std::string, size_t, std::less<>> index;  // alpha-2 -> outline
};

CountryOutlines::CountryOutlines() : impl_(std::make_unique<Impl>()) {}
CountryOutlines::~CountryOutlines() = default;

const std::vector<CountryOutlines::Outline>& CountryOutlines::outlines() const { return impl_->outlines; }

bool CountryOutlines::Has(std::string_view code) const { return impl_->index.find(code) != impl_->index.end(); }

Status CountryOutlines::Load(const std::string& geodb_dir, std::unique_ptr<CountryOutlines>* out) {
  const std::string path = geodb_dir + "/" + kWorldAtlasFile;
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) {
    if (s.kind() == Status::Kind::kNotFound) {
      return Status::NotFound(s.message() + " (country outlines; run scripts/fetch-geodb)");
    }
    return s;
  }
  CsvTable countries;
  if (Status s = LoadCsv(geodb_dir + "/countries.csv", {"alpha2", "numeric"}, &countries); !s.ok()) return s;
  std::map<std::string, std::string> numeric_to_alpha2;
  const size_t alpha2 = static_cast<size_t>(countries.Column("alpha2"));
  const size_t numeric = static_cast<size_t>(countries.Column("numeric"));
  for (const auto& row : countries.rows) numeric_to_alpha2[row[numeric]] = row[alpha2];
  return Parse(path, text, numeric_to_alpha2, out);
}

Status CountryOutlines::Parse(const std::string& path, std::string_view topojson,
                              const std::map<std::string, std::string>& numeric_to_alpha2,
                              std::unique_ptr<CountryOutlines>* out) {
  rapidjson::Document doc;
  doc.Parse(topojson.data(), topojson.size());
  if (doc.HasParseError()) {
    return Status::Corrupt(path + ":" + LineColumn(topojson, doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()));
  }
  auto bad = [&](const std::string& pointer, const std::string& what) {
    return Status::Corrupt(path + ": at " + (pointer.empty() ? "/" : pointer) + ": " + what);
  };
  if (!doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString() ||
      std::string_view(doc["type"].GetString()) != "Topology") {
    return bad("", "expected a TopoJSON object with \"type\": \"Topology\"");
  }

  // The transform: quantized, delta-encoded positions when present.
  bool quantized = false;
  double scale[2] = {1, 1}, translate[2] = {0, 0};
  if (auto t = doc.FindMember("transform"); t != doc.MemberEnd()) {
    auto pair = [&](const char* key, double* v) {
      auto m = t->value.IsObject() ? t->value.FindMember(key) : t->value.MemberEnd();
      if (!t->value.IsObject() || m == t->value.MemberEnd() || !m->value.IsArray() || m->value.Size() != 2 ||
          !m->value[0].IsNumber() || !m->value[1].IsNumber()) {
        return false;
      }
      v[0] = m->value[0].GetDouble();
      v[1] = m->value[1].GetDouble();
      return true;
    };
    if (!pair("scale", scale) || !pair("translate", translate)) {
      return bad("/transform", "expected \"scale\" and \"translate\", two numbers each");
    }
    quantized = true;
  }

  // The arcs, decoded to degrees.
  auto arcs_member = doc.FindMember("arcs");
  if (arcs_member == doc.MemberEnd() || !arcs_member->value.IsArray()) {
    return bad("/arcs", "expected an array of arcs");
  }
  std::vector<std::vector<std::pair<double, double>>> arcs;  // (lon, lat)
  arcs.reserve(arcs_member->value.Size());
  for (rapidjson::SizeType i = 0; i < arcs_member->value.Size(); ++i) {
    const auto& arc = arcs_member->value[i];
    const std::string pointer = "/arcs/" + std::to_string(i);
    if (!arc.IsArray() || arc.Size() < 2) return bad(pointer, "expected an array of at least two positions");
    std::vector<std::pair<double, double>> points;
    points.reserve(arc.Size());
    double x = 0, y = 0;
    for (rapidjson::SizeType k = 0; k < arc.Size(); ++k) {
      const auto& pos = arc[k];
      if (!pos.IsArray() || pos.Size() < 2 || !pos[0].IsNumber() || !pos[1].IsNumber()) {
        return bad(pointer + "/" + std::to_string(k), "expected a position [x, y]");
      }
      if (quantized) {
        x += pos[0].GetDouble();
        y += pos[1].GetDouble();
      } else {
        x = pos[0].GetDouble();
        y = pos[1].GetDouble();
      }
      const double lon = x * scale[0] + translate[0], lat = y * scale[1] + translate[1];
      if (!std::isfinite(lon) || !std::isfinite(lat) || std::fabs(lat) > 90 || std::fabs(lon) > 180) {
        return bad(pointer + "/" + std::to_string(k), "position outside -180..180, -90..90 degrees");
      }
      points.emplace_back(lon, lat);
    }
    arcs.push_back(std::move(points));
  }

  const rapidjson::Value* geometries = nullptr;
  if (auto objects = doc.FindMember("objects"); objects != doc.MemberEnd() && objects->value.IsObject()) {
    if (auto c = objects->value.FindMember("countries"); c != objects->value.MemberEnd() && c->value.IsObject()) {
      if (auto g = c->value.FindMember("geometries"); g != c->value.MemberEnd() && g->value.IsArray()) {
        geometries = &g->value;
      }
    }
  }
  if (!geometries) return bad("/objects/countries/geometries", "expected an array of geometries");

  std::unique_ptr<CountryOutlines> outlines(new CountryOutlines());
  Impl& impl = *outlines->impl_;
  std::map<std::string, size_t> by_id;  // topology id -> outline, to merge repeated ids

  // One ring from a list of arc indices: arcs joined end to start, the shared point once.
  auto ring = [&](const rapidjson::Value& list, const std::string& pointer, Polygon::ring_type* out_ring,
                  Box* box) -> Status {
    if (!list.IsArray() || list.Empty()) return bad(pointer, "expected a non-empty array of arc indices");
    out_ring->clear();
    for (rapidjson::SizeType k = 0; k < list.Size(); ++k) {
      if (!list[k].IsInt()) return bad(pointer + "/" + std::to_string(k), "expected an arc index");
      const int index = list[k].GetInt();
      const bool reversed = index < 0;
      const size_t arc = static_cast<size_t>(reversed ? ~index : index);
      if (arc >= arcs.size()) {
        return bad(pointer + "/" + std::to_string(k), "arc index " + std::to_string(index) +
                                                          " out of range (the topology has " +
                                                          std::to_string(arcs.size()) + " arcs)");
      }
      const auto& points = arcs[arc];
      for (size_t n = 0; n < points.size(); ++n) {
        const auto& [lon, lat] = points[reversed ? points.size() - 1 - n : n];
        if (n == 0 && !out_ring->empty()) continue;
        out_ring->push_back(Point(lon, lat));
        if (box) box->Add(lon, lat);
      }
    }
    return Status::Ok();
  };
  // Quantization collapses the tiniest islands and holes to fewer than four positions
  // ([a, b, a]): they bound no area and are left out.
  auto degenerate = [](const Polygon::ring_type& r) { return r.size() < 4; };
  // Appends the polygon to *parts unless its exterior ring is degenerate.
  auto polygon = [&](const rapidjson::Value& rings, const std::string& pointer,
                     std::vector<Impl::Part>* parts) -> Status {
    if (!rings.IsArray() || rings.Empty()) return bad(pointer, "expected an array of rings");
    Impl::Part part;
    if (Status s = ring(rings[0], pointer + "/0", &part.polygon.outer(), &part.box); !s.ok()) return s;
    if (degenerate(part.polygon.outer())) return Status::Ok();
    for (rapidjson::SizeType r = 1; r < rings.Size(); ++r) {
      Polygon::ring_type inner;
      if (Status s = ring(rings[r], pointer + "/" + std::to_string(r), &inner, nullptr); !s.ok()) return s;
      if (!degenerate(inner)) part.polygon.inners().push_back(std::move(inner));
    }
    // Whatever the winding of the source (d3's or RFC 7946's), make it Boost's: the
    // smaller of the two areas a ring bounds on the sphere is the country.
    bg::correct(part.polygon);
    part.box.Pad();
    parts->push_back(std::move(part));
    return Status::Ok();
  };

  for (rapidjson::SizeType i = 0; i < geometries->Size(); ++i) {
    const auto& g = (*geometries)[i];
    const std::string pointer = "/objects/countries/geometries/" + std::to_string(i);
    if (!g.IsObject() || !g.HasMember("type") || !(g["type"].IsString() || g["type"].IsNull())) {
      return bad(pointer, "expected a geometry object with a \"type\"");
    }
    if (g["type"].IsNull()) continue;  // TopoJSON's null geometry
    const std::string type = g["type"].GetString();
    if (type != "Polygon" && type != "MultiPolygon") {
      return bad(pointer + "/type", "expected Polygon or MultiPolygon, not " + type);
    }
    auto arcs_of = g.FindMember("arcs");
    if (arcs_of == g.MemberEnd() || !arcs_of->value.IsArray()) return bad(pointer + "/arcs", "expected an array");
    std::vector<Impl::Part> parts;
    if (type == "Polygon") {
      if (Status s = polygon(arcs_of->value, pointer + "/arcs", &parts); !s.ok()) return s;
    } else {
      for (rapidjson::SizeType p = 0; p < arcs_of->value.Size(); ++p) {
        if (Status s = polygon(arcs_of->value[p], pointer + "/arcs/" + std::to_string(p), &parts); !s.ok()) {
          return s;
        }
      }
    }

    std::string id, name;
    if (auto m = g.FindMember("id"); m != g.MemberEnd()) {
      if (m->value.IsString()) {
        id = m->value.GetString();
      } else if (m->value.IsInt()) {
        id = std::to_string(m->value.GetInt());
        id.insert(0, id.size() < 3 ? 3 - id.size() : 0, '0');  // 36 -> "036"
      }
    }
    if (auto props = g.FindMember("properties"); props != g.MemberEnd() && props->value.IsObject()) {
      if (auto n = props->value.FindMember("name"); n != props->value.MemberEnd() && n->value.IsString()) {
        name = n->value.GetString();
      }
    }
    auto alpha2 = numeric_to_alpha2.find(id);
    const std::string code = alpha2 == numeric_to_alpha2.end() ? "" : alpha2->second;
    size_t slot;
    if (auto seen = by_id.find(id); !id.empty() && seen != by_id.end()) {
      slot = seen->second;  // world-atlas draws e.g. Australia (036) as two geometries
    } else {
      slot = impl.outlines.size();
      impl.outlines.push_back({code, name.empty() ? (code.empty() ? "id " + id : code) : name});
      impl.parts.emplace_back();
      if (!id.empty()) by_id[id] = slot;
    }
    for (auto& part : parts) impl.parts[slot].push_back(std::move(part));
  }
  // An outline whose every ring was degenerate has no area: no outline at all.
  for (size_t i = impl.outlines.size(); i-- > 0;) {
    if (!impl.parts[i].empty()) continue;
    impl.outlines.erase(impl.outlines.begin() + static_cast<std::ptrdiff_t>(i));
    impl.parts.erase(impl.parts.begin() + static_cast<std::ptrdiff_t>(i));
  }
  impl.index.clear();
  for (size_t i = 0; i < impl.outlines.size(); ++i) {
    if (!impl.outlines[i].code.empty()) impl.index.emplace(impl.outlines[i].code, i);
  }
  *out = std::move(outlines);
  return Status::Ok();
}

double CountryOutlines::DistanceKm(const GeoPoint& from, size_t outline) const {
  const std::vector<Impl::Part>& parts = impl_->parts[outline];
  // Nearest boxes first; stop when a box's lower bound is beyond the best distance so far.
  std::vector<std::pair<double, size_t>> order;
  order.reserve(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) order.emplace_back(LowerBoundKm(from, parts[i].box), i);
  std::sort(order.begin(), order.end());
  const Point p(from.longitude, from.latitude);
  const bg::strategy::distance::cross_track<double> strategy(kEarthRadiusKm);
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [bound, i] : order) {
    if (bound >= best) break;
    // covered_by first: distance() to a polygon is the distance to its boundary here.
    if (bound == 0 && bg::covered_by(p, parts[i].polygon)) return 0;
    best = std::min(best, bg::distance(p, parts[i].polygon, strategy));
  }
  return best;
}

std::optional<double> CountryOutlines::MinDistanceKm(const GeoPoint& from, std::string_view code) const {
  auto it = impl_->index.find(code);
  if (it == impl_->index.end()) return std::nullopt;
  return DistanceKm(from, it->second);
}

// ---- Plausibility ---------------------------------------------------------------------------

double RadiusKm(double min_rtt_ms, const PlausibilityOptions& options) {
  return min_rtt_ms / 2 * options.fibre_km_per_ms;
}

const char* ClaimVerdictName(ClaimVerdict v) {
  switch (v) {
    case ClaimVerdict::kPossible: return "possible";
    case ClaimVerdict::kContradiction: return "contradiction";
    case ClaimVerdict::kNoOutline: return "no-outline";
  }
  return "?";
}

const char* AreaVerdictName(AreaVerdict v) {
  switch (v) {
    case AreaVerdict::kInsideAllowed: return "inside-allowed";
    case AreaVerdict::kInconclusive: return "inconclusive";
    case AreaVerdict::kNoCountry: return "no-country";
  }
  return "?";
}

VantageBounds::VantageBounds(const CountryOutlines& outlines, const GeoPoint& vantage,
                             const PlausibilityOptions& options)
    : outlines_(outlines), vantage_(vantage), options_(options) {
  const auto& list = outlines.outlines();
  by_distance_.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const double d = outlines.DistanceKm(vantage, i);
    by_distance_.push_back({d, i});
    if (!list[i].code.empty()) by_code_.emplace(list[i].code, d);
  }
  std::stable_sort(by_distance_.begin(), by_distance_.end(),
                   [](const Entry& a, const Entry& b) { return a.distance_km < b.distance_km; });
}

std::optional<double> VantageBounds::DistanceKm(std::string_view code) const {
  auto it = by_code_.find(code);
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

Plausibility VantageBounds::Assess(double min_rtt_ms, const std::vector<std::string>& claimed,
                                   const CountrySet& allowed) const {
  Plausibility out;
  out.vantage = vantage_;
  out.min_rtt_ms = min_rtt_ms;
  out.radius_km = RadiusKm(min_rtt_ms, options_);
  out.margin_km = options_.margin_km + options_.margin_fraction * out.radius_km;
  const double reach = out.radius_km + out.margin_km;

  std::set<std::string, std::less<>> seen;
  for (const std::string& country : claimed) {
    if (!seen.insert(country).second) continue;
    ClaimCheck check;
    check.country = country;
    check.distance_km = DistanceKm(country);
    if (check.distance_km) {
      check.verdict = *check.distance_km > reach ? ClaimVerdict::kContradiction : ClaimVerdict::kPossible;
    }
    out.claims.push_back(std::move(check));
  }

  const auto& list = outlines_.outlines();
  for (const Entry& e : by_distance_) {
    if (e.distance_km > reach) break;
    const CountryOutlines::Outline& o = list[e.outline];
    const bool ok = !o.code.empty() && allowed.Contains(o.code);
    out.reached.push_back({o.code, o.name, e.distance_km, ok});
    if (!ok) ++out.outside_allowed;
  }
  out.area = out.reached.empty()          ? AreaVerdict::kNoCountry
             : out.outside_allowed == 0 ? AreaVerdict::kInsideAllowed
                                          : AreaVerdict::kInconclusive;
  return out;
}

}  // namespace residency
