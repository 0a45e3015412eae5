#include "requirements.h"

#include <doctest/doctest.h>

#include "embedded.h"
#include "json_source.h"
#include "profile.h"

namespace residency {
namespace {

TEST_CASE("BuiltinRequirementTexts: every requirement a built-in profile cites has a text") {
  const RequirementTexts& texts = BuiltinRequirementTexts();
  REQUIRE_FALSE(texts.empty());
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (!f.path.starts_with("manifests/profiles/")) continue;
    JsonSource source;
    Diagnostic error;
    REQUIRE(source.Parse(std::string(f.path), std::string(f.data), &error));
    for (const auto& rule : source.doc()["rules"].GetArray()) {
      if (!rule.HasMember("requirements")) continue;
      for (const auto& id : rule["requirements"].GetArray()) {
        INFO(f.path, ": ", id.GetString());
        CHECK_FALSE(RequirementText(id.GetString()).empty());
      }
    }
  }
  CHECK(RequirementText("C5 PSS-12.04B") == "Customers are told before any region change.");
  CHECK(RequirementText("EUCS NO-SUCH").empty());
}

TEST_CASE("ParseRequirementTexts: errors are located") {
  struct Case {
    const char* text;
    const char* headline;
  };
  const Case cases[] = {
      {"[]", "req.json:1:1: error: expected an object"},
      {"{\"date\": \"x\"}", "req.json:1:1: error: expected \"requirements\": an object of requirement id to text"},
      {"{\"requirements\": {\n  \"A 1\": 3}}",
       "req.json:2:10: error: expected a non-empty string (at /requirements/A 1)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    RequirementTexts texts;
    Diagnostic error;
    CHECK_FALSE(ParseRequirementTexts("req.json", c.text, &texts, &error));
    CHECK(error.Headline() == c.headline);
  }
  RequirementTexts texts;
  Diagnostic error;
  CHECK(ParseRequirementTexts("req.json", "{\"requirements\": {\"A 1\": \"text\"}}", &texts, &error));
  CHECK(texts.at("A 1") == "text");
}

}  // namespace
}  // namespace residency
