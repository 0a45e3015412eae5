// `residency lookup TARGET...`: evidence for IP addresses and host names
// (lookup_report.h). Names are resolved (resolve.h) through --dns or the system's
// resolv.conf, A and AAAA with the whole CNAME chain; each address gets the same evidence
// as an IP target. Exit code 3 when a name did not resolve to addresses (any status but
// ok: it could not be verified), 2 for a bad target or --dns, else 0.
#include <algorithm>
#include <cctype>
#include <memory>

#include "command_support.h"
#include "commands.h"
#include "geo.h"
#include "ip.h"
#include "jurisdiction.h"
#include "lookup_report.h"
#include "manifest.h"
#include "resolve.h"

namespace residency {
namespace {

// What was meant as an address rather than a name: a colon (IPv6), or digits and dots
// only ("999.1.1.1", "3.120.0"). Anything else is taken for a host name.
bool LooksLikeAddress(const std::string& text) {
  if (text.find(':') != std::string::npos) return true;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

}  // namespace

int RunLookup(const LookupOptions& options, std::ostream& out, std::ostream& err) {
  // Check every target before any output: a bad one stops the run with nothing printed.
  std::vector<IpAddress> ips;
  std::vector<std::string> ip_targets, name_targets, names;
  for (const std::string& target : options.targets) {
    std::string a_label, error;
    if (std::optional<IpAddress> ip = ParseIp(target)) {
      ips.push_back(*ip);
      ip_targets.push_back(target);
    } else if (LooksLikeAddress(target)) {
      err << "residency: lookup: \"" << target << "\" is not a valid IP address\n";
      return kExitError;
    } else if (NormalizeHostName(target, &a_label, &error)) {
      name_targets.push_back(target);
      names.push_back(a_label);
    } else {
      err << "residency: lookup: \"" << target << "\" is not a valid host name: " << error << "\n";
      return kExitError;
    }
  }
  ResolverOptions resolver_options;
  if (!options.dns.empty()) {
    if (Status s = ParseDnsServers(options.dns, &resolver_options.servers); !s.ok()) {
      err << "residency: --dns: " << s.message() << "\n";
      return kExitError;
    }
  }

  std::string dir;
  std::unique_ptr<Geo> geo;
  if (!OpenGeodb(options.geodb_dir, err, &dir, &geo)) return kExitError;
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

  auto evidence = [&](const std::string& target, const IpAddress& ip, LookupResult* result) {
    result->target = target;
    if (Status s = geo->Lookup(ip, &result->answer); !s.ok()) return s;
    if (jurisdictions) {
      result->jurisdictions.emplace();
      for (const SourceAnswer& a : result->answer.sources) {
        if (a.country) (*result->jurisdictions)[*a.country] = jurisdictions->GroupsOf(*a.country);
      }
      const std::optional<FeedMatch>& feed = result->answer.feed;
      if (feed && feed->IsLocation()) {
        if (const Region* region = jurisdictions->FindRegion(feed->provider, feed->region)) {
          result->feed_country = region->country;
          result->feed_city = region->city;
          (*result->jurisdictions)[region->country] = jurisdictions->GroupsOf(region->country);
        }
      }
      for (const auto& entry : *result->jurisdictions) {
        const AdequacyDecision* d = jurisdictions->Adequacy(entry.first);
        if (d && !d->scope.empty()) result->adequacy_scope[entry.first] = d->scope;
      }
    }
    return Status::Ok();
  };

  LookupReport report;
  for (size_t i = 0; i < ips.size(); ++i) {
    LookupResult result;
    if (Status s = evidence(ip_targets[i], ips[i], &result); !s.ok()) {
      err << "residency: " << s.message() << "\n";
      return kExitError;
    }
    report.results.push_back(std::move(result));
  }

  bool unresolved = false;
  if (!names.empty()) {
    Status status;
    std::unique_ptr<Resolver> resolver = NewAresResolver(resolver_options, &status);
    if (!resolver) {
      err << "residency: " << status.message() << "\n";
      return kExitError;
    }
    std::vector<Resolution> resolutions;
    if (Status s = resolver->ResolveAll(names, &resolutions); !s.ok()) {
      err << "residency: " << s.message() << "\n";
      return kExitError;
    }
    report.dns_servers = resolver->Servers();
    for (size_t i = 0; i < names.size(); ++i) {
      LookupName name;
      name.target = name_targets[i];
      name.resolution = std::move(resolutions[i]);
      if (name.resolution.status != ResolveStatus::kOk) unresolved = true;
      for (const IpAddress& ip : name.resolution.addresses) {
        LookupResult result;
        if (Status s = evidence(ip.ToString(), ip, &result); !s.ok()) {
          err << "residency: " << s.message() << "\n";
          return kExitError;
        }
        name.addresses.push_back(std::move(result));
      }
      report.names.push_back(std::move(name));
    }
  }
  if (options.format == "json") {
    RenderLookupJson(report, out);
  } else {
    RenderLookupText(report, out);
  }
  return unresolved ? kExitUnverified : kExitPass;
}

}  // namespace residency
