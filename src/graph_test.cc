#include "graph.h"

#include <doctest/doctest.h>

#include "text_util.h"

namespace residency {
namespace {

// A manifest with nodes svc, a, b, c and the given flows (JSON array text).
Manifest WithFlows(const std::string& flows) {
  static Jurisdictions j;
  static bool loaded = Jurisdictions::Load("geodb", &j).ok();
  REQUIRE(loaded);
  std::string text = R"({"manifest_version": 1,
    "service": {"id": "svc", "name": "S", "provider": {"legal_name": "P", "country": "DE"},
                "assurance_level": "basic"},
    "declared_locations": [],
    "subservices": [
      {"id": "a", "name": "A", "operator": {"legal_name": "A", "country": "DE"}},
      {"id": "b", "name": "B", "operator": {"legal_name": "B", "country": "DE"},
       "endpoints": [{"id": "smtp", "host": "smtp.b.example", "activity": "processing", "data": ["account", "customer"]}]},
      {"id": "c", "name": "C", "operator": {"legal_name": "C", "country": "DE"}}
    ],
    "flows": )" + flows + "}";
  Manifest m;
  std::vector<Diagnostic> errors;
  bool ok = ParseManifest("g.json", text, j, &m, &errors);
  REQUIRE_MESSAGE(ok, (errors.empty() ? "" : errors[0].ToString()));
  return m;
}

}  // namespace

TEST_CASE("categories reach nodes along flows that carry them") {
  struct Case { std::string flows; size_t node; std::string category; std::string path; };
  const Case cases[] = {
      {R"([{"from": "svc", "to": "a", "data": ["customer"]}])", 1, "customer", "svc -> a"},
      {R"([{"from": "svc", "to": "a", "data": ["customer"]}])", 1, "account", ""},
      {R"([{"from": "svc", "to": "a", "data": ["customer"]}, {"from": "a", "to": "b", "data": ["customer"]}])", 2, "customer", "svc -> a -> b"},
      // a category must be carried on every hop
      {R"([{"from": "svc", "to": "a", "data": ["account"]}, {"from": "a", "to": "b", "data": ["customer"]}])", 2, "customer", ""},
      // cycles are legal and terminate
      {R"([{"from": "svc", "to": "a", "data": ["customer"]}, {"from": "a", "to": "b", "data": ["customer"]}, {"from": "b", "to": "a", "data": ["customer"]}])", 2, "customer", "svc -> a -> b"},
      // flows into the service do not make anything reach it from elsewhere
      {R"([{"from": "c", "to": "svc", "data": ["customer"]}])", 3, "customer", ""},
      // the shortest path is named
      {R"([{"from": "svc", "to": "a", "data": ["x-logs"]}, {"from": "a", "to": "c", "data": ["x-logs"]}, {"from": "c", "to": "b", "data": ["x-logs"]}, {"from": "svc", "to": "c", "data": ["x-logs"]}])", 2, "x-logs", "svc -> c -> b"},
      // of two shortest paths, the one through the node whose flow comes first in the manifest
      {R"([{"from": "svc", "to": "a", "data": ["customer"]}, {"from": "svc", "to": "c", "data": ["customer"]}, {"from": "c", "to": "b", "data": ["customer"]}, {"from": "a", "to": "b", "data": ["customer"]}])", 2, "customer", "svc -> a -> b"},
      {R"([{"from": "svc", "to": "c", "data": ["customer"]}, {"from": "a", "to": "b", "data": ["customer"]}, {"from": "svc", "to": "a", "data": ["customer"]}, {"from": "c", "to": "b", "data": ["customer"]}])", 2, "customer", "svc -> c -> b"},
      {"[]", 0, "customer", "svc"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.flows);
    CAPTURE(c.category);
    Manifest m = WithFlows(c.flows);
    ServiceGraph g(m);
    CHECK(g.Reaches(c.node, c.category) == !c.path.empty());
    CHECK(JoinPath(g.PathTo(c.node, c.category)) == c.path);
  }
}

TEST_CASE("the graph holds every node's flows and endpoints, whatever the order of the flows") {
  static Jurisdictions j;
  static bool loaded = Jurisdictions::Load("geodb", &j).ok();
  REQUIRE(loaded);
  auto endpoint = [](const std::string& id) {
    return R"({"id": ")" + id + R"(", "ip": "192.0.2.1", "activity": "processing", "data": ["customer"]})";
  };
  const std::string text = R"({"manifest_version": 1,
    "service": {"id": "svc", "name": "S", "provider": {"legal_name": "P", "country": "DE"}, "assurance_level": "basic",
                "endpoints": [)" + endpoint("api") + R"(]},
    "declared_locations": [],
    "subservices": [
      {"id": "a", "name": "A", "operator": {"legal_name": "A", "country": "DE"},
       "endpoints": [)" + endpoint("x") + "," + endpoint("y") + "," + endpoint("z") + R"(]},
      {"id": "b", "name": "B", "operator": {"legal_name": "B", "country": "DE"}},
      {"id": "c", "name": "C", "operator": {"legal_name": "C", "country": "DE"}, "endpoints": [)" + endpoint("w") + R"(]}
    ],
    "flows": [{"from": "c", "to": "a", "data": ["customer"]}, {"from": "svc", "to": "c", "data": ["customer"]},
              {"from": "a", "to": "b", "data": ["customer"]}, {"from": "c", "to": "b", "data": ["customer"]},
              {"from": "svc", "to": "a", "data": ["customer"]}]})";
  Manifest m;
  std::vector<Diagnostic> errors;
  REQUIRE(ParseManifest("g.json", text, j, &m, &errors));
  ServiceGraph g(m);
  CHECK(g.vertex_count() == 4 + 5);
  CHECK(g.edge_count() == 5 + 5);
  auto successors = [&](size_t node) { return Join(g.Successors(node)); };
  CHECK(successors(0) == "c, a, svc/api");
  CHECK(successors(1) == "b, a/x, a/y, a/z");
  CHECK(successors(2) == "");
  CHECK(successors(3) == "a, b, c/w");
  CHECK(JoinPath(g.EndpointPath(m.nodes[1].endpoints[2])) == "svc -> a -> a/z");
  CHECK(JoinPath(g.EndpointPath(m.nodes[3].endpoints[0])) == "svc -> c -> c/w");
}

TEST_CASE("endpoint paths end at the endpoint") {
  Manifest m = WithFlows(R"([{"from": "svc", "to": "b", "data": ["customer"]}])");
  ServiceGraph g(m);
  CHECK(g.vertex_count() == 5);  // 4 nodes, 1 endpoint
  CHECK(g.edge_count() == 2);    // 1 membership, 1 flow
  // "account" does not reach b; "customer" does, and names the path.
  CHECK(JoinPath(g.EndpointPath(m.nodes[2].endpoints[0])) == "svc -> b -> b/smtp");
  Manifest none = WithFlows("[]");
  ServiceGraph g2(none);
  CHECK(JoinPath(g2.EndpointPath(none.nodes[2].endpoints[0])) == "b -> b/smtp");

  // Into a vector that held a longer path: the same, nothing of the old one left.
  Manifest deep = WithFlows(R"([{"from": "svc", "to": "a", "data": ["customer"]}, {"from": "a", "to": "c", "data": ["customer"]},
                               {"from": "c", "to": "b", "data": ["customer"]}])");
  ServiceGraph g3(deep);
  std::vector<std::string> path = {"x", "y", "z", "w", "v", "u"};
  g3.EndpointPath(deep.nodes[2].endpoints[0], &path);
  CHECK(JoinPath(path) == "svc -> a -> c -> b -> b/smtp");
  g2.EndpointPath(none.nodes[2].endpoints[0], &path);
  CHECK(JoinPath(path) == "b -> b/smtp");
  g.EndpointPath(m.nodes[2].endpoints[0], &path);
  CHECK(JoinPath(path) == "svc -> b -> b/smtp");
}

}  // namespace residency
