#include "declarations.h"

#include <algorithm>

namespace residency {
namespace {

bool Covers(const Declaration& d, Activity activity, const std::string& category) {
  return d.activity == activity && std::find(d.data.begin(), d.data.end(), category) != d.data.end();
}

}  // namespace

bool IsDeclared(const Manifest& manifest, Activity activity, const std::string& category) {
  return std::any_of(manifest.declarations.begin(), manifest.declarations.end(),
                     [&](const Declaration& d) { return Covers(d, activity, category); });
}

Allowed AllowedFor(const Manifest& manifest, Activity activity, const std::vector<std::string>& categories) {
  Allowed out;
  bool first = true;
  std::vector<const Location*> candidates;  // every location named for any category
  for (const std::string& category : categories) {
    CountrySet for_category;
    bool covered = false;
    for (const Declaration& d : manifest.declarations) {
      if (!Covers(d, activity, category)) continue;
      covered = true;
      if (std::find(out.declarations.begin(), out.declarations.end(), &d) == out.declarations.end()) {
        out.declarations.push_back(&d);
      }
      for (const Location& loc : d.locations) {
        for_category |= loc.countries;
        candidates.push_back(&loc);
      }
    }
    if (!covered) {
      out.uncovered.push_back(category);
      continue;
    }
    if (first) {
      out.countries = for_category;
      first = false;
    } else {
      out.countries &= for_category;
    }
  }
  if (!out.uncovered.empty()) {
    // Some category may go nowhere: nothing is allowed for the endpoint as a whole.
    out.countries = CountrySet();
    out.locations.clear();
    return out;
  }
  // Name the result as declared where a declared location fits inside it; countries that
  // only the intersection leaves are named by code.
  CountrySet named;
  for (const Location* loc : candidates) {
    if (loc->countries.IsSubsetOf(out.countries) &&
        std::find(out.locations.begin(), out.locations.end(), loc->text) == out.locations.end()) {
      out.locations.push_back(loc->text);
      named |= loc->countries;
    }
  }
  for (const std::string& code : out.countries.Codes()) {
    if (!named.Contains(code)) out.locations.push_back(code);
  }
  return out;
}

const Allowed& AllowedCache::For(Activity activity, const std::vector<std::string>& categories) {
  // Called twice per endpoint of a large estate: one buffer, no temporaries.
  thread_local std::string key;
  key.assign(ActivityName(activity));
  for (const std::string& c : categories) {
    key += '\n';
    key += c;
  }
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, AllowedFor(manifest_, activity, categories)).first;
  return it->second;
}

}  // namespace residency
