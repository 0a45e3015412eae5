#include "finding.h"

#include <doctest/doctest.h>

#include "geodb_fixture_test.h"
#include "graph.h"
#include "profile.h"

namespace residency {
namespace {

// Two endpoints under subservice b, which customer data reaches through a.
Manifest TwoEndpoints() {
  std::string text = R"({"manifest_version": 1,
    "service": {"id": "svc", "name": "S", "provider": {"legal_name": "P", "country": "DE"},
                "assurance_level": "basic"},
    "declared_locations": [],
    "subservices": [
      {"id": "a", "name": "A", "operator": {"legal_name": "A", "country": "DE"}},
      {"id": "b", "name": "B", "operator": {"legal_name": "B", "country": "DE"},
       "endpoints": [{"id": "smtp", "host": "smtp.b.example", "activity": "processing", "data": ["customer"]},
                     {"id": "bucket", "ip": "192.0.2.7", "activity": "storage", "data": ["customer"]}]}
    ],
    "flows": [{"from": "svc", "to": "a", "data": ["customer"]}, {"from": "a", "to": "b", "data": ["customer"]}]})";
  Manifest m;
  std::vector<Diagnostic> errors;
  REQUIRE_MESSAGE(ParseManifest("f.json", text, TestJurisdictions(), &m, &errors),
                  (errors.empty() ? "" : errors[0].ToString()));
  return m;
}

std::string Line(const Finding& f) {
  std::string line = f.kind + " " + std::string(FindingStatusName(f.status)) + " " + f.subject + " [";
  for (const std::string& r : f.requirements) line += r + ";";
  line += "] ";
  for (const std::string& p : f.path) line += p + ">";
  return line + " " + f.message + " @" + f.ref.pointer + ":" + std::to_string(f.ref.pos.line) + ":" +
         std::to_string(f.ref.pos.column);
}

std::vector<std::string> Lines(const Findings& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(Line(f));
  return out;
}

}  // namespace

TEST_CASE("an endpoint's finding reads as the whole finding its rule and endpoint make") {
  Manifest m = TwoEndpoints();
  ServiceGraph graph(m);
  CheckRule rule;
  rule.check = "location-violation";
  rule.status = FindingStatus::kWarn;
  rule.requirements = {"EUCS DOC-03.1", "EUCS PSS-05.2"};
  const Endpoint& smtp = m.nodes[2].endpoints[0];
  const Endpoint& bucket = m.nodes[2].endpoints[1];

  Findings findings(&graph);
  findings.push_back(Finding{"manifest-note", FindingStatus::kInfo, "svc", {}, {"svc"}, "first", SourceRef{"/service", {}}});
  findings.push_back(EndpointFinding{&rule, &bucket, "bucket is outside"});
  findings.push_back(Finding{"other", FindingStatus::kFail, "a", {"C5 X"}, {"svc", "a"}, "third", SourceRef{"/subservices/0", {}}});
  findings.push_back(EndpointFinding{&rule, &smtp, "smtp is outside"});

  const std::vector<std::string> want = {
      "manifest-note info svc [] svc> first @/service:0:0",
      "location-violation warn b/bucket [EUCS DOC-03.1;EUCS PSS-05.2;] svc>a>b>b/bucket> bucket is outside @/subservices/1/endpoints/1:" +
          std::to_string(bucket.pos.line) + ":" + std::to_string(bucket.pos.column),
      "other fail a [C5 X;] svc>a> third @/subservices/0:0:0",
      "location-violation warn b/smtp [EUCS DOC-03.1;EUCS PSS-05.2;] svc>a>b>b/smtp> smtp is outside @/subservices/1/endpoints/0:" +
          std::to_string(smtp.pos.line) + ":" + std::to_string(smtp.pos.column),
  };
  REQUIRE(findings.size() == 4);
  CHECK(findings.StatusAt(0) == FindingStatus::kInfo);
  CHECK(findings.StatusAt(1) == FindingStatus::kWarn);
  CHECK(findings.StatusAt(2) == FindingStatus::kFail);
  CHECK(bucket.pos.known());
  CHECK(Lines(findings) == want);

  // One scratch read after read: nothing of the longer finding before stays behind.
  Finding scratch;
  CHECK(Line(findings.At(1, &scratch)) == want[1]);
  CHECK(Line(findings.At(0, &scratch)) == want[0]);  // a whole one is returned as kept
  CHECK(Line(findings.At(3, &scratch)) == want[3]);

  SUBCASE("appended after others, in order, the source left empty") {
    Findings all;
    all.push_back(Finding{"lint", FindingStatus::kWarn, "svc", {}, {}, "before", SourceRef{"", {}}});
    all.Append(&findings);
    CHECK(findings.empty());
    std::vector<std::string> lines = Lines(all);
    REQUIRE(lines.size() == 5);
    CHECK(std::vector<std::string>(lines.begin() + 1, lines.end()) == want);
  }
  SUBCASE("made whole, they no longer need the rule or the graph") {
    findings.MakeWhole();
    rule.check = "changed";
    CHECK(Lines(findings) == want);
  }
  SUBCASE("appended, their messages outlive the findings they came from") {
    Findings all;
    {
      Findings from = findings;  // a copy shares the messages' arena
      findings.clear();
      all.Append(&from);
    }
    CHECK(Lines(all) == want);
  }
  SUBCASE("findings sharing one arena, given memory, appended in rule order") {
    auto arena = std::make_shared<TextArena>();
    std::string memory(TextArena::kMinGiven, 'x');
    const char* given = memory.data();
    arena->Give(std::move(memory));
    Findings first(&graph, arena), second(&graph, arena);
    second.push_back(EndpointFinding{&rule, &smtp, "smtp is outside"});
    first.push_back(EndpointFinding{&rule, &bucket, "bucket is outside"});
    Findings all;
    all.Append(&first);
    all.Append(&second);
    arena.reset();
    first = Findings();
    second = Findings();
    Finding f;
    CHECK(Line(all.At(0, &f)) == want[1]);
    CHECK(Line(all.At(1, &f)) == want[3]);
    // The messages were written into the memory given (which `all` keeps), in the order made.
    CHECK(std::string_view(given, 32) == "smtp is outsidebucket is outside");
  }
  SUBCASE("copied out through the iterator") {
    std::vector<Finding> copied(findings.begin(), findings.end());
    REQUIRE(copied.size() == 4);
    CHECK(Line(copied[1]) == want[1]);
    CHECK(Line(copied[3]) == want[3]);
  }
}

}  // namespace residency
