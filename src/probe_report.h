// Probe report: ProbeResults (probe.h) as JSON and as text. WriteProbeJson writes one result
// as a JSON object into a writer the caller already has open, so that the verify report
// can embed it per endpoint; RenderProbeJson and RenderProbeText render the whole output
// of `residency probe` to any std::ostream. Nothing here touches the network.
//
// JSON shape of one result (WriteProbeJson):
//   {"id": "...", "url": "https://probe.test:8443/", "address": "127.0.0.1" | null,
//    "status": "ok" | "timeout" | "refused" | "resolve-error" | "tls-error"
//              | "too-many-redirects" | "error",
//    "message": "" (why, when not ok), "notes": ["HEAD answered 405: retried with GET"],
//    "http_status": 200 | null, "http_version": "1.1" | null,
//    "effective_url": "...", "redirect_count": 0,
//    "hops": [{"method": "HEAD", "url": "...", "http_status": 301 | null}],
//    "primary_ip": "127.0.0.1" | null, "primary_port": 8443 | null,
//    "tls": {"subject": "CN = probe.test", "issuer": "...", "sans": ["DNS:probe.test"],
//            "not_before": "2026-01-01T00:00:00Z", "not_after": "..."} | null,
//    "timings_ms": {"dns": 0.02 | null, "connect": 0.05 | null, "tls": 1.9 | null,
//                   "first_byte": 2.4 | null, "total": 2.6},
//    "headers": [{"name": "server", "value": "nginx"}],
//    "location": [{"header": "x-amz-cf-pop", "value": "FRA56-P5", "kind": "processing",
//                  "provider": "aws", "region": null, "iata": "FRA"}]}
// The document of `residency probe --format json`:
//   {"probe_version": 1, "tool": {"name": "residency", "version": "..."}, "results": [...]}
#ifndef RESIDENCY_PROBE_REPORT_H_
#define RESIDENCY_PROBE_REPORT_H_

#include <ostream>
#include <vector>

#include "probe.h"

namespace residency {

// One result as a JSON object, at the writer's current position (a value in an array or
// after a Key). Instantiated for rapidjson::PrettyWriter<JsonOut> and
// rapidjson::Writer<JsonOut> (output.h), the writers the reports use.
template <typename JsonWriter>
void WriteProbeJson(JsonWriter& w, const ProbeResult& result);

void RenderProbeJson(const std::vector<ProbeResult>& results, std::ostream& out);
void RenderProbeText(const std::vector<ProbeResult>& results, std::ostream& out);

}  // namespace residency

#endif  // RESIDENCY_PROBE_REPORT_H_
