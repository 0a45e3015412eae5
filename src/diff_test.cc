#include "diff.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>

#include "commands.h"

namespace residency {
namespace {

constexpr const char* kDir = "tests/data/diff/";

struct Run {
  int code;
  std::string out, err;
};

Run Diff(const std::string& old_name, const std::string& new_name, const std::string& format = "text") {
  DiffOptions options;
  options.old_report = kDir + old_name;
  options.new_report = kDir + new_name;
  options.format = format;
  std::ostringstream out, err;
  int code = RunDiff(options, out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("RunDiff: exit codes on pairs of reports") {
  struct Case {
    const char* old_name;
    const char* new_name;
    int code;
  };
  const Case cases[] = {
      {"base.json", "moved.json", kExitFail},     // the backup moved to the US
      {"base.json", "benign.json", kExitPass},    // new subservice and addresses, all inside
      {"base.json", "base.json", kExitPass},
      {"moved.json", "moved.json", kExitPass},    // already outside is not a change
      {"moved.json", "base.json", kExitPass},     // back inside
      {"base.json", "bad-verdict.json", kExitError},
      {"bad-syntax.json", "base.json", kExitError},
      {"base.json", "no-such-file.json", kExitError},
  };
  for (const Case& c : cases) {
    for (const char* format : {"text", "json"}) {
      INFO(c.old_name, " -> ", c.new_name, " as ", format);
      Run r = Diff(c.old_name, c.new_name, format);
      CHECK(r.code == c.code);
      CHECK(r.err.empty() == (c.code != kExitError));
      CHECK(r.out.empty() == (c.code == kExitError));
    }
  }
}

TEST_CASE("RunDiff: text, golden") {
  struct Case {
    const char* old_name;
    const char* new_name;
    std::string expected;
  };
  const Case cases[] = {
      {"base.json", "moved.json",
        "residency diff tests/data/diff/base.json tests/data/diff/moved.json\n"
        "manifest sha256 111111111111 -> 222222222222\n"
        "\n"
        "subservice mail (added)\n"
        "  endpoints added: mail/smtp\n"
        "  countries added: FR\n"
        "  operators added: AS64500 MAILCO\n"
        "\n"
        "subservice objstore\n"
        "  countries added: US\n"
        "\n"
        "endpoint mail/smtp (added, pass)\n"
        "  addresses added: 185.1.1.1 (FR, inside)\n"
        "  countries added: FR\n"
        "  operators added: AS64500 MAILCO\n"
        "\n"
        "endpoint objstore/backup\n"
        "  verdict: pass -> fail\n"
        "  addresses added: 52.95.0.1 (US, outside)\n"
        "  addresses removed: 3.121.0.5 (DE, inside)\n"
        "  countries added: US\n"
        "  countries removed: DE\n"
        "  operators removed: feed aws\n"
        "  MOVED OUTSIDE: 52.95.0.1 (US, outside)\n"
        "\n"
        "2 subservice(s) and 2 endpoint(s) changed; outside the allowed locations now: objstore/backup\n"},
      {"base.json", "benign.json",
        "residency diff tests/data/diff/base.json tests/data/diff/benign.json\n"
        "\n"
        "subservice cdn (removed)\n"
        "  endpoints removed: cdn/edge\n"
        "  operators removed: feed cloudflare\n"
        "\n"
        "subservice search (added)\n"
        "  endpoints added: search/api\n"
        "  countries added: FR\n"
        "  operators added: AS12876 Scaleway\n"
        "\n"
        "endpoint cdn/edge (removed, was unverified)\n"
        "  addresses removed: 2001:db8::1 (?, unknown)\n"
        "  operators removed: feed cloudflare\n"
        "\n"
        "endpoint objstore/bucket\n"
        "  addresses added: 3.120.0.11 (DE, inside)\n"
        "\n"
        "endpoint search/api (added, pass)\n"
        "  addresses added: 51.15.0.1 (FR, inside)\n"
        "  countries added: FR\n"
        "  operators added: AS12876 Scaleway\n"
        "\n"
        "2 subservice(s) and 3 endpoint(s) changed; nothing moved outside the allowed locations\n"},
      {"base.json", "base.json",
        "residency diff tests/data/diff/base.json tests/data/diff/base.json\n"
        "\n"
        "no location changes\n"},
  };
  for (const Case& c : cases) {
    INFO(c.old_name, " -> ", c.new_name);
    CHECK(Diff(c.old_name, c.new_name).out == c.expected);
  }
}

TEST_CASE("RunDiff: json") {
  Run r = Diff("base.json", "moved.json", "json");
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["diff_version"].GetInt() == 1);
  CHECK(doc["moved_outside"].GetBool());
  CHECK(std::string(doc["old"]["manifest_sha256"].GetString()).starts_with("1111"));
  REQUIRE(doc["subservices"].Size() == 2);
  CHECK(std::string(doc["subservices"][0]["node"].GetString()) == "mail");
  CHECK(std::string(doc["subservices"][0]["change"].GetString()) == "added");
  REQUIRE(doc["endpoints"].Size() == 2);
  const auto& added = doc["endpoints"][0];
  CHECK(std::string(added["id"].GetString()) == "mail/smtp");
  CHECK(added["old_verdict"].IsNull());
  const auto& backup = doc["endpoints"][1];
  CHECK(std::string(backup["new_verdict"].GetString()) == "fail");
  CHECK(backup["became_fail"].GetBool());
  CHECK(std::string(backup["moved_outside"][0]["ip"].GetString()) == "52.95.0.1");
  CHECK(std::string(backup["moved_outside"][0]["country"].GetString()) == "US");
  CHECK(std::string(backup["operators_removed"][0].GetString()) == "feed aws");

  Run same = Diff("base.json", "base.json", "json");
  doc.Parse(same.out.c_str());
  CHECK_FALSE(doc["moved_outside"].GetBool());
  CHECK(doc["endpoints"].Size() == 0);
}

TEST_CASE("RunDiff: wrong invocations") {
  DiffOptions options;
  options.old_report = std::string(kDir) + "base.json";
  options.new_report = std::string(kDir) + "base.json";
  options.format = "sarif";
  std::ostringstream out, err;
  CHECK(RunDiff(options, out, err) == kExitError);
  CHECK(err.str() == "residency: --format: unknown format \"sarif\"; diff writes text or json\n");

  Run r = Diff("base.json", "bad-verdict.json");
  CHECK(r.err ==
        "tests/data/diff/bad-verdict.json:66:18: error: unknown verdict \"failed\" (did you mean \"fail\"?); expected "
        "pass, fail or unverified (at /endpoints/1/verdict)\n"
        "        \"verdict\": \"failed\",\n"
        "                   ^\n");
  r = Diff("bad-syntax.json", "base.json");
  CHECK(r.err.starts_with("tests/data/diff/bad-syntax.json:4:1: error: invalid JSON: trailing comma"));
}

TEST_CASE("ReadVerifyReportJson: located errors") {
  struct Case {
    const char* text;
    const char* headline;
  };
  const Case cases[] = {
      {"[]", "r.json:1:1: error: expected a verify report (a JSON object)"},
      {"{\"endpoints\": []}", "r.json:1:1: error: missing \"report_version\""},
      {"{\"report_version\": 2, \"endpoints\": []}",
       "r.json:1:20: error: unsupported report_version (this residency reads version 1) (at /report_version)"},
      {"{\"report_version\": 1, \"kind\": \"lint\", \"findings\": []}",
       "r.json:1:31: error: this is a lint report; diff compares verify reports (at /kind)"},
      {"{\"report_version\": 1}", "r.json:1:1: error: missing \"endpoints\""},
      {"{\"report_version\": 1, \"endpoints\": {}}",
       "r.json:1:36: error: \"endpoints\" must be an array (at /endpoints)"},
      {"{\"report_version\": 1, \"endpoints\": [\n 7]}",
       "r.json:2:2: error: an endpoint must be an object (at /endpoints/0)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"bucket\", \"verdict\": \"pass\", \"allowed\": [], \"observed\": []}]}",
       "r.json:2:9: error: endpoint id \"bucket\" is not NODE/ENDPOINT (at /endpoints/0/id)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"a/b\", \"verdict\": \"pass\", \"observed\": []}]}",
       "r.json:2:2: error: missing \"allowed\" (at /endpoints/0)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"a/b\", \"verdict\": \"pass\", \"allowed\": [1], \"observed\": []}]}",
       "r.json:2:47: error: expected a string (at /endpoints/0/allowed/0)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"a/b\", \"verdict\": \"pass\", \"allowed\": [], \"observed\": [\n"
       "{\"ip\": \"1.2.3.4\", \"country\": 3}]}]}",
       "r.json:3:30: error: \"country\" must be a string or null (at /endpoints/0/observed/0/country)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"a/b\", \"verdict\": \"pass\", \"allowed\": [], \"observed\": [\n"
       "{\"ip\": \"1.2.3.4\", \"placement\": \"outsid\"}]}]}",
       "r.json:3:32: error: unknown placement \"outsid\" (did you mean \"outside\"?); expected inside, outside or unknown "
       "(at /endpoints/0/observed/0/placement)"},
      {"{\"report_version\": 1, \"endpoints\": [\n {\"id\": \"a/b\", \"verdict\": \"pass\", \"allowed\": [], \"observed\": []},\n"
       " {\"id\": \"a/b\", \"verdict\": \"pass\", \"allowed\": [], \"observed\": []}]}",
       "r.json:3:9: error: duplicate endpoint \"a/b\" (at /endpoints/1/id)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    ReportSnapshot snapshot;
    Diagnostic error;
    CHECK_FALSE(ReadVerifyReportJson("r.json", c.text, &snapshot, &error));
    CHECK(error.Headline() == c.headline);
  }
}

TEST_CASE("DiffReports: an address that stays but is now placed outside moved") {
  auto snapshot = [](const char* placement, const char* country) {
    ReportSnapshot s;
    s.endpoints.push_back({"db/main", "db", "pass", {"DE"}, {{"192.0.2.1", std::string(country), placement, {}}}});
    return s;
  };
  ReportDiff d = DiffReports(snapshot("inside", "DE"), snapshot("outside", "US"));
  CHECK(d.MovedOutside());
  REQUIRE(d.endpoints.size() == 1);
  CHECK(d.endpoints[0].addresses_added.empty());
  CHECK(d.endpoints[0].moved_outside.size() == 1);
  CHECK(d.endpoints[0].countries_added == std::vector<std::string>{"US"});
  CHECK_FALSE(d.endpoints[0].became_fail);  // the verdict field says pass: only the placement tells

  CHECK_FALSE(DiffReports(snapshot("outside", "US"), snapshot("outside", "US")).MovedOutside());
  CHECK_FALSE(DiffReports(snapshot("inside", "DE"), snapshot("unknown", "DE")).MovedOutside());
}

}  // namespace
}  // namespace residency
