// Probe: one HTTP(S) request per target, for evidence of where a service answers from
// (issue 9, `residency probe` and `verify --probe http`). For each target: the outcome
// (ProbeStatus), every request made (redirects and the GET fallback included), the final
// response's status and headers, the address and port actually connected to, the leaf TLS
// certificate (subject, issuer, SANs, validity), the timings of the final request, and the
// location headers of that response as evidence (location_headers.h).
//
// A probe is HEAD first and GET only when HEAD gets 405 or 501; a GET body is read to at
// most ProberOptions::body_cap bytes and then cut. Redirects are followed by the prober
// itself (not by libcurl), up to max_redirects, http and https only, never to a URL with
// credentials. Nothing identifying is sent: no netrc, no cookies, no authentication, no
// proxy from the environment, a User-Agent naming residency. Certificates are verified
// (the system's CAs, or ProberOptions::ca_file). Every connection is fresh, so the
// connect and TLS timings of the final request are measured, never a reused connection's.
//
// A target's failure is its ProbeStatus, never an error of the run: ProbeAll fails only
// when the prober itself cannot work (libcurl not initialised). Every target ends within
// its timeout_ms (a hard deadline enforced by the prober on top of libcurl's timers).
//
// Implementations: NewCurlProber (libcurl multi interface, at most `concurrency` targets
// at once, one thread) and NewCannedProber (results given beforehand, for unit tests of
// callers). Results are plain values that outlive the prober.
#ifndef RESIDENCY_PROBE_H_
#define RESIDENCY_PROBE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ip.h"
#include "location_headers.h"
#include "status.h"

namespace residency {

struct ProbeTarget {
  std::string id;   // the caller's key (an endpoint id "objstore/bucket"); echoed in the result
  std::string url;  // http:// or https:// (ValidateProbeUrl)
  // When set, connect to this address instead of resolving the URL's host (the address
  // DNS resolution saw), for the URL's host on any port, redirects to the same host
  // included; Host header, SNI and certificate check still use the host name. A redirect
  // to another host is resolved by the system resolver.
  std::optional<IpAddress> address;
};

struct ProberOptions {
  int concurrency = 32;          // targets in flight at once
  long connect_timeout_ms = 5000;  // per connection (TCP and TLS handshake)
  long timeout_ms = 10000;       // per target, all its requests together: a hard deadline
  int max_redirects = 3;         // redirects followed; one more is kTooManyRedirects
  bool head_first = true;        // HEAD, GET on 405/501; false: GET only
  size_t body_cap = 64 * 1024;   // GET body bytes read before the transfer is cut
  std::string ca_file;           // PEM CA bundle to trust instead of the system's; "" system
  // "HOST:PORT:ADDRESS" entries as curl's --resolve, for every request of every target.
  std::vector<std::string> resolve;
  std::string user_agent;        // "" : "residency/VERSION (location probe)"
};

enum class ProbeStatus {
  kOk,                // an HTTP answer (any status code, 404 and 500 included)
  kTimeout,           // no complete answer within timeout_ms (or connect_timeout_ms)
  kRefused,           // the connection was refused (nothing listens)
  kResolveError,      // the host name did not resolve
  kTlsError,          // handshake or certificate verification failed
  kTooManyRedirects,  // more than max_redirects redirects (a loop ends here too)
  kError,             // anything else: unreachable network, connection reset, bad reply
};
std::string_view ProbeStatusName(ProbeStatus s);  // "ok", "timeout", "refused",
                                                  // "resolve-error", "tls-error",
                                                  // "too-many-redirects", "error"
bool ParseProbeStatus(std::string_view name, ProbeStatus* out);

// One request made for a target.
struct ProbeHop {
  std::string method;    // "HEAD" | "GET"
  std::string url;
  long http_status = 0;  // 0 when no answer came
};

// The leaf certificate of the final request's TLS connection (as libcurl reports it).
struct TlsCertificate {
  std::string subject;            // "CN = probe.test" (OpenSSL's one-line form)
  std::string issuer;
  std::vector<std::string> sans;  // "DNS:probe.test", "IP:127.0.0.1"
  std::string not_before;         // ISO 8601 UTC "2026-01-01T00:00:00Z" (or as received)
  std::string not_after;
};

// Durations in milliseconds, of the final request; nullopt where the phase did not happen
// (no TLS over http, no connection after a resolve error).
struct ProbeTimings {
  std::optional<double> dns;         // name lookup
  std::optional<double> connect;     // TCP handshake alone: about one round trip
  std::optional<double> tls;         // TLS handshake alone
  std::optional<double> first_byte;  // from the request's start to the first response byte
  double total = 0;                  // the whole target, every request, from first to last
};

struct ProbeResult {
  std::string id;                    // the target's
  std::string url;                   // the target's
  std::optional<IpAddress> address;  // the target's pinned address, if any
  ProbeStatus status = ProbeStatus::kError;
  std::string message;               // why, for a status other than kOk; "" for kOk
  std::vector<std::string> notes;    // "HEAD answered 405: retried with GET", "body cut at ..."
  long http_status = 0;              // of the final response; 0 when none
  std::string http_version;          // "1.1", "2"; "" when none
  std::string effective_url;         // the last URL requested
  int redirect_count = 0;
  std::vector<ProbeHop> hops;        // every request, in order
  std::string primary_ip;            // connected to by the final request; "" when none
  int primary_port = 0;
  std::optional<TlsCertificate> tls; // https with a completed handshake only
  ProbeTimings timings;
  std::vector<std::pair<std::string, std::string>> headers;  // the final response's, as received;
                                                             // none when it did not come whole
  std::vector<HeaderEvidence> location;  // ParseLocationHeaders(headers)

  bool answered() const { return status == ProbeStatus::kOk; }
};

class Prober {
 public:
  virtual ~Prober() = default;
  // Probes every target; (*out)[i] is targets[i]'s. Targets may repeat.
  // REQUIRES: every target's url passed ValidateProbeUrl (others end as kError).
  virtual Status ProbeAll(const std::vector<ProbeTarget>& targets, std::vector<ProbeResult>* out) = 0;
};

// Checks that `url` can be probed: parses, http or https, a host, no user:password@.
// The error says what is wrong ("unsupported scheme \"ftp\" (http or https only)").
Status ValidateProbeUrl(const std::string& url);

// Checks one "HOST:PORT:ADDRESS" entry of ProberOptions::resolve (IPv6 in brackets).
Status ValidateResolveEntry(const std::string& entry);

std::unique_ptr<Prober> NewCurlProber(const ProberOptions& options, Status* status);

// Answers from results given beforehand: a target gets the first canned result with its
// url and address (id replaced by the target's); any other ends as kError "no canned
// result". No network.
std::unique_ptr<Prober> NewCannedProber(std::vector<ProbeResult> canned);

// Pure pieces of the curl prober, exposed for unit tests.
namespace probe_internal {
// The ProbeStatus of a failed libcurl transfer (CURLcode and the OS errno it reported).
ProbeStatus ClassifyCurlError(int curl_code, long os_errno);
// A certificate from libcurl's CURLINFO_CERTINFO lines ("Subject:...", "Issuer:...",
// "X509v3 Subject Alternative Name:...", "Start date:...", "Expire date:...").
TlsCertificate CertificateFromCertInfo(const std::vector<std::string>& lines);
// "Jan  2 03:04:05 2026 GMT" -> "2026-01-02T03:04:05Z"; anything else unchanged.
std::string CertDateToIso(std::string_view text);
}  // namespace probe_internal

}  // namespace residency

#endif  // RESIDENCY_PROBE_H_
