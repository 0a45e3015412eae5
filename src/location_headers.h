// Location headers: what an HTTP response's headers say about where the request was served
// or where the data is stored (shared/spec/data-sources.md, "HTTP response headers").
// Pure parsing, for `verify --probe http` (issue 9, not yet wired): the probe hands over
// the response headers, this module returns evidence; mapping a region to a country (the
// region catalog) and an IATA code to a country (an airport data file) is the caller's.
//
// Only x-amz-bucket-region-like headers are storage evidence; edge PoP headers say where a
// request was served, never where data is stored, so they are processing evidence.
#ifndef RESIDENCY_LOCATION_HEADERS_H_
#define RESIDENCY_LOCATION_HEADERS_H_

#include <string>
#include <utility>
#include <vector>

namespace residency {

struct HeaderEvidence {
  std::string header;    // lower case: "x-amz-cf-pop"
  std::string value;     // as received
  std::string kind;      // "storage" | "processing"
  std::string provider;  // "aws" | "cloudflare" | "fastly" | "vercel" | "azure"
  std::string region;    // a provider region ("eu-central-1"), "" when the header names a PoP
  std::string iata;      // an edge PoP's airport code ("FRA"), "" when none can be read
};

// Every piece of location evidence in `headers` (name, value; names in any case), in
// header order; a header with several PoPs (x-served-by, x-vercel-id) gives one each.
// Values that do not have the documented shape give nothing: no guessing.
std::vector<HeaderEvidence> ParseLocationHeaders(const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace residency

#endif  // RESIDENCY_LOCATION_HEADERS_H_
