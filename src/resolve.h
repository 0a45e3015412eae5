// Resolve: DNS resolution of endpoint names with the whole evidence. For each name: A and
// AAAA, the whole CNAME chain (followed across zones by residency itself when the server
// does not), TTLs, and a status that tells NXDOMAIN, NODATA, SERVFAIL, REFUSED, timeout, a
// CNAME loop and an over-long chain apart. Every query made is kept as a DnsAnswer
// (name, type, server, time, rcode, records with TTL): the evidence an auditor keeps, and
// what `verify --replay` answers from instead of the network.
//
// Implementations: NewAresResolver (c-ares, concurrent, bounded) and NewReplayResolver
// (answers recorded earlier, no network). Both are used through Resolver. A Resolver is
// used from one thread; results are plain values that outlive it.
#ifndef RESIDENCY_RESOLVE_H_
#define RESIDENCY_RESOLVE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ip.h"
#include "status.h"

namespace residency {

enum class ResolveStatus {
  kOk,            // at least one address; both A and AAAA answered (NOERROR, possibly NODATA for one)
  kNxdomain,      // the name (or a name in its chain) does not exist
  kNodata,        // the name exists but has neither A nor AAAA
  kServfail,
  kRefused,
  kTimeout,       // no answer from any server within the timeout and retries
  kCnameLoop,     // the chain comes back to a name already in it
  kChainTooLong,  // more CNAMEs than the cap
  kError,         // anything else (malformed answer, other rcode); see detail
};
std::string_view ResolveStatusName(ResolveStatus s);  // "ok", "nxdomain", "nodata", "servfail",
                                                      // "refused", "timeout", "cname-loop",
                                                      // "chain-too-long", "error"
bool ParseResolveStatus(std::string_view name, ResolveStatus* out);

struct DnsRecord {
  std::string name;   // owner, lower case, no trailing dot
  std::string type;   // "A", "AAAA", "CNAME"
  uint32_t ttl = 0;
  std::string data;   // address text, or the CNAME target
};

// One query and its answer.
struct DnsAnswer {
  std::string qname;
  std::string qtype;          // "A" or "AAAA"
  std::string server;         // "127.0.0.1:5353"; "" when none answered
  int64_t time_unix_ms = 0;   // when the answer (or the timeout) came
  std::string rcode;          // "NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "" on timeout
  std::vector<DnsRecord> records;
};

struct Resolution {
  std::string name;                  // as asked: A-label, lower case, no trailing dot
  ResolveStatus status = ResolveStatus::kError;
  std::vector<std::string> cnames;   // the chain after `name`, in order; the last is canonical
  std::vector<IpAddress> addresses;  // A then AAAA of the canonical name, deduplicated
  std::vector<DnsAnswer> evidence;   // every query made for this name, in order
  std::string detail;                // human-readable reason for a non-ok status
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Resolves every name; out[i] is the resolution of names[i]. Names may repeat. A
  // failure of one name is its status, not an error: the Status is for the resolver
  // itself failing (no usable server configuration, c-ares failing to start).
  virtual Status ResolveAll(const std::vector<std::string>& names, std::vector<Resolution>* out) = 0;
  // "127.0.0.1:5353,..." as used, for the report's evidence.
  virtual std::vector<std::string> Servers() const = 0;
};

struct ResolverOptions {
  std::vector<std::string> servers;  // "HOST:PORT" or "HOST"; empty: /etc/resolv.conf
  // Names in flight at once, two questions each. More (2000) overran the receive buffer of
  // a loopback NSD (UDP receive-buffer errors in the slow runs, docs/resolve.md), and a
  // dropped question waits for its retry timeout: the run took 2.4 s where it took 1.1.
  int concurrency = 500;
  int timeout_ms = 2000;             // per try
  int tries = 2;
  int max_chain = 16;                // CNAMEs followed before kChainTooLong
};

// Parses "--dns HOST:PORT[,HOST:PORT...]" (IPv6 as [ADDR]:PORT). Errors name the bad part.
Status ParseDnsServers(std::string_view text, std::vector<std::string>* servers);

std::unique_ptr<Resolver> NewAresResolver(const ResolverOptions& options, Status* status);

// Answers from resolutions recorded earlier (e.g. read back from a JSON report). A name
// not among them resolves to kError with detail "not in the replayed report".
std::unique_ptr<Resolver> NewReplayResolver(std::vector<Resolution> recorded,
                                            std::vector<std::string> servers);

}  // namespace residency

#endif  // RESIDENCY_RESOLVE_H_
