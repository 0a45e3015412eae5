// Verify: the main job. For every endpoint of the manifest: resolve its name (resolve.h),
// look every address up in every geolocation source (geo.h), place each address against
// the endpoint's allowed locations and give the endpoint its verdict (check.h), then run
// the profile's static (lint.h) and measured (check.h) checks. The result is a
// VerifyReport (report.h) that carries its own evidence: DNS answers, every source's
// answer, the geodb files with build dates and hashes.
//
// Everything Verify uses is passed in and must outlive the call; the report copies what it
// keeps. The clock is read only through `now`, so tests and replays control it.
#ifndef RESIDENCY_VERIFY_H_
#define RESIDENCY_VERIFY_H_

#include <functional>
#include <set>
#include <string>

#include "airports.h"
#include "geo.h"
#include "graph.h"
#include "host_patterns.h"
#include "jurisdiction.h"
#include "manifest.h"
#include "operators.h"
#include "probe.h"
#include "profile.h"
#include "report.h"
#include "resolve.h"
#include "vantage.h"

namespace residency {

// Endpoints per chunk of a streamed run. Since the last chunk's memory is reused by the next
// (verify.cc, parallel.h), a smaller chunk costs per-chunk overhead and saves memory new to
// the process: at 16,384, 100k endpoints peak at 188 MiB (65,536: 352 MiB) and geolocate
// 10-15% faster; at 8,192 the overhead showed (1M geolocate 2.9 -> 4.0 s).
inline constexpr size_t kVerifyChunk = 16384;

struct VerifyInputs {
  const Manifest& manifest;
  const ServiceGraph& graph;
  const Jurisdictions& jurisdictions;
  const Profile& profile;
  const Geo& geo;
  const Operators& operators;
  const HostPatterns* host_patterns;   // may be null
  Resolver& resolver;
  std::function<std::string()> now;    // ISO 8601 UTC
  // Called as each stage ends ("resolve", "geolocate", "check", and "report" after a sink),
  // for --timings; a streamed run passes each stage once per chunk. May be empty.
  std::function<void(const char* stage)> stage_done = {};
  // `verify --sample`: when not null, only these endpoints (NODE/ENDPOINT) are resolved,
  // located and checked; the static checks still cover the whole manifest.
  const std::set<std::string>* only = nullptr;
  // A streamed run: when set, the endpoints are verified kVerifyChunk at a time and each
  // chunk is handed to the sink (with the report so far: its opening members are filled)
  // instead of being kept in report->endpoints; report->streamed counts them. Memory then
  // stays bounded by a chunk, whatever the size of the estate. A sink's error stops the run.
  std::function<Status(const VerifyReport& report, const std::vector<EndpointResult>& chunk)> sink = {};
  size_t chunk = kVerifyChunk;  // endpoints per chunk of a streamed run (tests make it small)
  // Called after each chunk with (endpoints done, endpoints in all), for a progress line.
  std::function<void(size_t done, size_t total)> progress = {};
  // `verify --probe http`: when set, every host and URL endpoint is probed once per address
  // it resolved to (a host as https://HOST/), after resolution ("probe" stage). Location
  // headers become observations (report.h, HeaderObservation): regions through the region
  // catalog, edge PoPs through `airports` (may be null: then unknown). With `vantage`, each
  // address's fastest TCP connect bounds where it can be (check.h, ApplyPlausibility).
  Prober* prober = nullptr;
  const Airports* airports = nullptr;
  const VantageBounds* vantage = nullptr;
  // Memory the process has used and no longer needs (the manifest text's, ReadManifest),
  // taken by the run for its findings' messages (check.h, MeasuredChecks::GiveMemory). At
  // a million endpoints: 84 MiB that would otherwise go back to the system after the parse
  // while the messages took ~13,000 pages new to the process. May be null.
  std::string* spare_memory = nullptr;
};

// Fills *report. Fails only when a tool fails (the resolver cannot start, a database is
// damaged); what the data shows is in the report. Its findings about endpoints refer to
// in.manifest, in.graph and in.profile (finding.h, Findings): they must outlive the
// report's use, or the report's findings be made whole (Findings::MakeWhole).
Status Verify(const VerifyInputs& in, VerifyReport* report);

// The geodb files in use, for the report's evidence (sha256 of each file).
std::vector<GeodbSourceInfo> DescribeGeodb(const Geo& geo);

// Reads the DNS evidence back from a JSON verify report (`verify --replay`): one
// Resolution per resolved name, and the servers that were asked.
Status ReadReplay(const std::string& path, std::vector<Resolution>* resolutions, std::vector<std::string>* servers);

}  // namespace residency

#endif  // RESIDENCY_VERIFY_H_
