// Host-name patterns that really encode a provider and a region (S3's
// BUCKET.s3.REGION.amazonaws.com, Azure's NAME.REGION.cloudapp.azure.com, Google's
// REGION-docker.pkg.dev, ...), loaded from geodb/host-patterns.json. A match is evidence of
// where a service is, next to the IP-level answers; it is only as good as the provider's
// naming, so names without a region (s3.amazonaws.com, *.cloudfront.net) are deliberately
// absent.
//
// Pattern syntax, label by label (no regular expressions):
//   literal      the label itself
//   *            exactly one label
//   **           one or more labels; only as the leftmost label
//   P{region}S   the region, between an optional literal prefix P and suffix S; S may end
//                in "*" (anything non-empty), as in "{region}-*" for REGION-PROJECT
// A pattern without {region} names its region in "region" (e.g. compute-1 -> us-east-1).
// The captured region must have the pattern's region_shape (so that the "s3" of
// bucket.s3.amazonaws.com is never taken for a region): aws (eu-central-1, eusc-de-east-1;
// also Oracle's eu-frankfurt-1), gcp (europe-west3), azure (germanywestcentral),
// alibaba (cn-hangzhou, eu-central-1), label (any one DNS label: OVHcloud gra, fr-par).
//
// Patterns are tried in file order; the first match wins, so specific patterns come first.
// A HostPatterns is immutable after loading and safe to share between threads.
#ifndef RESIDENCY_HOST_PATTERNS_H_
#define RESIDENCY_HOST_PATTERNS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace residency {

struct HostMatch {
  std::string provider;  // catalog provider id
  std::string region;    // catalog region id as the host spells it
  std::string service;   // "S3", "Artifact Registry", ...
  std::string pattern;   // the pattern that matched, for the report
};

class HostPatterns {
 public:
  // Parses the JSON text of host-patterns.json; errors name `origin` and a JSON pointer.
  static Status Parse(std::string_view json, const std::string& origin, HostPatterns* out);
  static Status Load(const std::string& path, HostPatterns* out);

  // `host` in any case, with or without the final dot.
  std::optional<HostMatch> Match(std::string_view host) const;

  size_t size() const { return patterns_.size(); }

 private:
  enum class Shape { kAws, kGcp, kAzure, kAlibaba, kLabel };
  struct Label {
    enum class Kind { kLiteral, kOne, kMany, kRegion };
    Kind kind = Kind::kLiteral;
    std::string text;         // kLiteral: the label; kRegion: the prefix
    std::string suffix;       // kRegion
    bool suffix_star = false;  // kRegion: suffix ends in "*"
  };
  struct Pattern {
    std::string text, provider, service, fixed_region;
    Shape shape = Shape::kLabel;
    std::vector<Label> labels;  // left to right
  };
  static bool HasShape(std::string_view region, Shape shape);
  static bool MatchRegionLabel(const Label& label, std::string_view text, Shape shape,
                               std::string* region);
  static bool MatchPattern(const Pattern& p, const std::vector<std::string_view>& labels,
                           std::string* region);
  std::vector<Pattern> patterns_;
};

}  // namespace residency

#endif  // RESIDENCY_HOST_PATTERNS_H_
