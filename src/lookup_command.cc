// `residency lookup TARGET...`: evidence for IP addresses (lookup_report.h). Host names
// are refused for now: they need the DNS resolver, which is not there yet.
#include <cctype>
#include <memory>

#include "commands.h"
#include "geo.h"
#include "ip.h"
#include "jurisdiction.h"
#include "lookup_report.h"
#include "paths.h"

namespace residency {
namespace {

// Letters, digits, '-', '_' and dots, with at least one letter: what a host name looks
// like, as opposed to a mistyped address ("999.1.1.1", "3.120.0", "2a00::zz").
bool LooksLikeHostName(const std::string& text) {
  if (text.empty() || text.size() > 253) return false;
  bool letter = false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      letter = true;
    } else if (!std::isdigit(u) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return letter;
}

}  // namespace

int RunLookup(const LookupOptions& options, std::ostream& out, std::ostream& err) {
  // Check every target before any output: a bad one stops the run with nothing printed.
  std::vector<IpAddress> ips;
  for (const std::string& target : options.targets) {
    if (std::optional<IpAddress> ip = ParseIp(target)) {
      ips.push_back(*ip);
    } else if (LooksLikeHostName(target)) {
      err << "residency: lookup " << target
          << ": host names need DNS resolution (not yet implemented)\n";
      return kExitError;
    } else {
      err << "residency: lookup: \"" << target << "\" is not a valid IP address\n";
      return kExitError;
    }
  }

  std::string dir;
  if (Status s = ResolveGeodbDir(options.geodb_dir, &dir); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return kExitError;
  }
  std::unique_ptr<Geo> geo;
  if (Status s = Geo::Open(dir, &geo); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return kExitError;
  }
  // Jurisdiction groups are an annotation here: a geodb without them (a user's own
  // directory of .mmdb files) still answers, with a note.
  std::optional<Jurisdictions> jurisdictions;
  {
    Jurisdictions loaded;
    if (Status s = Jurisdictions::Load(dir, &loaded); s.ok()) {
      jurisdictions = std::move(loaded);
    } else {
      err << "residency: note: jurisdiction groups not shown: " << s.message() << "\n";
    }
  }

  LookupReport report;
  for (size_t i = 0; i < ips.size(); ++i) {
    LookupResult result;
    result.target = options.targets[i];
    if (Status s = geo->Lookup(ips[i], &result.answer); !s.ok()) {
      err << "residency: " << s.message() << "\n";
      return kExitError;
    }
    if (jurisdictions) {
      result.jurisdictions.emplace();
      for (const SourceAnswer& a : result.answer.sources) {
        if (a.country) (*result.jurisdictions)[*a.country] = jurisdictions->GroupsOf(*a.country);
      }
      const std::optional<FeedMatch>& feed = result.answer.feed;
      if (feed && feed->IsLocation()) {
        if (const Region* region = jurisdictions->FindRegion(feed->provider, feed->region)) {
          result.feed_country = region->country;
          result.feed_city = region->city;
          (*result.jurisdictions)[region->country] = jurisdictions->GroupsOf(region->country);
        }
      }
      for (const auto& entry : *result.jurisdictions) {
        const AdequacyDecision* d = jurisdictions->Adequacy(entry.first);
        if (d && !d->scope.empty()) result.adequacy_scope[entry.first] = d->scope;
      }
    }
    report.results.push_back(std::move(result));
  }
  if (options.format == "json") {
    RenderLookupJson(report, out);
  } else {
    RenderLookupText(report, out);
  }
  return kExitPass;
}

}  // namespace residency
