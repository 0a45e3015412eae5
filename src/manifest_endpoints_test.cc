// Endpoints read during the parse (manifest_endpoints.h) must give the same Manifest, field
// by field and position by position, or the same errors, as the DOM path; and they must be
// taken where nothing is doubtful, or the speed they are for is lost without a sign.
#include "manifest_endpoints.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "geodb_fixture_test.h"
#include "manifest.h"
#include "status.h"

namespace residency {
namespace {

std::string Ref(const SourceRef& r) {
  return r.pointer + "@" + std::to_string(r.pos.line) + ":" + std::to_string(r.pos.column);
}

template <typename T>
std::string List(const std::vector<T>& v) {
  std::string out = "[";
  for (const T& x : v) out += x + ",";
  return out + "]";
}

std::string Loc(const Location& l) {
  return std::to_string(static_cast<int>(l.kind)) + ":" + l.text + ":" + (l.region ? "r" : "-") + ":" +
         List(l.countries.Codes());
}

// Every field of the model, one line per thing.
std::string Dump(const Manifest& m) {
  std::ostringstream o;
  o << "manifest " << m.path << " " << m.sha256 << " " << m.assurance_level << " " << m.applicable_law << " "
    << Ref(m.declarations_ref) << "\n";
  for (const Node& n : m.nodes) {
    o << "node " << static_cast<int>(n.role) << " " << n.id << " " << n.name << " " << n.kind << " " << n.method
      << " " << n.entity.legal_name << "/" << n.entity.country << "/" << n.entity.parent_country << " "
      << Ref(n.entity.ref) << " " << List(n.certifications) << " " << Ref(n.ref) << " regions";
    for (const Location& l : n.declared_regions) o << " " << Loc(l);
    o << " index " << m.FindNode(n.id) << "\n";
    for (const Endpoint& e : n.endpoints) {
      o << "  endpoint " << e.id << " " << m.QualifiedId(e) << " " << e.node << " " << e.index << " " << static_cast<int>(e.target)
        << " host=" << e.host << " ip=" << (e.ip ? e.ip->ToString() : "-")
        << " url=" << e.url.str() << " " << ActivityName(e.activity) << " " << List(e.data.list()) << " region="
        << (e.declared_region ? Loc(*e.declared_region) : "-") << " " << Ref(e.Ref()) << "\n";
    }
  }
  for (const Declaration& d : m.declarations) {
    o << "declaration " << ActivityName(d.activity) << " " << List(d.data) << " " << List(d.operations) << " "
      << Ref(d.ref);
    for (const Location& l : d.locations) o << " " << Loc(l);
    o << "\n";
  }
  for (const Flow& f : m.flows) o << "flow " << f.from << " " << f.to << " " << List(f.data) << " " << Ref(f.ref) << "\n";
  return o.str();
}

struct Outcome {
  bool ok = false;
  bool tapped = false;
  std::string text;  // the model, or the errors
};

Outcome Read(const std::string& path, const std::string& text, bool fast) {
  Manifest m;
  std::vector<Diagnostic> errors;
  Outcome out;
  out.ok = ParseManifestForTest(path, text, TestJurisdictions(), fast, &m, &errors, &out.tapped);
  out.text = out.ok ? Dump(m) : "";
  for (const Diagnostic& d : errors) out.text += d.ToString() + "\n";
  return out;
}

// Reads `text` both ways; they must agree. Returns the fast way's outcome.
Outcome Agree(const std::string& path, const std::string& text) {
  Outcome fast = Read(path, text, true);
  Outcome slow = Read(path, text, false);
  CHECK(fast.ok == slow.ok);
  CHECK(fast.text == slow.text);
  CHECK_FALSE(slow.tapped);
  return fast;
}

// A manifest whose first subservice holds `endpoints` (the text inside its array), laid out
// over several lines with a non-ASCII name before them, so that lines and columns count.
std::string WithEndpoints(const std::string& endpoints, const std::string& service_extra = "") {
  return R"({"manifest_version": 1,
  "service": {"id": "svc", "name": "Säule Dienst", "provider": {"legal_name": "S GmbH", "country": "DE"},
              "assurance_level": "basic")" + service_extra + R"(},
  "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE"]}],
  "subservices": [
    {"id": "s", "name": "Größe", "operator": {"legal_name": "O GmbH", "country": "DE"},
     "endpoints": [
       )" + endpoints + R"(
     ]},
    {"id": "t", "name": "T", "operator": {"legal_name": "T SAS", "country": "FR"},
     "endpoints": [{"id": "a", "activity": "processing", "data": ["account"], "ip": "2001:db8::1"}]}],
  "flows": [{"from": "svc", "to": "s", "data": ["customer"]}]})";
}

}  // namespace

TEST_CASE("endpoints taken during the parse are the endpoints the DOM path reads") {
  struct Case {
    const char* endpoints;
    bool taken;  // whether the fast way should take them (false: it gives up, or there is an error)
  };
  const Case cases[] = {
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})", true},
      {R"({"id": "e", "activity": "storage", "data": ["customer", "x-logs", "customer"], "host": "A.Example.com."},
          {"id": "f", "activity": "backup", "data": ["metadata"], "url": "https://b.example.com:8443/x?y=1",
           "x-note": {"k": [1, {"z": null}], "w": "v"}, "x-n": 3, "x-s": "t", "x-a": [], "x-": true})",
       true},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "url": "http://[2001:db8::5]/", "declared_region": "DE"},
          {"id": "f", "activity": "storage", "data": ["customer"], "ip": "192.0.2.9", "declared_region": "DE"},
          {"id": "g", "activity": "storage", "data": ["customer"], "ip": "192.0.2.10", "declared_region": "EU"})",
       true},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "host": "bücher.example"})", true},
      {R"({"id": "\u0065", "activity": "stor\u0061ge", "data": ["cust\u006fmer"], "host": "a\u002eexample.com"})", true},
      {R"({"data": ["customer"], "ip": "192.0.2.2", "activity": "support", "id": "z9._-"})", true},
      {"", true},
      // What the fast way gives up on, and the DOM path reads or words.
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"},
          {"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.3"})", false},
      {R"({"id": "e", "id": "f", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "x-a": 1, "x-a": 2})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "declared_region": "XX"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.256"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "host": "192.0.2.1"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "host": "bad_host!.example"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "url": "ftp://a.example.com/"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "url": "https://u:p@a.example.com/"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "url": "not a url"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"]})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "url": "https://a.example/"})", false},
      {R"({"id": "E", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "Storage", "data": ["customer"], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": [], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer", 1], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer", ["x"]], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": "customer", "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": ["192.0.2.2"]})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": {"v": "192.0.2.2"}})", false},
      {R"({"id": 1, "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "region": "DE"})", false},
      {R"("e")", false},
      {R"(["e"])", false},
      {R"(null)", false},
      {R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "x-deep": )"
       R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
       false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.endpoints);
    Outcome o = Agree("m.json", WithEndpoints(c.endpoints));
    CHECK(o.tapped == c.taken);
  }
}

TEST_CASE("an error outside the endpoints is worded as without the tap") {
  // The endpoints are taken, then the manifest fails elsewhere: it is read again the
  // ordinary way, so positions of scalars (which a tapped DOM cannot give) are right.
  std::string text = WithEndpoints(R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
                                    R"(, "applicable_law": "XX")");
  Outcome o = Agree("m.json", text);
  CHECK_FALSE(o.ok);
  CHECK_FALSE(o.tapped);
  CHECK(o.text.find("m.json:3:") != std::string::npos);
}

TEST_CASE("the service's endpoints, odd shapes around the arrays, and duplicate keys") {
  const std::string ep = R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})";
  // Service endpoints are taken like a subservice's.
  Outcome o = Agree("m.json", WithEndpoints(ep, R"(, "endpoints": [)" + ep + "]"));
  CHECK(o.ok);
  CHECK(o.tapped);
  // A second "endpoints" key in the service: the DOM gets it, and the duplicate is an error.
  o = Agree("m.json", WithEndpoints(ep, R"(, "endpoints": [], "endpoints": [)" + ep + "]"));
  CHECK_FALSE(o.ok);
  // Endpoints that are not an array; a subservices member that is not an array; a root
  // that is an array.
  o = Agree("m.json", WithEndpoints(ep, R"(, "endpoints": {"id": "e"})"));
  CHECK_FALSE(o.ok);
  Agree("m.json", R"({"manifest_version": 1, "subservices": {"endpoints": [1]}})");
  Agree("m.json", R"([{"subservices": [{"endpoints": [{"id": "e"}]}]}])");
  Agree("m.json", R"({"subservices": [[{"endpoints": []}]]})");
  // Invalid JSON after the endpoints were taken.
  Agree("m.json", WithEndpoints(ep) + ",");
  Agree("m.json", WithEndpoints(ep).substr(0, 600));
}

TEST_CASE("every manifest of the tests and the examples reads the same both ways, the valid ones taken") {
  size_t files = 0, taken = 0;
  for (const char* dir : {"tests/data", "manifests/examples"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".json") continue;
      std::string text;
      REQUIRE(ReadFile(entry.path().string(), &text).ok());
      CAPTURE(entry.path().string());
      Outcome o = Agree(entry.path().string(), text);
      if (o.ok) {
        CHECK(o.tapped);
        ++taken;
      }
      ++files;
    }
  }
  CHECK(files >= 60);
  CHECK(taken >= 3);  // the examples
}

TEST_CASE("many endpoints over many nodes, read on every core, read the same both ways") {
  // Past the parallel threshold of the endpoint reader (20,000).
  std::string subs;
  for (int s = 0; s < 30; ++s) {
    subs += std::string(s ? "," : "") + R"({"id": "s)" + std::to_string(s) +
            R"(", "name": "N", "operator": {"legal_name": "O", "country": "DE"}, "endpoints": [)";
    for (int e = 0; e < 800; ++e) {
      subs += std::string(e ? "," : "") + R"({"id": "e)" + std::to_string(e) + R"(", "activity": "storage", "data": ["customer"], )" +
              (e % 3 ? R"("ip": "192.0.2.)" + std::to_string(e % 250) + "\"" : R"("host": "h)" + std::to_string(e) + ".example\"") +
              (e % 7 ? "" : R"(, "declared_region": "DE")") + "}\n";
    }
    subs += "]}";
  }
  std::string text = R"({"manifest_version": 1, "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S", "country": "DE"}, "assurance_level": "high"},
  "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE"]}], "subservices": [)" + subs + "]}";
  CHECK(text.size() > (1u << 20));  // large enough for the builder's own thread
  Outcome o = Agree("big.json", text);
  CHECK(o.ok);
  CHECK(o.tapped);
  // The builder gives up deep in the estate (a bad address, a repeated id, a bad region), or
  // the parse thread does (an unknown member): read again and worded the ordinary way.
  for (auto [from, to] : {std::pair<std::string, std::string>{"\"ip\": \"192.0.2.100\"", "\"ip\": \"192.0.2.300\""},
                          {"{\"id\": \"e799\"", "{\"id\": \"e798\""},
                          {"\"declared_region\": \"DE\"}", "\"declared_region\": \"DX\"}"},
                          {"\"activity\": \"storage\", \"data\": [\"customer\"], \"host\": \"h798", "\"activity\": \"storage\", \"dat\": [\"customer\"], \"host\": \"h798"}}) {
    std::string bad = text;
    size_t at = bad.rfind(from);
    REQUIRE(at != std::string::npos);
    bad.replace(at, from.size(), to);
    CAPTURE(to);
    o = Agree("big.json", bad);
    CHECK_FALSE(o.ok);
    CHECK_FALSE(o.tapped);
  }
}

TEST_CASE("endpoints taken during the parse share each distinct list of categories") {
  const std::string text = WithEndpoints(
      R"({"id": "e1", "activity": "storage", "data": ["customer", "account"], "ip": "192.0.2.1"},
         {"id": "e2", "activity": "storage", "data": ["customer", "account", "customer"], "ip": "192.0.2.2"},
         {"id": "e3", "activity": "storage", "data": ["account", "customer"], "ip": "192.0.2.3"},
         {"id": "e4", "activity": "storage", "data": ["customer"], "ip": "192.0.2.4"},
         {"id": "e5", "activity": "storage", "data": ["customer"], "ip": "192.0.2.5"})");
  Manifest m;
  std::vector<Diagnostic> errors;
  bool tapped = false;
  REQUIRE(ParseManifestForTest("c.json", text, TestJurisdictions(), true, &m, &errors, &tapped));
  REQUIRE(tapped);
  const std::vector<Endpoint>& e = m.nodes[1].endpoints;
  REQUIRE(e.size() == 5);
  CHECK(e[0].data.list() == std::vector<std::string>{"customer", "account"});
  CHECK(e[1].data.list() == std::vector<std::string>{"customer", "account"});  // the repeat dropped
  CHECK(&e[0].data.list() == &e[1].data.list());
  CHECK(e[2].data.list() == std::vector<std::string>{"account", "customer"});  // order kept: another list
  CHECK(&e[2].data.list() != &e[0].data.list());
  CHECK(&e[3].data.list() == &e[4].data.list());
  CHECK(&m.nodes[2].endpoints[0].data.list() != &e[3].data.list());  // ["account"]
}

}  // namespace residency
