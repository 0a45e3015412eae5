// The report of `residency lookup`: for each target, every geodb source's answer, the
// combined country verdict, the AS, the provider-feed match, and the jurisdiction groups
// (EU, EEA, ADEQUATE) of the countries the sources named. A plain struct, rendered as text
// or JSON to any std::ostream; it owns copies of everything, so it outlives the Geo and
// Jurisdictions it was built from.
//
// JSON shape (lookup_version 1):
//   {"lookup_version": 1, "results": [{
//      "target": "::ffff:3.120.0.1", "ip": "3.120.0.1",
//      "sources": [{"name": "dbip", "kind": "country", "country": "DE" | null,
//                   "prefix": "3.120.0.0/14" | null}, ...],
//      "country": {"verdict": "agree" | "disagree" | "unknown", "country": "DE" | null,
//                  "countries": ["DE"], "answered": 2, "voters": 2},
//      "as": {"number": 16509, "organisation": "...", "prefix": "...", "source": "asn"} | null,
//      "feed": {"provider": "aws", "region": "eu-central-1", "service": "EC2",
//               "scope": "regional", "prefix": "3.120.0.0/14", "source": "feeds",
//               "country": "DE" | null, "city": "Frankfurt" | null} | null,
//               (country and city: from the region catalog, for a regional match)
//      "jurisdictions": {"DE": ["EU", "EEA"], "US": []} | null  (null: groups not loaded)
//   }],
//   "names": [{                                   (host-name targets, after the IPs)
//      "target": "bücher.test" (as given), "name": "xn--bcher-kva.test" (asked),
//      "status": "ok" | "nxdomain" | ... (resolve.h), "detail": "..." | "",
//      "cnames": ["..."], "dns_servers": ["127.0.0.1:53"],
//      "evidence": [{"qname", "qtype", "server", "time_unix_ms", "rcode",
//                    "records": [{"name", "type", "ttl", "data"}]}],
//      "addresses": [ {an entry of "results", "target" being the address}, ... ]
//   }]}
#ifndef RESIDENCY_LOOKUP_REPORT_H_
#define RESIDENCY_LOOKUP_REPORT_H_

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "geo.h"
#include "resolve.h"

namespace residency {

struct LookupResult {
  std::string target;  // as the user wrote it
  GeoAnswer answer;
  // Country -> its groups, for every country any source named (voting or not);
  // nullopt when no jurisdiction data was loaded.
  std::optional<std::map<std::string, std::vector<std::string>>> jurisdictions;
  // Country -> the scope limit of its adequacy decision ("certified organisations only"),
  // for countries in ADEQUATE by a limited decision: reported, never applied.
  std::map<std::string, std::string> adequacy_scope;
  // The catalog's country and city of a regional feed match's region, when known.
  std::optional<std::string> feed_country;
  std::optional<std::string> feed_city;
};

// A host-name target: its resolution (chain, status, every DNS answer) and the evidence
// for each address it resolved to.
struct LookupName {
  std::string target;  // as the user wrote it (may be Unicode)
  Resolution resolution;
  std::vector<LookupResult> addresses;  // one per resolution.addresses, in order
};

struct LookupReport {
  std::vector<LookupResult> results;  // the IP targets, in the order given
  std::vector<LookupName> names;      // the host-name targets, in the order given
  std::vector<std::string> dns_servers;  // the servers asked, when there are names
};

void RenderLookupText(const LookupReport& report, std::ostream& out);
void RenderLookupJson(const LookupReport& report, std::ostream& out);

}  // namespace residency

#endif  // RESIDENCY_LOOKUP_REPORT_H_
