// The SARIF and OSCAL renderings validated against the official schemas in
// ../shared/schemas/ (beside the project, see shared/schemas/README.md) with RapidJSON's
// SchemaValidator.
//
// RapidJSON 1.1's regex engine knows neither \p{L}/\p{N} nor \S nor "\-" in a class, and a
// pattern it cannot compile is silently dropped from the schema. So before validating,
// every pattern in the schema is compiled: one that fails must have a rewrite in
// kPatternRewrites, or the test fails. Each rewrite accepts a subset of what the original
// accepts (ASCII letters for \p{L}, every Unicode white space for \s), so passing the
// rewritten schema implies passing the original. On top of that, the values those patterns
// govern are found by walking schema and document together and checked with our own code
// (OwnCheck), and the test requires that the walk found some of each.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/internal/regex.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "json_source.h"
#include "render.h"
#include "report_fixture_test.h"
#include "status.h"

namespace residency {
namespace {

const std::string kSchemaDir = std::string(RESIDENCY_SOURCE_DIR) + "/../shared/schemas/";

constexpr const char kTokenPattern[] = "^(\\p{L}|_)(\\p{L}|\\p{N}|[.\\-_])*$";
constexpr const char kStringPattern[] = "^\\S(.*\\S)?$";
constexpr const char kUriPattern[] = "^[a-zA-Z][a-zA-Z0-9+\\-.]+:.+$";

// ECMA-262 white space and line terminators (what \s matches), as a class body; and the
// line terminators alone, which '.' does not match.
#define RESIDENCY_WS " \\t\\n\\r\\f\\v\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#define RESIDENCY_LT "\\n\\r\u2028\u2029"

const std::map<std::string, std::string> kPatternRewrites = {
    {kTokenPattern, "^[A-Za-z_][A-Za-z0-9._-]*$"},
    {kStringPattern, "^[^" RESIDENCY_WS "]([^" RESIDENCY_LT "]*[^" RESIDENCY_WS "])?$"},
    {kUriPattern, "^[a-zA-Z][a-zA-Z0-9+.-]+:[^" RESIDENCY_LT "]+$"},
};

bool Compiles(const std::string& pattern) {
  rapidjson::internal::GenericRegex<rapidjson::UTF8<>> regex(pattern.c_str());
  return regex.IsValid();
}

// A "#/..." reference with the characters RapidJSON's URI-fragment parser refuses
// percent-encoded (OSCAL's definition names contain ':'; RapidJSON 1.1 silently treats such
// a $ref as the empty schema, which accepts anything).
std::string PercentEncodeRef(const std::string& ref) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "#";
  for (size_t i = 1; i < ref.size(); ++i) {
    auto c = static_cast<unsigned char>(ref[i]);
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

// Replaces every pattern RapidJSON cannot compile by its rewrite, and percent-encodes every
// $ref it cannot parse; returns what it could not fix (the caller fails on them) and counts
// what it rewrote in *rewritten.
std::vector<std::string> RewritePatterns(rapidjson::Value& v, rapidjson::Document::AllocatorType& a,
                                        std::map<std::string, size_t>* rewritten) {
  std::vector<std::string> unsupported;
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (std::string(m.name.GetString()) == "pattern" && m.value.IsString()) {
        std::string p = m.value.GetString();
        if (Compiles(p)) continue;
        auto it = kPatternRewrites.find(p);
        if (it == kPatternRewrites.end()) {
          unsupported.push_back(p);
        } else {
          REQUIRE_MESSAGE(Compiles(it->second), it->second);
          m.value.SetString(it->second.c_str(), static_cast<rapidjson::SizeType>(it->second.size()), a);
          ++(*rewritten)[p];
        }
        continue;
      }
      if (std::string(m.name.GetString()) == "$ref" && m.value.IsString()) {
        std::string ref = m.value.GetString();
        if (rapidjson::Pointer(ref.c_str()).IsValid()) continue;
        std::string encoded = PercentEncodeRef(ref);
        if (!rapidjson::Pointer(encoded.c_str()).IsValid()) {
          unsupported.push_back(ref);
        } else {
          m.value.SetString(encoded.c_str(), static_cast<rapidjson::SizeType>(encoded.size()), a);
          ++(*rewritten)["$ref"];
        }
        continue;
      }
      if (std::string(m.name.GetString()) == "patternProperties" && m.value.IsObject()) {
        for (auto& pp : m.value.GetObject()) {
          if (!Compiles(pp.name.GetString())) unsupported.push_back(pp.name.GetString());
        }
      }
      auto more = RewritePatterns(m.value, a, rewritten);
      unsupported.insert(unsupported.end(), more.begin(), more.end());
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) {
      auto more = RewritePatterns(e, a, rewritten);
      unsupported.insert(unsupported.end(), more.begin(), more.end());
    }
  }
  return unsupported;
}

std::string ReadSchema(const std::string& name) {
  std::string text;
  Status s = ReadFile(kSchemaDir + name, &text);
  REQUIRE_MESSAGE(s.ok(), s.message(), " (the schemas live in shared/schemas beside the project)");
  return text;
}

// Validates `json` against `schema`; "" when valid, else where and why.
std::string Validate(const rapidjson::SchemaDocument& schema, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) return "not JSON";
  rapidjson::SchemaValidator validator(schema);
  if (doc.Accept(validator)) return "";
  rapidjson::StringBuffer schema_at, doc_at;
  validator.GetInvalidSchemaPointer().StringifyUriFragment(schema_at);
  validator.GetInvalidDocumentPointer().StringifyUriFragment(doc_at);
  return std::string("keyword ") + validator.GetInvalidSchemaKeyword() + " at document " + doc_at.GetString() +
         ", schema " + schema_at.GetString();
}

// --- Our own checks of the three patterns, on the full Unicode range. ---

std::vector<uint32_t> CodePoints(const std::string& s, bool* ok) {
  std::vector<uint32_t> out;
  *ok = true;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + static_cast<size_t>(n) > s.size()) {
      *ok = false;
      return out;
    }
    uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

bool IsSpace(uint32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF;
}
bool IsLineTerminator(uint32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }
bool IsAsciiLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// StringDatatype: ^\S(.*\S)?$
bool StringOk(const std::string& s) {
  bool ok;
  auto cps = CodePoints(s, &ok);
  if (!ok || cps.empty() || IsSpace(cps.front()) || IsSpace(cps.back())) return false;
  for (uint32_t c : cps) {
    if (IsLineTerminator(c)) return false;
  }
  return true;
}

// TokenDatatype: ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$. Outside ASCII we cannot classify letters
// without Unicode tables, so a non-ASCII token fails here: residency writes ASCII tokens.
bool TokenOk(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool letter = IsAsciiLetter(c) || c == '_';
    bool other = (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!(letter || (i > 0 && other))) return false;
  }
  return true;
}

// URIDatatype: ^[a-zA-Z][a-zA-Z0-9+\-.]+:.+$
bool UriOk(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon < 2 || colon + 1 >= s.size()) return false;
  if (!IsAsciiLetter(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!(IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
  }
  bool ok;
  for (uint32_t c : CodePoints(s.substr(colon + 1), &ok)) {
    if (IsLineTerminator(c)) return false;
  }
  return ok;
}

struct OwnCheck {
  const rapidjson::Value* definitions = nullptr;
  std::map<std::string, size_t> checked;    // pattern -> values checked
  std::vector<std::string> failures;        // "POINTER: VALUE (PATTERN)"

  // Walks schema `s` and instance `v` together: $ref, properties, items, additionalProperties
  // and every branch of allOf/anyOf/oneOf (a superset of the branches that apply, so the
  // check can only be stricter).
  void Walk(const rapidjson::Value& s, const rapidjson::Value& v, const std::string& at, int depth = 0) {
    REQUIRE(depth < 200);
    if (!s.IsObject()) return;
    if (auto ref = s.FindMember("$ref"); ref != s.MemberEnd()) {
      std::string target = ref->value.GetString();
      const std::string prefix = "#/definitions/";
      REQUIRE_MESSAGE(target.starts_with(prefix), target);
      Walk((*definitions)[target.substr(prefix.size()).c_str()], v, at, depth + 1);
    }
    if (auto p = s.FindMember("pattern"); p != s.MemberEnd() && v.IsString()) {
      std::string pattern = p->value.GetString();
      std::string value = v.GetString();
      bool ok = true;
      if (pattern == kTokenPattern) ok = TokenOk(value);
      else if (pattern == kStringPattern) ok = StringOk(value);
      else if (pattern == kUriPattern) ok = UriOk(value);
      else pattern.clear();  // compiled by RapidJSON: validated there
      if (!pattern.empty()) {
        ++checked[pattern];
        if (!ok) failures.push_back(at + ": \"" + value + "\" (" + pattern + ")");
      }
    }
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      if (auto b = s.FindMember(key); b != s.MemberEnd()) {
        for (const auto& branch : b->value.GetArray()) Walk(branch, v, at, depth + 1);
      }
    }
    if (v.IsObject()) {
      auto props = s.FindMember("properties");
      auto extra = s.FindMember("additionalProperties");
      for (const auto& m : v.GetObject()) {
        std::string child = PointerAppend(at, std::string(m.name.GetString()));
        if (props != s.MemberEnd() && props->value.HasMember(m.name)) {
          Walk(props->value[m.name], m.value, child, depth + 1);
        } else if (extra != s.MemberEnd() && extra->value.IsObject()) {
          Walk(extra->value, m.value, child, depth + 1);
        }
      }
    }
    if (v.IsArray()) {
      if (auto items = s.FindMember("items"); items != s.MemberEnd() && items->value.IsObject()) {
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
          Walk(items->value, v[i], PointerAppend(at, static_cast<size_t>(i)), depth + 1);
        }
      }
    }
  }
};

std::vector<std::pair<const char*, VerifyReport>> Reports() {
  VerifyReport odd = testing::MixedReport();
  odd.manifest_path = "/srv/ci/my manifest.json";  // absolute, with a space
  odd.service_name = "  Spaced\tname\n";
  odd.findings.push_back({"undisclosed-use", FindingStatus::kFail, "9 weird subject", {"EUCS DOC-03.1 "}, {}, "multi\nline ",
                          {"", {}}});
  VerifyReport empty = testing::BaseReport();
  empty.started_at.clear();
  empty.finished_at.clear();
  return {{"mixed", testing::MixedReport()}, {"passing", testing::PassingReport()}, {"odd", odd}, {"empty", empty}};
}

TEST_CASE("RenderVerifySarif: valid against the SARIF 2.1.0 schema") {
  rapidjson::Document schema_doc;
  schema_doc.Parse(ReadSchema("sarif-schema-2.1.0.json").c_str());
  REQUIRE_FALSE(schema_doc.HasParseError());
  std::map<std::string, size_t> rewritten;
  std::vector<std::string> unsupported = RewritePatterns(schema_doc, schema_doc.GetAllocator(), &rewritten);
  CHECK_MESSAGE(unsupported.empty(), "patterns RapidJSON would drop: ", unsupported.size());
  CHECK(rewritten.empty());  // SARIF's patterns and references all work as they are
  rapidjson::SchemaDocument schema(schema_doc);
  for (const auto& [name, report] : Reports()) {
    INFO(name);
    std::ostringstream out;
    RenderVerifySarif(report, out);
    CHECK(Validate(schema, out.str()) == "");
  }
  // The validator is live: a result without a message is rejected.
  std::ostringstream out;
  RenderVerifySarif(testing::MixedReport(), out);
  rapidjson::Document broken;
  broken.Parse(out.str().c_str());
  broken["runs"][0]["results"][0].RemoveMember("message");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  broken.Accept(writer);
  CHECK(Validate(schema, buffer.GetString()) != "");
}

TEST_CASE("RenderVerifyOscal: valid against the OSCAL 1.1.3 assessment-results schema") {
  std::string schema_text = ReadSchema("oscal_assessment-results_schema_v1.1.3.json");
  rapidjson::Document original;
  original.Parse(schema_text.c_str());
  REQUIRE_FALSE(original.HasParseError());
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_text.c_str());
  std::map<std::string, size_t> rewritten;
  std::vector<std::string> unsupported = RewritePatterns(schema_doc, schema_doc.GetAllocator(), &rewritten);
  CHECK(rewritten.size() == 4);  // TokenDatatype, StringDatatype, URIDatatype; $refs with ':'
  CHECK(rewritten["$ref"] > 0);
  for (const std::string& p : unsupported) FAIL_CHECK("pattern RapidJSON cannot compile and we do not rewrite: ", p);
  rapidjson::SchemaDocument schema(schema_doc);

  for (const auto& [name, report] : Reports()) {
    INFO(name);
    std::ostringstream out;
    RenderVerifyOscal(report, out);
    CHECK(Validate(schema, out.str()) == "");

    rapidjson::Document doc;
    doc.Parse(out.str().c_str());
    OwnCheck own;
    own.definitions = &original["definitions"];
    own.Walk(original, doc, "");
    for (const std::string& f : own.failures) FAIL_CHECK(f);
    // The own check must have seen values of each rewritten pattern, or it proved nothing.
    CHECK(own.checked[kTokenPattern] > 0);
    CHECK(own.checked[kStringPattern] > 0);
    CHECK(own.checked[kUriPattern] > 0);
  }

  // The validator and the own check are live: each mutation is caught.
  struct Mutation {
    const char* what;
    void (*apply)(rapidjson::Document&);
    bool own_catches;  // the pattern concerned is one of the rewritten ones
  };
  const Mutation mutations[] = {
      {"observation without uuid",
       [](rapidjson::Document& d) { d["assessment-results"]["results"][0]["observations"][0].RemoveMember("uuid"); },
       false},
      {"not a v4/v5 uuid",
       [](rapidjson::Document& d) { d["assessment-results"]["uuid"].SetString("63a780c5-0e24-1147-8758-e425cf357faa"); },
       false},
      {"prop value with a leading space",
       [](rapidjson::Document& d) { d["assessment-results"]["metadata"]["props"][0]["value"].SetString(" x"); }, true},
      {"prop name with a space",
       [](rapidjson::Document& d) { d["assessment-results"]["metadata"]["props"][0]["name"].SetString("a b"); }, true},
      {"ns without a scheme",
       [](rapidjson::Document& d) { d["assessment-results"]["metadata"]["props"][0]["ns"].SetString("residency"); },
       true},
  };
  for (const Mutation& m : mutations) {
    INFO(std::string(m.what));
    std::ostringstream out;
    RenderVerifyOscal(testing::MixedReport(), out);
    rapidjson::Document doc;
    doc.Parse(out.str().c_str());
    m.apply(doc);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    CHECK(Validate(schema, buffer.GetString()) != "");
    OwnCheck own;
    own.definitions = &original["definitions"];
    own.Walk(original, doc, "");
    CHECK(own.failures.empty() == !m.own_catches);
  }
}

TEST_CASE("OSCAL checks catch what they should") {
  struct Case {
    const char* value;
    bool token, string, uri;
  };
  const Case cases[] = {
      {"name", true, true, false},
      {"_x.y-z9", true, true, false},
      {"9lives", false, true, false},
      {"two words", false, true, false},
      {" lead", false, false, false},
      {"trail\u00a0", false, false, false},
      {"multi\nline", false, false, false},
      {"n\u00e9", false, true, false},  // a letter outside ASCII: not decided here, so rejected
      {"urn:x-residency:oscal", false, true, true},
      {"a:b", false, true, false},       // the scheme needs two characters
      {"https://x.example/", false, true, true},
      {"", false, false, false},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    CHECK(TokenOk(c.value) == c.token);
    CHECK(StringOk(c.value) == c.string);
    CHECK(UriOk(c.value) == c.uri);
  }
  // The rewritten patterns agree with the own checks on the same cases (RapidJSON side).
  for (const Case& c : cases) {
    INFO(c.value);
    rapidjson::internal::GenericRegex<rapidjson::UTF8<>> token(kPatternRewrites.at(kTokenPattern).c_str());
    rapidjson::internal::GenericRegex<rapidjson::UTF8<>> str(kPatternRewrites.at(kStringPattern).c_str());
    rapidjson::internal::GenericRegex<rapidjson::UTF8<>> uri(kPatternRewrites.at(kUriPattern).c_str());
    CHECK(token.Search(c.value) == c.token);
    CHECK(str.Search(c.value) == c.string);
    CHECK(uri.Search(c.value) == c.uri);
  }
}

}  // namespace
}  // namespace residency
