#include "sample.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "report.h"

namespace residency {
namespace {

// Reference values: the large-population rows are the AICPA attribute-sampling table
// (5% and 10% risk of overreliance, 1% for 99%); every row, small populations included,
// was also computed with exact rational arithmetic (Python fractions, math.comb).
TEST_CASE("ComputeSampleSize: audit tables and finite populations") {
  struct Case {
    uint64_t population;
    double confidence, tolerable, expected;
    uint64_t n, k, m;
    bool census;
  };
  const Case cases[] = {
      {100000, 0.95, 0.05, 0, 59, 0, 5000, false},
      {100000, 0.95, 0.05, 0.01, 93, 1, 5000, false},
      {100000, 0.95, 0.05, 0.0125, 124, 2, 5000, false},
      {100000, 0.95, 0.05, 0.0175, 153, 3, 5000, false},
      {100000, 0.95, 0.05, 0.02, 181, 4, 5000, false},
      {100000, 0.90, 0.05, 0, 45, 0, 5000, false},
      {100000, 0.95, 0.10, 0, 29, 0, 10000, false},
      {100000, 0.99, 0.05, 0, 90, 0, 5000, false},
      // Finite populations: fewer than the table's 59.
      {1000, 0.95, 0.05, 0.01, 90, 1, 50, false},
      {500, 0.95, 0.05, 0, 56, 0, 25, false},
      {200, 0.95, 0.05, 0, 51, 0, 10, false},
      {100, 0.95, 0.05, 0, 45, 0, 5, false},
      {50, 0.90, 0.10, 0, 18, 0, 5, false},
      {15, 0.95, 0.20, 0, 9, 0, 3, false},
      // One tolerable deviation in 15 can only be excluded by looking at all 15.
      {15, 0.95, 0.05, 0, 15, 0, 1, true},
      {20, 0.95, 0.10, 0.05, 20, 1, 2, true},
      {1, 0.95, 0.05, 0, 1, 0, 1, true},
  };
  for (const Case& c : cases) {
    INFO("N=", c.population, " confidence=", c.confidence, " tolerable=", c.tolerable, " expected=", c.expected);
    SampleSize s = ComputeSampleSize(c.population, c.confidence, c.tolerable, c.expected);
    CHECK(s.sample_size == c.n);
    CHECK(s.acceptance_number == c.k);
    CHECK(s.tolerable_deviations == c.m);
    CHECK(s.census == c.census);
    if (!c.census) CHECK(s.risk <= 1 - c.confidence);
  }
}

TEST_CASE("HypergeometricCdf: exact small cases") {
  struct Case {
    uint64_t N, M, n, k;
    double p;
  };
  const Case cases[] = {
      {15, 3, 9, 0, 220.0 / 5005.0},  // C(12,9)/C(15,9)
      {15, 3, 8, 0, 495.0 / 6435.0},
      {10, 0, 5, 0, 1.0},
      {10, 10, 5, 4, 0.0},
      {10, 10, 5, 5, 1.0},
      {10, 8, 5, 2, 0.0},             // at least 3 marked in any 5 of these 10
      {52, 4, 5, 0, 0.6588419},       // no ace in a poker hand
  };
  for (const Case& c : cases) {
    INFO("N=", c.N, " M=", c.M, " n=", c.n, " k=", c.k);
    CHECK(HypergeometricCdf(c.N, c.M, c.n, c.k) == doctest::Approx(c.p).epsilon(1e-6));
  }
}

TEST_CASE("UpperDeviationBound: exact values") {
  struct Case {
    uint64_t N, n, d;
    double confidence;
    uint64_t bound;
  };
  const Case cases[] = {
      {15, 9, 0, 0.95, 2}, {15, 9, 1, 0.95, 4}, {100, 45, 0, 0.95, 4},
      {1000, 59, 0, 0.95, 48}, {200, 50, 2, 0.90, 18},
      {15, 15, 0, 0.95, 0}, {15, 15, 3, 0.95, 3},  // a census knows the count
  };
  for (const Case& c : cases) {
    INFO("N=", c.N, " n=", c.n, " d=", c.d, " confidence=", c.confidence);
    CHECK(UpperDeviationBound(c.N, c.n, c.d, c.confidence) == c.bound);
  }
}

TEST_CASE("AllocateProportional: largest remainder, one per stratum when possible") {
  struct Case {
    std::vector<uint64_t> sizes;
    uint64_t total;
    std::vector<uint64_t> want;
  };
  const Case cases[] = {
      {{7, 2, 3, 2, 1}, 9, {4, 1, 2, 1, 1}},  // 5 first, then 4 over {6,1,2,1,0}
      {{7, 2, 3, 2, 1}, 15, {7, 2, 3, 2, 1}},
      {{7, 2, 3, 2, 1}, 3, {2, 0, 1, 0, 0}},  // fewer than strata: plain proportional
      {{100, 0, 1}, 10, {9, 0, 1}},
      {{5, 5}, 3, {2, 1}},                    // tie: the earlier stratum
      {{0, 0}, 0, {0, 0}},
  };
  for (const Case& c : cases) {
    std::ostringstream in;
    for (uint64_t s : c.sizes) in << s << " ";
    INFO("sizes ", in.str(), "total ", c.total);
    CHECK(AllocateProportional(c.sizes, c.total) == c.want);
  }
}

TEST_CASE("UniformIndex: fixed sequence for a seed, in range") {
  std::mt19937_64 a(42), b(42);
  for (uint64_t bound : {1ull, 2ull, 3ull, 7ull, 1000ull, (1ull << 63) + 1}) {
    for (int i = 0; i < 100; ++i) {
      uint64_t x = UniformIndex(a, bound);
      CHECK(x < bound);
      CHECK(x == UniformIndex(b, bound));
    }
  }
  // The standard fixes mt19937_64's 10000th output for the default seed.
  std::mt19937_64 d;
  d.discard(9999);
  CHECK(d() == 9981545732273789042ull);
}

TEST_CASE("Sample plan: JSON round trip and located errors") {
  SamplePlan plan;
  plan.tool_version = "test";
  plan.manifest_path = "m.json";
  plan.manifest_sha256 = std::string(64, 'a');
  plan.service_id = "svc";
  plan.parameters = SampleParameters{0.95, 0.2, 0, 7};
  plan.size = ComputeSampleSize(3, 0.95, 0.2, 0);
  plan.strata = {{"svc", 2, {"svc/a", "svc/b"}}, {"sub", 1, {"sub/x"}}};
  std::ostringstream json;
  RenderSamplePlanJson(plan, json);
  char path[] = "/tmp/residency-plan-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream f(path);
    f << json.str();
  }
  SamplePlan back;
  Status s = ReadSamplePlan(path, &back);
  CHECK_MESSAGE(s.ok(), s.message());
  CHECK(back.manifest_sha256 == plan.manifest_sha256);
  CHECK(back.parameters.seed == 7);
  CHECK(back.EndpointIds() == std::vector<std::string>{"svc/a", "svc/b", "sub/x"});
  {
    std::ofstream f(path);
    f << "{\"kind\": \"sample-plan\", \"manifest\": {\"sha256\": \"x\"},\n \"parameters\": {\"confidence\": 2}}";
  }
  s = ReadSamplePlan(path, &back);
  CHECK(!s.ok());
  CAPTURE(s.message());
  CHECK(s.message().find(std::string(path) + ":2:31:") == 0);
  std::remove(path);
}

TEST_CASE("verify --sample: the report's sample object, text and schema") {
  VerifyReport r;
  r.tool_version = "test";
  r.manifest_sha256 = std::string(64, 'a');
  r.profile = "eucs-high";
  r.started_at = r.finished_at = "2026-01-01T00:00:00.000Z";
  SampleResult s;
  s.plan_path = "plan.json";
  s.parameters = SampleParameters{0.95, 0.2, 0, 7};
  s.population = 15;
  s.sample_size = s.checked = 9;
  s.deviations_unverified = 1;
  s.upper_bound_deviations = UpperDeviationBound(15, 9, 1, 0.95);
  s.upper_bound_rate = static_cast<double>(s.upper_bound_deviations) / 15;
  r.sample = s;
  CHECK(!s.WithinTolerable());  // 4 of 15 is above 20%
  std::ostringstream text;
  RenderVerifyText(r, text);
  CHECK(text.str().find("upper bound of the deviation rate at 95% confidence: 26.67% (4 of 15), tolerable 20.00%: EXCEEDED") !=
        std::string::npos);

  std::string schema_text;
  REQUIRE(ReadFile("docs/report.schema.json", &schema_text).ok());
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_text.c_str());
  REQUIRE(!schema_doc.HasParseError());
  rapidjson::SchemaDocument schema(schema_doc);
  std::ostringstream json;
  RenderVerifyJson(r, json);
  rapidjson::Document doc;
  doc.Parse(json.str().c_str());
  REQUIRE(!doc.HasParseError());
  rapidjson::SchemaValidator validator(schema);
  bool valid = doc.Accept(validator);
  rapidjson::StringBuffer where;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
  CAPTURE(where.GetString());
  CHECK(valid);
  CHECK(doc["sample"]["deviations"]["total"].GetInt() == 1);
  CHECK(doc["sample"]["upper_bound_deviations"].GetInt() == 4);
  CHECK(doc["sample"]["within_tolerable"].GetBool() == false);
}

}  // namespace
}  // namespace residency
