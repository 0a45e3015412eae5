// Hand-built verify reports for the renderers' golden tests: one with an endpoint of each
// verdict and findings of each status (with characters every format must escape), and one
// where everything passed. Values only; no files, no network.
#ifndef RESIDENCY_REPORT_FIXTURE_TEST_H_
#define RESIDENCY_REPORT_FIXTURE_TEST_H_

#include <string>
#include <utility>
#include <vector>

#include "report.h"

namespace residency::testing {

inline AddressObservation Address(const char* ip, std::optional<std::string> country, Placement placement,
                                  std::string reason, std::vector<SourceEvidence> sources) {
  AddressObservation a;
  a.ip = *ParseIp(ip);
  a.country = std::move(country);
  a.placement = placement;
  a.reason = std::move(reason);
  a.sources = std::move(sources);
  return a;
}

inline EndpointResult Endpoint(std::string node, std::string name, std::string host, Verdict verdict,
                               std::vector<std::string> allowed, SourcePos pos) {
  EndpointResult e;
  e.id = node + "/" + name;
  e.node = node;
  e.activity = "storage";
  e.data = {"customer"};
  e.target = host;
  e.target_kind = "host";
  e.verdict = verdict;
  e.allowed = std::move(allowed);
  e.resolution.name = host;
  e.resolution.status = ResolveStatus::kOk;
  e.path = {"acme-crm", node, e.id};
  e.ref = {"/nodes/" + node, pos};
  return e;
}

inline VerifyReport BaseReport() {
  VerifyReport r;
  r.tool_version = "0.1.0";
  r.manifest_path = "manifests/examples/acme-crm.json";
  r.manifest_sha256 = "5f2b6d0c1e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
  r.profile = "eucs-substantial";
  r.profile_title = "EUCS Substantial";
  r.service_id = "acme-crm";
  r.service_name = "ACME CRM";
  r.geodb = {{"dbip", "country", "dbip-country-lite.mmdb", "DBIP-Country-Lite", 1767225600,
              "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233", "CC-BY-4.0"}};
  r.resolver_servers = {"192.0.2.53:53"};
  r.started_at = "2026-11-28T10:00:00Z";
  r.finished_at = "2026-11-28T10:00:02Z";
  return r;
}

// Three endpoints (pass, fail, unverified) and four findings (fail, unverified, warn, info).
inline VerifyReport MixedReport() {
  VerifyReport r = BaseReport();

  EndpointResult bucket = Endpoint("objstore", "bucket", "bucket.s3.example.com", Verdict::kPass, {"DE", "FR"}, {20, 9});
  AddressObservation a = Address("3.120.0.10", "DE", Placement::kInside, "2 of 2 sources: DE",
                                 {{"dbip", "country", "DE", "3.120.0.0/14"}, {"geo-whois", "country", "DE", ""}});
  a.as = AsEvidence{16509, "AMAZON-02", "3.120.0.0/14", "US"};
  a.feed = FeedEvidence{"aws", "eu-central-1", "AMAZON", "regional", "3.120.0.0/14", "DE", "Frankfurt"};
  bucket.observed.push_back(a);
  r.endpoints.push_back(bucket);

  EndpointResult backup = Endpoint("objstore", "backup", "backup.s3.example.com", Verdict::kFail, {"DE"}, {24, 11});
  backup.activity = "backup";
  AddressObservation b = Address("52.95.0.1", "US", Placement::kOutside, "2 of 2 sources: US",
                                 {{"dbip", "country", "US", "52.95.0.0/16"}, {"geo-whois", "country", "US", ""}});
  b.as = AsEvidence{16509, "AMAZON-02", "52.95.0.0/16", "US"};
  backup.observed.push_back(b);
  r.endpoints.push_back(backup);

  EndpointResult edge = Endpoint("cdn", "edge", "www.acme.example", Verdict::kUnverified, {"EU"}, {31, 9});
  edge.activity = "processing";
  edge.resolution.cnames = {"acme.cdn.example.net"};
  AddressObservation c = Address("2001:db8::1", std::nullopt, Placement::kUnknown, "anycast (cloudflare)",
                                 {{"dbip", "country", std::nullopt, ""}});
  c.feed = FeedEvidence{"cloudflare", "", "", "anycast", "2001:db8::/32", "", ""};
  edge.observed.push_back(c);
  r.endpoints.push_back(edge);

  std::vector<Finding> findings = {
      {"location-violation", FindingStatus::kFail, "objstore/backup", {"EUCS DOC-03.1", "EUCS PSS-05.2"},
       {"acme-crm", "objstore", "objstore/backup"}, "52.95.0.1 is in US, outside the allowed locations DE",
       {"/nodes/1/endpoints/1", {24, 11}}},
      {"location-unverified", FindingStatus::kUnverified, "cdn/edge", {"EUCS DOC-03.1"},
       {"acme-crm", "cdn", "cdn/edge"}, "2001:db8::1 is anycast (cloudflare): the address says nothing of a place",
       {"/nodes/2/endpoints/0", {31, 9}}},
      {"subservice-certification-missing", FindingStatus::kWarn, "cdn", {"C5 SSO-04.01B"}, {"acme-crm", "cdn"},
       "no certification declared for \"cdn\" <edge & co | cdn>", {"/nodes/2", {}}},
      {"sources-disagree", FindingStatus::kInfo, "objstore/bucket", {}, {"acme-crm", "objstore", "objstore/bucket"},
       "sources | disagree inside the allowed area: DE vs FR", {"/nodes/1/endpoints/0", {20, 9}}},
  };
  for (Finding& f : findings) r.findings.push_back(std::move(f));
  return r;
}

// One endpoint, passing, no findings.
inline VerifyReport PassingReport() {
  VerifyReport r = BaseReport();
  EndpointResult bucket = Endpoint("objstore", "bucket", "bucket.s3.example.com", Verdict::kPass, {"DE"}, {20, 9});
  bucket.observed.push_back(Address("3.120.0.10", "DE", Placement::kInside, "1 of 1 sources: DE",
                                    {{"dbip", "country", "DE", "3.120.0.0/14"}}));
  r.endpoints.push_back(bucket);
  return r;
}

}  // namespace residency::testing

#endif  // RESIDENCY_REPORT_FIXTURE_TEST_H_
