#include "requirements.h"

#include "embedded.h"
#include "json_source.h"

namespace residency {

namespace {
constexpr std::string_view kRequirementsPath = "manifests/requirements.json";
}  // namespace

bool ParseRequirementTexts(const std::string& path, std::string text, RequirementTexts* out, Diagnostic* error) {
  out->clear();
  JsonSource source;
  if (!source.Parse(path, std::move(text), error)) return false;
  const rapidjson::Value& root = source.doc();
  if (!root.IsObject()) {
    *error = source.At(&root, "", "expected an object");
    return false;
  }
  auto member = root.FindMember("requirements");
  if (member == root.MemberEnd() || !member->value.IsObject()) {
    *error = source.At(&root, "", "expected \"requirements\": an object of requirement id to text");
    return false;
  }
  for (const auto& m : member->value.GetObject()) {
    std::string id(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsString() || m.value.GetStringLength() == 0) {
      *error = source.At(&m.value, PointerAppend("/requirements", id), "expected a non-empty string");
      return false;
    }
    (*out)[id] = std::string(m.value.GetString(), m.value.GetStringLength());
  }
  return true;
}

const RequirementTexts& BuiltinRequirementTexts() {
  static const RequirementTexts texts = [] {
    RequirementTexts t;
    Diagnostic ignored;
    if (!ParseRequirementTexts(std::string(kRequirementsPath), std::string(FindEmbedded(kRequirementsPath)), &t,
                               &ignored)) {
      t.clear();
    }
    return t;
  }();
  return texts;
}

std::string_view RequirementText(std::string_view id) {
  const RequirementTexts& texts = BuiltinRequirementTexts();
  auto it = texts.find(id);
  return it == texts.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace residency
