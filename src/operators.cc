#include "operators.h"
#include "text_util.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>

namespace residency {
namespace {

// `needle` occurs in `hay` with no letter or digit on either side.
bool ContainsWord(std::string_view hay, std::string_view needle) {
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) {
    bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(hay[at - 1]));
    size_t end = at + needle.size();
    bool right = end == hay.size() || !std::isalnum(static_cast<unsigned char>(hay[end]));
    if (left && right) return true;
  }
  return false;
}

}  // namespace

Status Operators::Parse(std::string_view json, const std::string& origin, Operators* out) {
  *out = Operators();
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return Status::Corrupt(origin + ": offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject() || !doc.HasMember("operators") || !doc["operators"].IsObject()) {
    return Status::Corrupt(origin + ": expected an object with \"operators\"");
  }
  for (auto m = doc["operators"].MemberBegin(); m != doc["operators"].MemberEnd(); ++m) {
    Entry e;
    e.id = m->name.GetString();
    const rapidjson::Value& v = m->value;
    std::string where = origin + ": /operators/" + e.id;
    if (!v.IsObject()) return Status::Corrupt(where + ": expected an object");
    auto strings = [&](const char* key, std::vector<std::string>* list) {
      if (!v.HasMember(key)) return Status::Ok();
      if (!v[key].IsArray()) return Status::Corrupt(where + "/" + key + ": expected an array");
      for (const auto& s : v[key].GetArray()) {
        if (!s.IsString() || s.GetStringLength() == 0) return Status::Corrupt(where + "/" + key + ": expected strings");
        list->push_back(AsciiLower(s.GetString()));
      }
      return Status::Ok();
    };
    if (Status s = strings("names", &e.names); !s.ok()) return s;
    if (Status s = strings("zones", &e.zones); !s.ok()) return s;
    if (v.HasMember("asns")) {
      if (!v["asns"].IsArray()) return Status::Corrupt(where + "/asns: expected an array");
      for (const auto& n : v["asns"].GetArray()) {
        if (!n.IsUint()) return Status::Corrupt(where + "/asns: expected AS numbers");
        e.asns.push_back(n.GetUint());
      }
    }
    out->entries_.push_back(std::move(e));
  }
  return Status::Ok();
}

Status Operators::Load(const std::string& geodb_dir, Operators* out) {
  std::string path = geodb_dir + "/operators.json", text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s;
  return Parse(text, path, out);
}

std::string Operators::ByName(std::string_view name) const {
  std::string lower = AsciiLower(name);
  for (const Entry& e : entries_) {
    for (const std::string& n : e.names) {
      if (ContainsWord(lower, n)) return e.id;
    }
  }
  return "";
}

std::string Operators::ByAsn(uint32_t number) const {
  for (const Entry& e : entries_) {
    if (std::find(e.asns.begin(), e.asns.end(), number) != e.asns.end()) return e.id;
  }
  return "";
}

std::string Operators::ByZone(std::string_view host) const {
  std::string lower = AsciiLower(host);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  for (const Entry& e : entries_) {
    for (const std::string& z : e.zones) {
      if (lower == z || (lower.size() > z.size() && lower.ends_with(z) && lower[lower.size() - z.size() - 1] == '.')) {
        return e.id;
      }
    }
  }
  return "";
}

}  // namespace residency
