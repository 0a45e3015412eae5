// What the manifest allows: for an activity and a set of data categories, the locations
// the provider declared (manifest-v1.md): for each category the union of the locations of
// every declaration covering (activity, category), intersected over the categories. A pair
// that no declaration covers is an undisclosed use, never an empty "allowed anywhere".
#ifndef RESIDENCY_DECLARATIONS_H_
#define RESIDENCY_DECLARATIONS_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "manifest.h"

namespace residency {

struct Allowed {
  CountrySet countries;                // where the data may be
  std::vector<std::string> locations;  // the same, as declared ("DE", "aws:eu-central-1", ...)
  std::vector<std::string> uncovered;  // categories no declaration covers for the activity
  std::vector<const Declaration*> declarations;  // those that contributed
};

Allowed AllowedFor(const Manifest& manifest, Activity activity, const std::vector<std::string>& categories);

// AllowedFor with a memory: endpoints repeat a few (activity, categories) pairs, and a
// million endpoints should not recompute them. REQUIRES: `manifest` outlives it.
class AllowedCache {
 public:
  explicit AllowedCache(const Manifest& manifest) : manifest_(manifest) {}
  const Allowed& For(Activity activity, const std::vector<std::string>& categories);

 private:
  const Manifest& manifest_;
  std::unordered_map<std::string, Allowed> cache_;  // references stay valid as it grows
};

// True when some declaration covers (activity, category).
bool IsDeclared(const Manifest& manifest, Activity activity, const std::string& category);

}  // namespace residency

#endif  // RESIDENCY_DECLARATIONS_H_
