#include "location_headers.h"

#include <doctest/doctest.h>

namespace residency {
namespace {

TEST_CASE("ParseLocationHeaders: the headers of data-sources.md") {
  struct Case {
    const char* name;
    const char* value;
    std::vector<std::string> want;  // "kind provider region iata" per piece of evidence
  };
  const Case cases[] = {
      {"x-amz-bucket-region", "eu-central-1", {"storage aws eu-central-1 -"}},
      {"X-Amz-Bucket-Region", " us-gov-west-1 ", {"storage aws us-gov-west-1 -"}},
      {"x-amz-bucket-region", "central", {}},
      {"x-amz-bucket-region", "eu-central-x", {}},
      {"x-amz-cf-pop", "FRA56-P5", {"processing aws - FRA"}},
      {"x-amz-cf-pop", "FR", {}},
      {"cf-ray", "8a1b2c3d4e5f6789-FRA", {"processing cloudflare - FRA"}},
      {"cf-ray", "8a1b2c3d4e5f6789", {}},
      {"cf-ray", "8a1b2c3d4e5f6789-FR4", {}},
      {"x-served-by", "cache-fra19123-FRA", {"processing fastly - FRA"}},
      {"x-served-by", "cache-iad-kiad7000-IAD, cache-fra19123-FRA",
       {"processing fastly - IAD", "processing fastly - FRA"}},
      {"x-vercel-id", "fra1::iad1::abcde-1700000000000-0123", {"processing vercel - FRA", "processing vercel - IAD"}},
      {"x-vercel-id", "garbage", {}},
      {"x-azure-ref", "0AbCdEf==", {}},
      {"server", "nginx", {}},
  };
  for (const Case& c : cases) {
    INFO(c.name, ": ", c.value);
    std::vector<std::string> got;
    for (const HeaderEvidence& e : ParseLocationHeaders({{c.name, c.value}})) {
      got.push_back(e.kind + " " + e.provider + " " + (e.region.empty() ? "-" : e.region) + " " +
                    (e.iata.empty() ? "-" : e.iata));
    }
    CHECK(got == c.want);
  }
}

}  // namespace
}  // namespace residency
