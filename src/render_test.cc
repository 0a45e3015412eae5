// Golden tests of the renderers of render.h on the hand-built reports of
// report_fixture_test.h. The short formats are inline; SARIF and OSCAL, long JSON, are in
// tests/data/render/ (RESIDENCY_UPDATE_GOLDEN=1 rewrites them after an intended change;
// review the diff). Validation against the official schemas is in render_schema_test.cc.
#include "render.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "report_fixture_test.h"
#include "status.h"

namespace residency {
namespace {

using Renderer = void (*)(const VerifyReport&, std::ostream&);

TEST_CASE("Renderers: golden text") {
  struct Case {
    const char* name;
    Renderer render;
    VerifyReport report;
    std::string expected;
  };
  const Case cases[] = {
      {"junit mixed", RenderVerifyJunit, testing::MixedReport(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"residency\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\">\n"
        "  <testsuite name=\"residency verify acme-crm (eucs-substantial)\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\" timestamp=\"2026-11-28T10:00:00Z\">\n"
        "    <properties>\n"
        "      <property name=\"tool.version\" value=\"0.1.0\"/>\n"
        "      <property name=\"manifest.path\" value=\"manifests/examples/acme-crm.json\"/>\n"
        "      <property name=\"manifest.sha256\" value=\"5f2b6d0c1e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c\"/>\n"
        "      <property name=\"profile\" value=\"eucs-substantial\"/>\n"
        "      <property name=\"geodb.dbip\" value=\"aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233\"/>\n"
        "      <property name=\"resolvers\" value=\"192.0.2.53:53\"/>\n"
        "      <property name=\"finished_at\" value=\"2026-11-28T10:00:02Z\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"objstore\" name=\"objstore/bucket\">\n"
        "      <system-out>target: bucket.s3.example.com\n"
        "allowed: DE, FR\n"
        "path: acme-crm -&gt; objstore -&gt; objstore/bucket\n"
        "resolution: ok\n"
        "3.120.0.10 DE inside (2 of 2 sources: DE)\n"
        "info sources-disagree: sources | disagree inside the allowed area: DE vs FR\n"
        "</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"objstore\" name=\"objstore/backup\">\n"
        "      <failure type=\"fail\" message=\"objstore/backup is outside the allowed locations (DE)\">target: backup.s3.example.com\n"
        "allowed: DE\n"
        "path: acme-crm -&gt; objstore -&gt; objstore/backup\n"
        "resolution: ok\n"
        "52.95.0.1 US outside (2 of 2 sources: US)\n"
        "fail location-violation [EUCS DOC-03.1, EUCS PSS-05.2]: 52.95.0.1 is in US, outside the allowed locations DE\n"
        "</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"cdn\" name=\"cdn/edge\">\n"
        "      <skipped message=\"unverified: the location of cdn/edge could not be established\"/>\n"
        "      <system-out>target: www.acme.example\n"
        "allowed: EU\n"
        "path: acme-crm -&gt; cdn -&gt; cdn/edge\n"
        "resolution: ok via acme.cdn.example.net\n"
        "2001:db8::1 - unknown (anycast (cloudflare))\n"
        "unverified location-unverified [EUCS DOC-03.1]: 2001:db8::1 is anycast (cloudflare): the address says nothing of a place\n"
        "</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"findings\" name=\"cdn\">\n"
        "      <system-out>warn subservice-certification-missing [C5 SSO-04.01B]: no certification declared for &quot;cdn&quot; &lt;edge &amp; co | cdn&gt;\n"
        "</system-out>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n"},
      {"junit passing", RenderVerifyJunit, testing::PassingReport(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"residency\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
        "  <testsuite name=\"residency verify acme-crm (eucs-substantial)\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" timestamp=\"2026-11-28T10:00:00Z\">\n"
        "    <properties>\n"
        "      <property name=\"tool.version\" value=\"0.1.0\"/>\n"
        "      <property name=\"manifest.path\" value=\"manifests/examples/acme-crm.json\"/>\n"
        "      <property name=\"manifest.sha256\" value=\"5f2b6d0c1e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c\"/>\n"
        "      <property name=\"profile\" value=\"eucs-substantial\"/>\n"
        "      <property name=\"geodb.dbip\" value=\"aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233\"/>\n"
        "      <property name=\"resolvers\" value=\"192.0.2.53:53\"/>\n"
        "      <property name=\"finished_at\" value=\"2026-11-28T10:00:02Z\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"objstore\" name=\"objstore/bucket\">\n"
        "      <system-out>target: bucket.s3.example.com\n"
        "allowed: DE\n"
        "path: acme-crm -&gt; objstore -&gt; objstore/bucket\n"
        "resolution: ok\n"
        "3.120.0.10 DE inside (1 of 1 sources: DE)\n"
        "</system-out>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n"},
      {"markdown mixed", RenderVerifyMarkdown, testing::MixedReport(),
        "### ❌ residency: **acme-crm** failed (profile eucs-substantial)\n"
        "\n"
        "| endpoints | pass | fail | unverified | findings |\n"
        "|---:|---:|---:|---:|---|\n"
        "| 3 | 1 | 1 | 1 | 1 fail, 1 unverified, 1 warn, 1 info |\n"
        "\n"
        "| | endpoint | observed | allowed | path |\n"
        "|---|---|---|---|---|\n"
        "| ❌ fail | objstore/backup | 52.95.0.1 US (outside) | DE | acme-crm → objstore → objstore/backup |\n"
        "| ⚠️ unverified | cdn/edge | 2001:db8::1 ? (unknown) | EU | acme-crm → cdn → cdn/edge |\n"
        "\n"
        "| status | finding | subject | requirements | where | message |\n"
        "|---|---|---|---|---|---|\n"
        "| fail | location-violation | objstore/backup | EUCS DOC-03.1, EUCS PSS-05.2 | manifests/examples/acme-crm.json:24:11 | 52.95.0.1 is in US, outside the allowed locations DE |\n"
        "| unverified | location-unverified | cdn/edge | EUCS DOC-03.1 | manifests/examples/acme-crm.json:31:9 | 2001:db8::1 is anycast (cloudflare): the address says nothing of a place |\n"
        "| warn | subservice-certification-missing | cdn | C5 SSO-04.01B | manifests/examples/acme-crm.json | no certification declared for \"cdn\" \\<edge & co \\| cdn\\> |\n"
        "\n"
        "<sub>residency 0.1.0, manifest sha256 `5f2b6d0c1e9a`, 2026-11-28T10:00:02Z</sub>\n"},
      {"markdown passing", RenderVerifyMarkdown, testing::PassingReport(),
        "### ✅ residency: **acme-crm** is where it says (profile eucs-substantial)\n"
        "\n"
        "| endpoints | pass | fail | unverified | findings |\n"
        "|---:|---:|---:|---:|---|\n"
        "| 1 | 1 | 0 | 0 | 0 fail, 0 unverified, 0 warn, 0 info |\n"
        "\n"
        "<sub>residency 0.1.0, manifest sha256 `5f2b6d0c1e9a`, 2026-11-28T10:00:02Z</sub>\n"},
      {"dot mixed", RenderVerifyDot, testing::MixedReport(),
        "digraph residency {\n"
        "  graph [rankdir=LR, label=\"ACME CRM (acme-crm)\", labelloc=t, fontname=\"Helvetica\"];\n"
        "  node [fontname=\"Helvetica\", style=filled];\n"
        "  \"acme-crm\" [shape=doubleoctagon, fillcolor=tomato];\n"
        "  \"objstore\" [shape=ellipse, fillcolor=tomato];\n"
        "  \"cdn\" [shape=ellipse, fillcolor=orange];\n"
        "  \"objstore/bucket\" [shape=box, fillcolor=palegreen, label=\"objstore/bucket\\nbucket.s3.example.com\\npass: DE (allowed DE FR)\"];\n"
        "  \"objstore/backup\" [shape=box, fillcolor=tomato, label=\"objstore/backup\\nbackup.s3.example.com\\nfail: US (allowed DE)\"];\n"
        "  \"cdn/edge\" [shape=box, fillcolor=orange, label=\"cdn/edge\\nwww.acme.example\\nunverified: ? (allowed EU)\"];\n"
        "  \"acme-crm\" -> \"objstore\";\n"
        "  \"objstore\" -> \"objstore/bucket\";\n"
        "  \"objstore\" -> \"objstore/backup\";\n"
        "  \"acme-crm\" -> \"cdn\";\n"
        "  \"cdn\" -> \"cdn/edge\";\n"
        "}\n"},
      {"dot passing", RenderVerifyDot, testing::PassingReport(),
        "digraph residency {\n"
        "  graph [rankdir=LR, label=\"ACME CRM (acme-crm)\", labelloc=t, fontname=\"Helvetica\"];\n"
        "  node [fontname=\"Helvetica\", style=filled];\n"
        "  \"acme-crm\" [shape=doubleoctagon, fillcolor=palegreen];\n"
        "  \"objstore\" [shape=ellipse, fillcolor=palegreen];\n"
        "  \"objstore/bucket\" [shape=box, fillcolor=palegreen, label=\"objstore/bucket\\nbucket.s3.example.com\\npass: DE (allowed DE)\"];\n"
        "  \"acme-crm\" -> \"objstore\";\n"
        "  \"objstore\" -> \"objstore/bucket\";\n"
        "}\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::ostringstream out;
    c.render(c.report, out);
    CHECK(out.str() == c.expected);
  }
}

TEST_CASE("Renderers: golden files") {
  struct Case {
    const char* file;
    Renderer render;
  };
  const Case cases[] = {
      {"tests/data/render/mixed.sarif", RenderVerifySarif},
      {"tests/data/render/mixed.oscal.json", RenderVerifyOscal},
  };
  bool update = std::getenv("RESIDENCY_UPDATE_GOLDEN") != nullptr;
  for (const Case& c : cases) {
    INFO(c.file);
    std::ostringstream out;
    c.render(testing::MixedReport(), out);
    if (update) REQUIRE(WriteFileAtomic(c.file, out.str()).ok());
    std::string expected;
    REQUIRE(ReadFile(c.file, &expected).ok());
    CHECK(out.str() == expected);
  }
}

TEST_CASE("Renderers: text that would break the format is escaped") {
  VerifyReport r = testing::PassingReport();
  r.endpoints[0].id = "obj\"store/b<u>|k";
  r.endpoints[0].node = "obj\"store";
  r.endpoints[0].path = {"acme-crm", "obj\"store", r.endpoints[0].id};
  r.endpoints[0].verdict = Verdict::kFail;
  r.findings.push_back({"x", FindingStatus::kFail, r.endpoints[0].id, {}, {}, "a\u0001b\nc", {}});

  std::ostringstream dot;
  RenderVerifyDot(r, dot);
  CHECK(dot.str().find("\"obj\\\"store\" -> \"obj\\\"store/b<u>|k\";") != std::string::npos);

  std::ostringstream junit;
  RenderVerifyJunit(r, junit);
  CHECK(junit.str().find("<testcase classname=\"obj&quot;store\" name=\"obj&quot;store/b&lt;u&gt;|k\">") !=
        std::string::npos);
  CHECK(junit.str().find("a\xEF\xBF\xBD" "b\nc") != std::string::npos);  // U+0001 is not allowed in XML 1.0

  std::ostringstream md;
  RenderVerifyMarkdown(r, md);
  CHECK(md.str().find("| obj\"store/b\\<u\\>\\|k |") != std::string::npos);
  CHECK(md.str().find("a\u0001b c |") != std::string::npos);
}

TEST_CASE("NameUuid: version 5 layout, stable, distinct") {
  std::string a = NameUuid("a");
  CHECK(a.size() == 36);
  CHECK(a[14] == '5');
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);
  CHECK(NameUuid("a") == a);
  CHECK(NameUuid("b") != a);
}

}  // namespace
}  // namespace residency
