#include "jurisdiction.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdlib>

#include "csv.h"
#include "diagnostic.h"

namespace residency {

int CountrySet::Index(std::string_view code) {
  if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') return -1;
  return (code[0] - 'A') * 26 + (code[1] - 'A');
}

void CountrySet::Add(std::string_view code) {
  if (int i = Index(code); i >= 0) bits_.set(static_cast<size_t>(i));
}

bool CountrySet::Contains(std::string_view code) const {
  int i = Index(code);
  return i >= 0 && bits_.test(static_cast<size_t>(i));
}

std::vector<std::string> CountrySet::Codes() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < bits_.size(); ++i) {
    if (bits_.test(i)) {
      out.push_back(std::string{static_cast<char>('A' + i / 26), static_cast<char>('A' + i % 26)});
    }
  }
  return out;
}

Status Jurisdictions::Load(const std::string& geodb_dir, Jurisdictions* out) {
  *out = Jurisdictions();
  CsvTable countries;
  std::string path = geodb_dir + "/countries.csv";
  if (Status s = LoadCsv(path, {"alpha2", "name"}, &countries); !s.ok()) return s;
  int code_col = countries.Column("alpha2"), name_col = countries.Column("name");
  for (size_t i = 0; i < countries.rows.size(); ++i) {
    const auto& row = countries.rows[i];
    if (CountrySet::Index(row[static_cast<size_t>(code_col)]) < 0) {
      return Status::Corrupt(path + ":" + std::to_string(countries.row_lines[i]) +
                             ": not an alpha-2 code: \"" + row[static_cast<size_t>(code_col)] + "\"");
    }
    out->countries_[row[static_cast<size_t>(code_col)]] = row[static_cast<size_t>(name_col)];
  }
  if (Status s = out->LoadGroups(geodb_dir + "/groups.json"); !s.ok()) return s;
  return out->LoadRegions(geodb_dir + "/regions.csv");
}

Status Jurisdictions::LoadGroups(const std::string& path) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    return Status::Corrupt(path + ": offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()));
  }
  auto corrupt = [&](const std::string& what) { return Status::Corrupt(path + ": " + what); };
  if (!doc.IsObject() || !doc.HasMember("groups") || !doc["groups"].IsObject()) {
    return corrupt("expected an object with \"groups\"");
  }
  auto country_list = [&](const rapidjson::Value& list, const std::string& where, CountrySet* set) {
    if (!list.IsArray()) return corrupt(where + ": expected an array of country codes");
    for (const auto& c : list.GetArray()) {
      if (!c.IsString() || !IsCountry(c.GetString())) return corrupt(where + ": not a country code");
      set->Add(c.GetString());
    }
    return Status::Ok();
  };
  for (auto g = doc["groups"].MemberBegin(); g != doc["groups"].MemberEnd(); ++g) {
    std::string name = g->name.GetString();
    const rapidjson::Value& def = g->value;
    if (!def.IsObject()) return corrupt("groups/" + name + ": expected an object");
    CountrySet set;
    if (def.HasMember("include")) {
      if (!def["include"].IsArray()) return corrupt("groups/" + name + "/include: expected an array");
      for (const auto& inc : def["include"].GetArray()) {
        auto it = inc.IsString() ? groups_.find(inc.GetString()) : groups_.end();
        if (it == groups_.end()) return corrupt("groups/" + name + "/include: unknown or later group");
        set |= it->second;
      }
    }
    if (def.HasMember("members")) {
      if (Status s = country_list(def["members"], "groups/" + name + "/members", &set); !s.ok()) return s;
    }
    if (def.HasMember("territories")) {
      if (!def["territories"].IsObject()) return corrupt("groups/" + name + "/territories: expected an object");
      for (auto t = def["territories"].MemberBegin(); t != def["territories"].MemberEnd(); ++t) {
        if (!IsCountry(t->name.GetString()) || !t->value.IsObject() || !t->value.HasMember("of") ||
            !t->value["of"].IsString()) {
          return corrupt("groups/" + name + "/territories: bad entry");
        }
        set.Add(t->name.GetString());
        territories_[t->name.GetString()] = t->value["of"].GetString();
      }
    }
    if (def.HasMember("decisions")) {
      if (!def["decisions"].IsArray()) return corrupt("groups/" + name + "/decisions: expected an array");
      for (const auto& d : def["decisions"].GetArray()) {
        if (!d.IsObject() || !d.HasMember("country") || !d["country"].IsString() ||
            !IsCountry(d["country"].GetString())) {
          return corrupt("groups/" + name + "/decisions: entry without a valid country");
        }
        auto str = [&](const char* key) {
          return d.HasMember(key) && d[key].IsString() ? std::string(d[key].GetString()) : std::string();
        };
        adequacy_.push_back({str("country"), str("decision"), str("date"), str("scope"), str("note")});
        set.Add(d["country"].GetString());
      }
    }
    groups_[name] = set;
    group_order_.push_back(name);
  }
  if (doc.HasMember("hints") && doc["hints"].IsObject()) {
    for (auto h = doc["hints"].MemberBegin(); h != doc["hints"].MemberEnd(); ++h) {
      if (h->value.IsString()) hints_[h->name.GetString()] = h->value.GetString();
    }
  }
  return Status::Ok();
}

Status Jurisdictions::LoadRegions(const std::string& path) {
  CsvTable table;
  if (Status s = LoadCsv(path, {"provider", "region", "country", "city", "latitude", "longitude", "source"},
                         &table); !s.ok()) {
    return s;
  }
  auto col = [&](const char* name) { return static_cast<size_t>(table.Column(name)); };
  regions_.reserve(regions_.size() + table.rows.size());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    std::string where = path + ":" + std::to_string(table.row_lines[i]) + ": ";
    Region r;
    r.provider = row[col("provider")];
    r.id = row[col("region")];
    r.country = row[col("country")];
    r.city = row[col("city")];
    r.latitude = std::strtod(row[col("latitude")].c_str(), nullptr);
    r.longitude = std::strtod(row[col("longitude")].c_str(), nullptr);
    r.source = row[col("source")];
    if (r.provider.empty() || r.id.empty()) return Status::Corrupt(where + "empty provider or region");
    if (!IsCountry(r.country)) return Status::Corrupt(where + "unknown country \"" + r.country + "\"");
    if (!region_index_.emplace(r.Qualified(), regions_.size()).second) {
      return Status::Corrupt(where + "duplicate region " + r.Qualified());
    }
    regions_.push_back(std::move(r));
  }
  return Status::Ok();
}

std::string Jurisdictions::CountryName(std::string_view code) const {
  auto it = countries_.find(std::string(code));
  return it == countries_.end() ? "" : it->second;
}

const Region* Jurisdictions::FindRegion(std::string_view provider, std::string_view id) const {
  std::string key = std::string(provider) + ":" + std::string(id);
  auto it = region_index_.find(key);
  return it == region_index_.end() ? nullptr : &regions_[it->second];
}

const CountrySet& Jurisdictions::Group(std::string_view name) const {
  static const CountrySet kEmpty;
  auto it = groups_.find(name);
  return it == groups_.end() ? kEmpty : it->second;
}

std::vector<std::string> Jurisdictions::GroupsOf(std::string_view country) const {
  std::vector<std::string> out;
  for (const std::string& g : group_order_) {
    if (groups_.at(g).Contains(country)) out.push_back(g);
  }
  return out;
}

const AdequacyDecision* Jurisdictions::Adequacy(std::string_view country) const {
  for (const AdequacyDecision& d : adequacy_) {
    if (d.country == country) return &d;
  }
  return nullptr;
}

std::string Jurisdictions::TerritoryOf(std::string_view code) const {
  auto it = territories_.find(std::string(code));
  return it == territories_.end() ? "" : it->second;
}

std::string Jurisdictions::Suggest(std::string_view text, bool with_groups) const {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != text && (IsCountry(upper) || (with_groups && groups_.count(upper)))) {
    return " (did you mean \"" + upper + "\"? codes are upper case)";
  }
  if (auto h = hints_.find(upper); h != hints_.end()) {
    return " (did you mean \"" + h->second + "\"? ISO 3166-1 writes " + CountryName(h->second) +
           " as " + h->second + ")";
  }
  // Two-letter codes are all within one edit of many others: a guess would mislead.
  if (text.size() <= 2) return "";
  std::vector<std::string> names;
  if (with_groups) names = group_order_;
  for (const auto& entry : countries_) names.push_back(entry.first);
  return DidYouMean(text, names);
}

bool Jurisdictions::CheckCountry(std::string_view code, std::string* error) const {
  if (IsCountry(code)) return true;
  *error = "unknown country code \"" + std::string(code) + "\"" + Suggest(code, false);
  return false;
}

std::optional<Location> Jurisdictions::ParseLocation(std::string_view text, std::string* error) const {
  Location loc;
  loc.text = std::string(text);
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    std::string_view provider = text.substr(0, colon), id = text.substr(colon + 1);
    if (const Region* r = FindRegion(provider, id)) {
      loc.kind = Location::Kind::kRegion;
      loc.region = r;
      loc.countries.Add(r->country);
      return loc;
    }
    std::vector<std::string> providers, same_provider;
    for (const Region& r : regions_) {
      if (std::find(providers.begin(), providers.end(), r.provider) == providers.end()) {
        providers.push_back(r.provider);
      }
      if (r.provider == provider) same_provider.push_back(r.Qualified());
    }
    if (same_provider.empty()) {
      *error = "unknown provider \"" + std::string(provider) + "\" in location \"" + std::string(text) +
               "\"" + DidYouMean(provider, providers);
    } else {
      *error = "unknown region \"" + std::string(text) + "\"" + DidYouMean(text, same_provider);
    }
    return std::nullopt;
  }
  if (auto g = groups_.find(text); g != groups_.end()) {
    loc.kind = Location::Kind::kGroup;
    loc.countries = g->second;
    return loc;
  }
  if (IsCountry(text)) {
    loc.kind = Location::Kind::kCountry;
    loc.countries.Add(text);
    return loc;
  }
  *error = "unknown location \"" + std::string(text) + "\"" + Suggest(text, true);
  return std::nullopt;
}

}  // namespace residency
