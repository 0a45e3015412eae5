#include "manifest.h"

#include <doctest/doctest.h>

#include <string>
#include "geodb_fixture_test.h"

namespace residency {
namespace {

// A small valid manifest; cases replace one part of it. Line numbers in the expected
// messages refer to this layout.
constexpr const char* kValid = R"({
  "manifest_version": 1,
  "service": {
    "id": "acme-crm", "name": "ACME CRM",
    "provider": {"legal_name": "ACME Cloud GmbH", "country": "DE"},
    "assurance_level": "substantial",
    "endpoints": [
      {"id": "api", "host": "api.acme.example", "activity": "processing", "data": ["customer"]}
    ]
  },
  "declared_locations": [
    {"activity": "processing", "data": ["customer"], "locations": ["EU"]}
  ],
  "subservices": [
    {"id": "objstore", "name": "S3", "operator": {"legal_name": "AWS EMEA SARL", "country": "LU"},
     "endpoints": [{"id": "bucket", "ip": "3.120.0.10", "activity": "storage", "data": ["customer"]}]}
  ],
  "flows": [{"from": "acme-crm", "to": "objstore", "data": ["customer"]}]
})";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

std::string FirstError(const std::string& text) {
  Manifest m;
  std::vector<Diagnostic> errors;
  if (ParseManifest("m.json", text, TestJurisdictions(), &m, &errors)) return "";
  return errors.empty() ? "(no diagnostic)" : errors.front().Headline();
}

}  // namespace

TEST_CASE("an endpoint's JSON pointer follows from its node and index") {
  struct Case {
    uint32_t node;
    uint32_t index;
    const char* want;
  };
  for (const Case& c : {Case{0, 0, "/service/endpoints/0"}, Case{0, 17, "/service/endpoints/17"},
                        Case{1, 0, "/subservices/0/endpoints/0"},
                        Case{12, 1234567, "/subservices/11/endpoints/1234567"}}) {
    Endpoint e;
    e.node = c.node;
    e.index = c.index;
    e.pos = SourcePos{4, 9};
    INFO("node ", c.node, " index ", c.index);
    CHECK(e.Pointer() == c.want);
    CHECK(e.Ref().pointer == c.want);
    CHECK(e.Ref().pos == SourcePos{4, 9});
  }
}

TEST_CASE("a SparseString holds nothing while empty and copies what it holds") {
  SparseString a;
  CHECK(a.empty());
  CHECK(a.str().empty());
  a = std::string_view("https://api.acme.example/v1");
  CHECK_FALSE(a.empty());
  SparseString b = a;  // a copy of its own, not a second owner
  a = std::string_view("https://eu.acme.example/");
  CHECK(b == "https://api.acme.example/v1");
  CHECK(a == "https://eu.acme.example/");
  b = a;
  CHECK(b == "https://eu.acme.example/");
  CHECK(&b.str() != &a.str());
  CHECK(b == a);
  CHECK_FALSE(b == SparseString());
  const std::string& held = b;
  CHECK(std::string(held.c_str()) == "https://eu.acme.example/");
  b = std::string_view();  // emptied: nothing held again
  CHECK(b.empty());
  SparseString c = std::move(a);
  CHECK(c == "https://eu.acme.example/");
  b = c;
  b = b;  // NOLINT: self-assignment keeps the text
  CHECK(b == "https://eu.acme.example/");
  static_assert(sizeof(SparseString) == sizeof(void*));
}

TEST_CASE("a valid manifest reads into the model with positions") {
  Manifest m;
  std::vector<Diagnostic> errors;
  REQUIRE(ParseManifest("m.json", kValid, TestJurisdictions(), &m, &errors));
  REQUIRE(m.nodes.size() == 2);
  CHECK(m.service().id == "acme-crm");
  CHECK(m.service().ref.pos == SourcePos{3, 14});
  CHECK(m.QualifiedId(m.nodes[1].endpoints[0]) == "objstore/bucket");
  CHECK(m.nodes[1].endpoints[0].pos == SourcePos{16, 20});
  CHECK(m.nodes[1].endpoints[0].Pointer() == "/subservices/0/endpoints/0");
  CHECK(m.nodes[1].endpoints[0].ip->ToString() == "3.120.0.10");
  CHECK(m.declarations[0].locations[0].countries.Size() == 34);  // EU-27 and 7 territories
  CHECK(m.flows.size() == 1);
  CHECK(m.flows[0].ref.pos == SourcePos{18, 13});
  CHECK(m.sha256.size() == 64);

  // Asked for, the text's memory comes back after the parse, and the model is the same.
  std::string text = kValid;
  text.reserve(1 << 16);
  const char* buffer = text.data();
  std::string memory;
  Manifest again;
  REQUIRE(ParseManifest("m.json", std::move(text), TestJurisdictions(), &again, &errors, &memory));
  CHECK(memory.data() == buffer);
  CHECK(memory.capacity() >= (1 << 16));
  CHECK(again.sha256 == m.sha256);
  CHECK(again.nodes[1].endpoints[0].pos == SourcePos{16, 20});
}

TEST_CASE("x- extensions are free-form anywhere") {
  std::string text = Replace(kValid, "\"manifest_version\": 1,", "\"manifest_version\": 1, \"x-a\": \"s\", \"x-b\": [1, {\"c\": []}],");
  text = Replace(text, "\"id\": \"objstore\",", "\"id\": \"objstore\", \"x-owner\": {\"team\": [\"ops\"]},");
  text = Replace(text, "\"data\": [\"customer\"]}]", "\"data\": [\"customer\"], \"x-n\": 3}]");
  CHECK(FirstError(text) == "");
  // but a misspelt field is not an extension
  CHECK(FirstError(Replace(text, "\"x-n\": 3", "\"xn\": 3")) ==
        "m.json:16:102: error: unknown field \"xn\" (extensions must start with \"x-\") (at /subservices/0/endpoints/0/xn)");
}

TEST_CASE("manifest errors say where and what") {
  struct Case { std::string name; std::string text; std::string expected; };
  const Case cases[] = {
      {"syntax", Replace(kValid, "\"manifest_version\": 1,", "\"manifest_version\": 1,,"),
       "m.json:2:25: error: invalid JSON: Missing a name for object member."},
      {"trailing comma", Replace(kValid, "\"locations\": [\"EU\"]}", "\"locations\": [\"EU\"],}"),
       "m.json:12:74: error: invalid JSON: trailing comma before '}'"},
      {"comment", Replace(kValid, "\"manifest_version\": 1,", "// v1\n  \"manifest_version\": 1,"),
       "m.json:2:3: error: invalid JSON: comments are not allowed in JSON"},
      {"single quotes", Replace(kValid, "\"manifest_version\": 1,", "'manifest_version': 1,"),
       "m.json:2:3: error: invalid JSON: strings and keys need double quotes, not single quotes"},
      {"raw tab in a string", Replace(kValid, "ACME CRM", "ACME\tCRM"),
       "m.json:4:36: error: invalid JSON: control character U+0009 in a string (write it as an escape, e.g. \\t, \\n)"},
      {"trailing garbage", std::string(kValid) + " x",
       "m.json:19:3: error: invalid JSON: The document root must not be followed by other values."},
      {"duplicate key", Replace(kValid, "\"name\": \"ACME CRM\",", "\"name\": \"ACME CRM\", \"name\": \"B\","),
       "m.json:4:43: error: duplicate key \"name\" (first at line 4) (at /service)"},
      {"wrong version", Replace(kValid, "\"manifest_version\": 1", "\"manifest_version\": 2"),
       "m.json:2:23: error: unsupported manifest_version 2: this residency reads version 1 (at /manifest_version)"},
      {"version as string", Replace(kValid, "\"manifest_version\": 1", "\"manifest_version\": \"1\""),
       "m.json:2:23: error: unsupported manifest_version \"1\" (a string): this residency reads version 1 (at /manifest_version)"},
      {"missing field", Replace(kValid, "\"id\": \"acme-crm\", \"name\": \"ACME CRM\",", "\"id\": \"acme-crm\","),
       "m.json:3:14: error: missing required field \"name\" (at /service)"},
      {"unknown field", Replace(kValid, "\"name\": \"ACME CRM\"", "\"nmae\": \"ACME CRM\""),
       "m.json:4:23: error: unknown field \"nmae\" (did you mean \"name\"?) (extensions must start with \"x-\") (at /service/nmae)"},
      {"unknown field, other", Replace(kValid, "\"assurance_level\": \"substantial\",", "\"assurance_level\": \"substantial\", \"applicable_lw\": \"DE\","),
       "m.json:6:39: error: unknown field \"applicable_lw\" (did you mean \"applicable_law\"?) (extensions must start with \"x-\") (at /service/applicable_lw)"},
      {"wrong type", Replace(kValid, "\"data\": [\"customer\"]}\n    ]", "\"data\": \"customer\"}\n    ]"),
       "m.json:8:83: error: expected an array, got a string (at /service/endpoints/0/data)"},
      {"unknown category", Replace(kValid, "\"data\": [\"customer\"], \"locations\"", "\"data\": [\"custmer\"], \"locations\""),
       "m.json:12:41: error: unknown data category \"custmer\" (did you mean \"customer\"?) (custom categories start with \"x-\") (at /declared_locations/0/data/0)"},
      {"unknown activity", Replace(kValid, "\"activity\": \"storage\"", "\"activity\": \"storge\""),
       "m.json:16:69: error: invalid activity \"storge\": expected one of \"storage\", \"backup\", \"processing\", \"administration\", \"support\" (did you mean \"storage\"?) (at /subservices/0/endpoints/0/activity)"},
      {"empty data", Replace(kValid, "\"activity\": \"storage\", \"data\": [\"customer\"]", "\"activity\": \"storage\", \"data\": []"),
       "m.json:16:88: error: empty array: at least 1 item needed (at /subservices/0/endpoints/0/data)"},
      {"bad id", Replace(kValid, "\"id\": \"objstore\"", "\"id\": \"ObjStore\""),
       "m.json:15:12: error: invalid id \"ObjStore\": expected an id: 1 to 63 characters, lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (at /subservices/0/id)"},
      {"lower-case country", Replace(kValid, "\"country\": \"LU\"", "\"country\": \"lu\""),
       "m.json:15:93: error: unknown country code \"lu\" (did you mean \"LU\"? codes are upper case) (at /subservices/0/operator/country)"},
      {"unknown country", Replace(kValid, "\"country\": \"LU\"", "\"country\": \"XX\""),
       "m.json:15:93: error: unknown country code \"XX\" (at /subservices/0/operator/country)"},
      {"EL for Greece", Replace(kValid, "\"country\": \"LU\"", "\"country\": \"EL\""),
       "m.json:15:93: error: unknown country code \"EL\" (did you mean \"GR\"? ISO 3166-1 writes Greece as GR) (at /subservices/0/operator/country)"},
      {"unknown location", Replace(kValid, "\"locations\": [\"EU\"]", "\"locations\": [\"EUU\"]"),
       "m.json:12:68: error: unknown location \"EUU\" (did you mean \"EU\"?) (at /declared_locations/0/locations/0)"},
      {"unknown region", Replace(kValid, "\"locations\": [\"EU\"]", "\"locations\": [\"aws:eu-central-9\"]"),
       "m.json:12:68: error: unknown region \"aws:eu-central-9\" (did you mean \"aws:eu-central-1\"?) (at /declared_locations/0/locations/0)"},
      {"unknown provider", Replace(kValid, "\"locations\": [\"EU\"]", "\"locations\": [\"amazon:eu-central-1\"]"),
       "m.json:12:68: error: unknown provider \"amazon\" in location \"amazon:eu-central-1\" (at /declared_locations/0/locations/0)"},
      {"duplicate node", Replace(kValid, "\"id\": \"objstore\"", "\"id\": \"acme-crm\""),
       "m.json:15:12: error: duplicate node id \"acme-crm\" (first at line 3) (at /subservices/0/id)"},
      {"unknown flow node", Replace(kValid, "\"to\": \"objstore\"", "\"to\": \"objstor\""),
       "m.json:18:40: error: flow names unknown node \"objstor\" (did you mean \"objstore\"?) (at /flows/0/to)"},
      {"host and ip", Replace(kValid, "\"ip\": \"3.120.0.10\"", "\"ip\": \"3.120.0.10\", \"host\": \"a.example\""),
       "m.json:16:20: error: endpoint \"bucket\" has both \"host\" and \"ip\": exactly one of \"host\", \"ip\", \"url\" is allowed (at /subservices/0/endpoints/0)"},
      {"no target", Replace(kValid, "\"ip\": \"3.120.0.10\", ", ""),
       "m.json:16:20: error: endpoint \"bucket\" has none of \"host\", \"ip\", \"url\": exactly one is needed (at /subservices/0/endpoints/0)"},
      {"bad ip", Replace(kValid, "\"3.120.0.10\"", "\"300.1.1.1\""),
       "m.json:16:43: error: invalid IP address \"300.1.1.1\": expected an IPv4 or IPv6 literal (at /subservices/0/endpoints/0/ip)"},
      {"ip as host", Replace(kValid, "\"host\": \"api.acme.example\"", "\"host\": \"10.1.2.3\""),
       "m.json:8:29: error: \"10.1.2.3\" is an IP address: write it as \"ip\", not \"host\" (at /service/endpoints/0/host)"},
      {"bad host", Replace(kValid, "api.acme.example", "api..acme.example"),
       "m.json:8:29: error: invalid host name \"api..acme.example\": empty label (two dots in a row, or a leading dot) (at /service/endpoints/0/host)"},
      {"ftp url", Replace(kValid, "\"host\": \"api.acme.example\"", "\"url\": \"ftp://api.acme.example/\""),
       "m.json:8:28: error: unsupported URL scheme \"ftp\" in \"ftp://api.acme.example/\": expected http or https (at /service/endpoints/0/url)"},
      {"nul byte", Replace(kValid, "ACME CRM", std::string("ACME\0CRM", 8)),
       "m.json:4:36: error: NUL byte in the file (a JSON text never contains one)"},
      {"invalid utf-8", Replace(kValid, "ACME CRM", "ACME \xff CRM"),
       "m.json:4:37: error: invalid JSON: Invalid encoding in string."},
      {"empty", "", "m.json: error: empty file, expected a JSON object"},
      {"top-level array", "[]", "m.json:1:1: error: expected an object, got an array"},
      {"deep", std::string(100000, '[') + std::string(100000, ']'),
       "m.json:1:65: error: nesting deeper than 64 levels"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(FirstError(c.text) == c.expected);
  }
}

TEST_CASE("host names: Unicode to A-labels, DNS syntax") {
  struct Case { std::string in; std::string out; std::string error; };
  const Case cases[] = {
      {"API.Example.COM.", "api.example.com", ""},
      {"bücher.example", "xn--bcher-kva.example", ""},
      {"straße.example", "xn--strae-oqa.example", ""},
      {"localhost", "", "not a fully qualified name (a single label would depend on the resolver's search list)"},
      {"-a.example", "", "label \"-a\" starts or ends with '-'"},
      {"a_b.example", "", "character '_' not allowed in a host name (letters, digits, '-')"},
      {"a.123", "", "all-numeric top-level label"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    std::string out, error;
    bool ok = NormalizeHostName(c.in, &out, &error);
    CHECK(ok == c.error.empty());
    CHECK(out == c.out);
    CHECK(error == c.error);
  }
  std::string out, error;
  CHECK(!NormalizeHostName(std::string(64, 'a') + ".example", &out, &error));
  CHECK(error == "label \"aaaaaaaaaaaaaaaaaaaa...\" longer than 63 characters");
}

}  // namespace residency
