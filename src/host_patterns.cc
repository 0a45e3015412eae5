#include "host_patterns.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace residency {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool HostPatterns::HasShape(std::string_view region, Shape shape) {
  if (!IsDnsLabel(region)) return false;
  std::vector<std::string_view> parts = Split(region, '-');
  switch (shape) {
    case Shape::kAws: {  // letters-...-digits, at least three parts
      if (parts.size() < 3 || !AllOf(parts.back(), IsDigit)) return false;
      for (size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!AllOf(parts[i], IsLower)) return false;
      }
      return true;
    }
    case Shape::kGcp: {  // letters-...-lettersDIGITS
      if (parts.size() < 2) return false;
      for (size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!AllOf(parts[i], IsLower)) return false;
      }
      std::string_view last = parts.back();
      size_t letters = 0;
      while (letters < last.size() && IsLower(last[letters])) ++letters;
      return letters > 0 && letters < last.size() && AllOf(last.substr(letters), IsDigit);
    }
    case Shape::kAzure:  // one word of letters and digits, starting with a letter
      return parts.size() == 1 && region.size() >= 4 && IsLower(region[0]);
    case Shape::kAlibaba:  // letters first, at least two parts
      return parts.size() >= 2 && AllOf(parts[0], IsLower);
    case Shape::kLabel:
      return true;
  }
  return false;
}

bool HostPatterns::MatchRegionLabel(const Label& label, std::string_view text, Shape shape,
                                    std::string* region) {
  if (text.size() <= label.text.size() || text.substr(0, label.text.size()) != label.text) {
    return false;
  }
  std::string_view rest = text.substr(label.text.size());
  if (!label.suffix_star) {
    if (rest.size() <= label.suffix.size() ||
        rest.substr(rest.size() - label.suffix.size()) != label.suffix) {
      return false;
    }
    std::string_view candidate = rest.substr(0, rest.size() - label.suffix.size());
    if (!HasShape(candidate, shape)) return false;
    region->assign(candidate);
    return true;
  }
  // REGION SUFFIX ANYTHING: the shortest region of the right shape followed by the suffix
  // and at least one more character.
  for (size_t len = 1; len + label.suffix.size() < rest.size(); ++len) {
    if (rest.substr(len, label.suffix.size()) != label.suffix) continue;
    std::string_view candidate = rest.substr(0, len);
    if (HasShape(candidate, shape)) {
      region->assign(candidate);
      return true;
    }
  }
  return false;
}

bool HostPatterns::MatchPattern(const Pattern& p, const std::vector<std::string_view>& labels,
                                std::string* region) {
  size_t n = p.labels.size();
  bool many = n > 0 && p.labels[0].kind == Label::Kind::kMany;
  if (many ? labels.size() < n : labels.size() != n) return false;
  // Right to left: the fixed part of the pattern is at the end of the name.
  for (size_t i = 0; i < n; ++i) {
    const Label& label = p.labels[n - 1 - i];
    std::string_view text = labels[labels.size() - 1 - i];
    switch (label.kind) {
      case Label::Kind::kLiteral:
        if (text != label.text) return false;
        break;
      case Label::Kind::kOne:
      case Label::Kind::kMany:  // leftmost; the length check above left it >= 1 label
        break;
      case Label::Kind::kRegion:
        if (!MatchRegionLabel(label, text, p.shape, region)) return false;
        break;
    }
  }
  return true;
}

std::optional<HostMatch> HostPatterns::Match(std::string_view host) const {
  std::string lower(host);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view name = lower;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  std::vector<std::string_view> labels = Split(name, '.');
  for (std::string_view label : labels) {
    if (label.empty()) return std::nullopt;
  }
  for (const Pattern& p : patterns_) {
    std::string region = p.fixed_region;
    if (MatchPattern(p, labels, &region)) {
      return HostMatch{p.provider, region, p.service, p.text};
    }
  }
  return std::nullopt;
}

Status HostPatterns::Parse(std::string_view json, const std::string& origin, HostPatterns* out) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    size_t offset = std::min(doc.GetErrorOffset(), json.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (json[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status::InvalidInput(origin + ":" + std::to_string(line) + ":" + std::to_string(col) +
                                ": invalid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  auto bad = [&](const std::string& pointer, const std::string& what) {
    return Status::InvalidInput(origin + ": " + pointer + ": " + what);
  };
  if (!doc.IsObject() || !doc.HasMember("patterns") || !doc["patterns"].IsArray()) {
    return bad("/patterns", "expected an array of patterns");
  }
  const rapidjson::Value& list = doc["patterns"];
  std::vector<Pattern> patterns;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    std::string at = "/patterns/" + std::to_string(i);
    const rapidjson::Value& item = list[i];
    if (!item.IsObject()) return bad(at, "expected an object");
    auto str = [&](const char* key, bool required, std::string* value) -> Status {
      auto it = item.FindMember(key);
      if (it == item.MemberEnd()) {
        return required ? bad(at, std::string("missing \"") + key + "\"") : Status::Ok();
      }
      if (!it->value.IsString()) return bad(at + "/" + key, "expected a string");
      value->assign(it->value.GetString(), it->value.GetStringLength());
      return Status::Ok();
    };
    Pattern p;
    std::string shape = "label";
    Status s;
    if (!(s = str("pattern", true, &p.text)).ok() || !(s = str("provider", true, &p.provider)).ok() ||
        !(s = str("service", true, &p.service)).ok() || !(s = str("region", false, &p.fixed_region)).ok() ||
        !(s = str("region_shape", false, &shape)).ok()) {
      return s;
    }
    if (shape == "aws") p.shape = Shape::kAws;
    else if (shape == "gcp") p.shape = Shape::kGcp;
    else if (shape == "azure") p.shape = Shape::kAzure;
    else if (shape == "alibaba") p.shape = Shape::kAlibaba;
    else if (shape == "label") p.shape = Shape::kLabel;
    else return bad(at + "/region_shape", "unknown shape \"" + shape + "\" (aws, gcp, azure, alibaba, label)");

    int regions = 0;
    std::vector<std::string_view> parts = Split(p.text, '.');
    for (size_t j = 0; j < parts.size(); ++j) {
      std::string_view part = parts[j];
      Label label;
      size_t open = part.find("{region}");
      if (part == "*") {
        label.kind = Label::Kind::kOne;
      } else if (part == "**") {
        if (j != 0) return bad(at + "/pattern", "\"**\" only as the leftmost label: \"" + p.text + "\"");
        label.kind = Label::Kind::kMany;
      } else if (open != std::string_view::npos) {
        ++regions;
        label.kind = Label::Kind::kRegion;
        label.text = std::string(part.substr(0, open));
        label.suffix = std::string(part.substr(open + 8));
        if (!label.suffix.empty() && label.suffix.back() == '*') {
          label.suffix_star = true;
          label.suffix.pop_back();
        }
      } else if (IsDnsLabel(part)) {
        label.text = std::string(part);
      } else {
        return bad(at + "/pattern", "bad label \"" + std::string(part) + "\" in \"" + p.text + "\"");
      }
      p.labels.push_back(std::move(label));
    }
    if (regions > 1 || (regions == 1) == !p.fixed_region.empty()) {
      return bad(at, "a pattern needs exactly one of a {region} label and a \"region\": \"" + p.text + "\"");
    }
    patterns.push_back(std::move(p));
  }
  out->patterns_ = std::move(patterns);
  return Status::Ok();
}

Status HostPatterns::Load(const std::string& path, HostPatterns* out) {
  std::string text;
  Status s = ReadFile(path, &text);
  if (!s.ok()) return s;
  return Parse(text, path, out);
}

}  // namespace residency
