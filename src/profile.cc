#include "profile.h"

#include <algorithm>

#include "embedded.h"
#include "json_source.h"

namespace residency {
namespace {

using rapidjson::Value;

constexpr int kMaxExtendsDepth = 8;

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

class ProfileReader {
 public:
  ProfileReader(const JsonSource& src, const Jurisdictions& j, Diagnostic* error)
      : src_(src), j_(j), error_(error) {}

  // Reads the document into *p (on top of what an "extends" put there).
  bool Read(Profile* p, int depth);

 private:
  bool Fail(const Value* at, const std::string& pointer, const std::string& message) {
    *error_ = src_.At(at, pointer, message);
    return false;
  }
  bool String(const Value& obj, const char* key, const std::string& pointer, bool required, std::string* out);
  bool StringList(const Value& obj, const char* key, const std::string& pointer, std::vector<std::string>* out);
  bool ReadRule(const Value& v, const std::string& pointer, CheckRule* rule);

  const JsonSource& src_;
  const Jurisdictions& j_;
  Diagnostic* error_;
};

bool ProfileReader::String(const Value& obj, const char* key, const std::string& pointer, bool required,
                           std::string* out) {
  if (!obj.HasMember(key)) {
    return required ? Fail(&obj, pointer, std::string("missing required field \"") + key + "\"") : true;
  }
  const Value& v = obj[key];
  if (!v.IsString()) return Fail(&v, pointer + "/" + key, "expected a string");
  *out = Str(v);
  return true;
}

bool ProfileReader::StringList(const Value& obj, const char* key, const std::string& pointer,
                               std::vector<std::string>* out) {
  if (!obj.HasMember(key)) return true;
  const Value& v = obj[key];
  if (!v.IsArray()) return Fail(&v, pointer + "/" + key, "expected an array of strings");
  out->clear();
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (!v[i].IsString()) return Fail(&v[i], PointerAppend(pointer + "/" + key, i), "expected a string");
    out->push_back(Str(v[i]));
  }
  return true;
}

bool ProfileReader::ReadRule(const Value& v, const std::string& pointer, CheckRule* rule) {
  if (!v.IsObject()) return Fail(&v, pointer, "expected an object");
  static const std::vector<std::string> kFields = {"check", "status", "requirements", "activities",
                                                   "categories", "within"};
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string key = Str(m->name);
    if (key.rfind("x-", 0) == 0 || std::find(kFields.begin(), kFields.end(), key) != kFields.end()) continue;
    return Fail(&m->name, pointer, "unknown field \"" + key + "\"" + DidYouMean(key, kFields));
  }
  rule->ref = SourceRef{pointer, src_.PosOf(&v)};
  if (!String(v, "check", pointer, true, &rule->check)) return false;
  if (std::find(KnownChecks().begin(), KnownChecks().end(), rule->check) == KnownChecks().end()) {
    return Fail(&v["check"], pointer + "/check",
                "unknown check \"" + rule->check + "\"" + DidYouMean(rule->check, KnownChecks()));
  }
  std::string status;
  if (!String(v, "status", pointer, true, &status)) return false;
  if (status == "off") {
    rule->check.insert(0, "-");  // marks a rule that switches the check off
  } else if (auto s = ParseFindingStatus(status)) {
    rule->status = *s;
  } else {
    return Fail(&v["status"], pointer + "/status",
                "invalid status \"" + status + "\": expected \"fail\", \"unverified\", \"warn\", \"info\" or \"off\"");
  }
  if (!StringList(v, "requirements", pointer, &rule->requirements)) return false;
  std::vector<std::string> activities;
  if (!StringList(v, "activities", pointer, &activities)) return false;
  for (size_t i = 0; i < activities.size(); ++i) {
    auto a = ParseActivity(activities[i]);
    if (!a) {
      return Fail(&v["activities"][static_cast<rapidjson::SizeType>(i)], PointerAppend(pointer + "/activities", i),
                  "unknown activity \"" + activities[i] + "\"");
    }
    rule->activities.push_back(*a);
  }
  if (!StringList(v, "categories", pointer, &rule->categories)) return false;
  if (!String(v, "within", pointer, false, &rule->within)) return false;
  if (!rule->within.empty()) {
    std::string message;
    if (!j_.ParseLocation(rule->within, &message)) return Fail(&v["within"], pointer + "/within", message);
  }
  return true;
}

bool ProfileReader::Read(Profile* p, int depth) {
  const Value& root = src_.doc();
  if (!root.IsObject()) return Fail(&root, "", "expected a profile object");
  if (!root.HasMember("profile_version") || !root["profile_version"].IsInt() ||
      root["profile_version"].GetInt() != 1) {
    return Fail(root.HasMember("profile_version") ? &root["profile_version"] : &root, "/profile_version",
                "expected \"profile_version\": 1");
  }
  static const std::vector<std::string> kFields = {"profile_version", "name", "title", "scheme",
                                                   "source", "extends", "rules"};
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    std::string key = Str(m->name);
    if (key.rfind("x-", 0) == 0 || std::find(kFields.begin(), kFields.end(), key) != kFields.end()) continue;
    return Fail(&m->name, "", "unknown field \"" + key + "\"" + DidYouMean(key, kFields));
  }
  std::string extends;
  if (!String(root, "extends", "", false, &extends)) return false;
  if (!extends.empty()) {
    auto names = BuiltinProfileNames();
    if (std::find(names.begin(), names.end(), extends) == names.end()) {
      return Fail(&root["extends"], "/extends",
                  "unknown built-in profile \"" + extends + "\"" + DidYouMean(extends, names));
    }
    if (depth >= kMaxExtendsDepth) return Fail(&root["extends"], "/extends", "\"extends\" nested too deep (a cycle?)");
    std::string text(FindEmbedded("manifests/profiles/" + extends + ".json"));
    JsonSource parent;
    if (!parent.Parse("manifests/profiles/" + extends + ".json", std::move(text), error_)) return false;
    if (!ProfileReader(parent, j_, error_).Read(p, depth + 1)) return false;
  }
  if (!String(root, "name", "", true, &p->name)) return false;
  if (!String(root, "title", "", false, &p->title)) return false;
  if (!String(root, "scheme", "", false, &p->scheme)) return false;
  if (!String(root, "source", "", false, &p->source)) return false;
  if (!root.HasMember("rules") || !root["rules"].IsArray()) {
    return Fail(root.HasMember("rules") ? &root["rules"] : &root, "/rules", "expected \"rules\": an array of rules");
  }
  std::vector<CheckRule> own;
  const Value& rules = root["rules"];
  for (rapidjson::SizeType i = 0; i < rules.Size(); ++i) {
    CheckRule rule;
    if (!ReadRule(rules[i], PointerAppend("/rules", i), &rule)) return false;
    own.push_back(std::move(rule));
  }
  // The rules of a check named here replace those of the profile extended.
  for (const CheckRule& r : own) {
    std::string check = r.check[0] == '-' ? r.check.substr(1) : r.check;
    std::erase_if(p->rules, [&](const CheckRule& old) { return old.check == check; });
  }
  for (CheckRule& r : own) {
    if (r.check[0] != '-') p->rules.push_back(std::move(r));
  }
  return true;
}

}  // namespace

std::string_view FindingStatusName(FindingStatus s) {
  switch (s) {
    case FindingStatus::kInfo: return "info";
    case FindingStatus::kWarn: return "warn";
    case FindingStatus::kUnverified: return "unverified";
    case FindingStatus::kFail: return "fail";
  }
  return "?";
}

std::optional<FindingStatus> ParseFindingStatus(std::string_view name) {
  for (FindingStatus s : {FindingStatus::kInfo, FindingStatus::kWarn, FindingStatus::kUnverified, FindingStatus::kFail}) {
    if (FindingStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<const CheckRule*> Profile::RulesFor(std::string_view check) const {
  std::vector<const CheckRule*> out;
  for (const CheckRule& r : rules) {
    if (r.check == check) out.push_back(&r);
  }
  return out;
}

const std::vector<std::string>& KnownChecks() {
  static const std::vector<std::string> checks = {
      "undisclosed-use",
      "undeclared-flow",
      "declared-region-outside",
      "activity-undeclared",
      "category-undeclared",
      "support-operations-missing",
      "backup-undeclared",
      "backup-same-site",
      "subservice-locations-undeclared",
      "subservice-certification-missing",
      "subservice-without-endpoints",
      "coarse-location",
      "locations-outside",
      "jurisdiction-exposure",
      "parent-country-undeclared",
      "applicable-law-undeclared",
      // Measured by verify.
      "location-violation",
      "unverifiable",
      "region-mismatch",
      "undisclosed-operator",
  };
  return checks;
}

std::vector<std::string> BuiltinProfileNames() {
  std::vector<std::string> names;
  constexpr std::string_view kDir = "manifests/profiles/";
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path.substr(0, kDir.size()) == kDir && f.path.ends_with(".json")) {
      names.emplace_back(f.path.substr(kDir.size(), f.path.size() - kDir.size() - 5));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string DefaultProfileName(std::string_view assurance_level) {
  return "eucs-" + std::string(assurance_level);
}

bool LoadProfile(const std::string& name_or_path, const Jurisdictions& jurisdictions, Profile* profile,
                 Diagnostic* error) {
  *profile = Profile();
  std::string path, text;
  auto names = BuiltinProfileNames();
  if (std::find(names.begin(), names.end(), name_or_path) != names.end()) {
    path = "manifests/profiles/" + name_or_path + ".json";
    text = std::string(FindEmbedded(path));
  } else {
    path = name_or_path;
    Status s = ReadFile(path, &text);
    if (!s.ok()) {
      bool looks_like_name = name_or_path.find('/') == std::string::npos &&
                             name_or_path.find('.') == std::string::npos;
      std::string msg = looks_like_name
                            ? "unknown profile \"" + name_or_path + "\"" + DidYouMean(name_or_path, names) +
                                  "; built-in profiles: "
                            : s.message().substr(s.message().find(": ") + 2);
      if (looks_like_name) {
        for (size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : "") + names[i];
      }
      *error = Diagnostic{looks_like_name ? "--profile" : path, {}, "", msg, ""};
      return false;
    }
  }
  JsonSource src;
  if (!src.Parse(path, std::move(text), error)) return false;
  return ProfileReader(src, jurisdictions, error).Read(profile, 0);
}

}  // namespace residency
