#include "check.h"
#include "text_util.h"

#include <algorithm>
#include <map>
#include <set>

namespace residency {
namespace {

// "dbip DE, geo-whois DE, feed aws:eu-central-1 DE"
std::string Answers(const AddressObservation& obs) {
  std::vector<std::string> parts;
  for (const SourceEvidence& s : obs.sources) {
    if (s.kind == "country" && s.country) parts.push_back(s.source + " " + *s.country);
  }
  if (obs.feed && obs.feed->scope == "regional" && !obs.feed->region_country.empty()) {
    parts.push_back("feed " + obs.feed->provider + ":" + obs.feed->region + " " + obs.feed->region_country);
  }
  return Join(parts);
}

void Add(std::vector<Finding>* out, const CheckRule& rule, const EndpointResult& r, std::string message) {
  out->push_back(Finding{rule.check, rule.status, r.id, rule.requirements, r.path, std::move(message), r.ref});
}

// Words that say nothing of who an organisation is.
bool IsFillerWord(const std::string& w) {
  static const std::set<std::string> kFiller = {
      "inc", "gmbh", "ltd", "llc", "sa", "sas", "sarl", "ag", "bv", "as", "se", "co", "corp", "corporation",
      "limited", "the", "networks", "network", "hosting", "cloud", "services", "service", "internet", "of",
      "and", "kg", "oy", "ab", "spa", "srl", "sp", "z", "o", "plc", "company", "technologies", "data", "center"};
  return w.size() < 2 || kFiller.count(w) != 0;
}

std::set<std::string> SignificantWords(std::string_view name) {
  std::set<std::string> words;
  std::string w;
  for (size_t i = 0; i <= name.size(); ++i) {
    unsigned char c = i < name.size() ? static_cast<unsigned char>(name[i]) : ' ';
    if (std::isalnum(c)) {
      w += static_cast<char>(std::tolower(c));
    } else if (!w.empty()) {
      if (!IsFillerWord(w)) words.insert(w);
      w.clear();
    }
  }
  return words;
}

class Checker {
 public:
  explicit Checker(const CheckInputs& in) : in_(in) {}
  void Run(const CheckRule& rule);
  std::vector<Finding> Take() { return std::move(findings_); }

 private:
  void LocationViolation(const CheckRule& rule);
  void Unverifiable(const CheckRule& rule);
  void RegionMismatch(const CheckRule& rule);
  void UndisclosedOperator(const CheckRule& rule);
  void AsJurisdiction(const CheckRule& rule);
  void BackupSameSite(const CheckRule& rule);

  const CheckInputs& in_;
  std::vector<Finding> findings_;
};

void Checker::LocationViolation(const CheckRule& rule) {
  AllowedCache cache(in_.manifest);
  for (size_t i = 0; i < in_.results.size(); ++i) {
    const EndpointResult& r = in_.results[i];
    const Allowed& allowed = cache.For(in_.endpoints[i]->activity, in_.endpoints[i]->data);
    if (!allowed.uncovered.empty()) continue;  // undisclosed-use says it
    std::vector<std::string> outside;
    for (const AddressObservation& o : r.observed) {
      if (o.placement == Placement::kOutside) outside.push_back(o.ip.ToString() + " (" + Answers(o) + ")");
    }
    if (outside.empty()) continue;
    Add(&findings_, rule, r,
        r.id + " (" + r.activity + " of " + Join(r.data) + ") is located outside its declared locations " +
            Join(r.allowed) + ": " + Join(outside, "; "));
  }
}

void Checker::Unverifiable(const CheckRule& rule) {
  for (const EndpointResult& r : in_.results) {
    if (r.verdict != Verdict::kUnverified) continue;
    std::vector<std::string> why;
    if (r.resolution.status != ResolveStatus::kOk) {
      why.push_back("resolving " + r.resolution.name + ": " + std::string(ResolveStatusName(r.resolution.status)) +
                    (r.resolution.detail.empty() ? "" : " (" + r.resolution.detail + ")"));
    } else if (r.observed.empty()) {
      why.push_back("no address");
    }
    for (const AddressObservation& o : r.observed) {
      if (o.placement == Placement::kUnknown) why.push_back(o.ip.ToString() + ": " + o.reason);
    }
    Add(&findings_, rule, r, "where " + r.id + " is cannot be verified: " + Join(why, "; "));
  }
}

void Checker::RegionMismatch(const CheckRule& rule) {
  for (size_t i = 0; i < in_.results.size(); ++i) {
    const Endpoint& e = *in_.endpoints[i];
    const EndpointResult& r = in_.results[i];
    if (!e.declared_region) continue;
    const Location& declared = *e.declared_region;
    std::vector<std::string> why;
    if (declared.kind == Location::Kind::kRegion) {
      const Region& reg = *declared.region;
      if (r.host_pattern && (r.host_pattern->provider != reg.provider || r.host_pattern->region != reg.id)) {
        why.push_back("the host name says " + r.host_pattern->provider + ":" + r.host_pattern->region);
      }
      for (const AddressObservation& o : r.observed) {
        if (!o.feed || o.feed->scope != "regional") continue;
        if (o.feed->provider != reg.provider || o.feed->region != reg.id) {
          why.push_back(o.ip.ToString() + " is in " + o.feed->provider + ":" + o.feed->region + " (" +
                        o.feed->service + ", " + o.feed->prefix + ")");
        }
      }
    }
    for (const AddressObservation& o : r.observed) {
      if (o.country && !declared.countries.Contains(*o.country)) {
        why.push_back(o.ip.ToString() + " is located in " + *o.country + " (" + Answers(o) + ")");
      }
    }
    if (why.empty()) continue;
    Add(&findings_, rule, r, r.id + " is declared in " + declared.text + ", but " + Join(why, "; "));
  }
}

void Checker::UndisclosedOperator(const CheckRule& rule) {
  // Who the manifest says runs things: provider ids where known, and the significant words
  // of every declared legal name.
  std::set<std::string> declared_ids;
  std::set<std::string> declared_words;
  for (const Node& n : in_.manifest.nodes) {
    if (std::string id = in_.operators.ByName(n.entity.legal_name); !id.empty()) declared_ids.insert(id);
    for (const std::string& w : SignificantWords(n.entity.legal_name)) declared_words.insert(w);
    for (const Location& l : n.declared_regions) {
      if (l.region) declared_ids.insert(l.region->provider);
    }
  }
  auto declared_by_words = [&](const std::string& name) {
    for (const std::string& w : SignificantWords(name)) {
      if (declared_words.count(w)) return true;
    }
    return false;
  };
  for (const EndpointResult& r : in_.results) {
    std::vector<std::string> why;
    std::set<std::string> reported;
    auto note = [&](const std::string& id, const std::string& evidence) {
      if (id.empty() || declared_ids.count(id) || !reported.insert(id).second) return;
      why.push_back(evidence);
    };
    std::vector<std::string> names = r.resolution.cnames;
    if (r.target_kind != "ip") names.insert(names.begin(), r.resolution.name);
    for (const std::string& n : names) {
      if (n.empty()) continue;
      note(in_.operators.ByZone(n), "the name " + n + " is in a zone of " + in_.operators.ByZone(n));
    }
    for (const AddressObservation& o : r.observed) {
      if (o.feed) {
        note(o.feed->provider, o.ip.ToString() + " is in " + o.feed->provider + "'s published ranges (" +
                                   o.feed->service + ", " + o.feed->prefix + ")");
        continue;
      }
      if (!o.as) continue;
      std::string id = in_.operators.ByAsn(o.as->number);
      if (id.empty()) id = in_.operators.ByName(o.as->organisation);
      std::string evidence = o.ip.ToString() + " is announced by AS" + std::to_string(o.as->number) + " " + o.as->organisation;
      if (!id.empty()) {
        note(id, evidence);
      } else if (!declared_by_words(o.as->organisation) && reported.insert("as:" + o.as->organisation).second) {
        why.push_back(evidence);
      }
    }
    if (why.empty()) continue;
    Add(&findings_, rule, r,
        r.id + " runs on a network of no declared operator: " + Join(why, "; ") +
            " (a likely undisclosed subservice organisation)");
  }
}

void Checker::AsJurisdiction(const CheckRule& rule) {
  std::string error;
  auto within = in_.jurisdictions.ParseLocation(rule.within.empty() ? "EEA" : rule.within, &error);
  if (!within) return;
  // One finding per node and AS: the same network under every endpoint says it once.
  struct Exposure {
    const AsEvidence* as;
    std::vector<std::string> endpoints;
  };
  // Results come in manifest order, so each node's endpoints are one run of them.
  size_t begin = 0;
  for (size_t n = 0; n < in_.manifest.nodes.size(); ++n) {
    const Node& node = in_.manifest.nodes[n];
    size_t end = begin;
    while (end < in_.results.size() && in_.endpoints[end]->node == n) ++end;
    std::vector<Exposure> exposures;
    for (size_t i = begin; i < end; ++i) {
      const EndpointResult& r = in_.results[i];
      for (const AddressObservation& o : r.observed) {
        if (!o.as || o.as->registered_country.empty() || within->countries.Contains(o.as->registered_country)) continue;
        auto it = std::find_if(exposures.begin(), exposures.end(), [&](const Exposure& x) {
          return x.as->number == o.as->number && x.as->registered_country == o.as->registered_country;
        });
        if (it == exposures.end()) it = exposures.insert(exposures.end(), Exposure{&*o.as, {}});
        if (std::find(it->endpoints.begin(), it->endpoints.end(), r.id) == it->endpoints.end()) {
          it->endpoints.push_back(r.id);
        }
      }
    }
    for (const Exposure& x : exposures) {
      std::vector<std::string> path = in_.graph.PathTo(n, "customer");
      if (path.empty()) path = {node.id};
      findings_.push_back(Finding{
          rule.check, rule.status, node.id, rule.requirements, path,
          "the network of " + Join(x.endpoints) + " is announced by AS" + std::to_string(x.as->number) + " " +
              x.as->organisation + ", registered in " + x.as->registered_country + ", outside " + within->text +
              ": the network's operator answers to that jurisdiction",
          node.ref});
    }
    begin = end;
  }
}

void Checker::BackupSameSite(const CheckRule& rule) {
  // A site: a provider region from the feed, else the network the first country source
  // names. An address with neither has no site and matches nothing.
  auto site = [](const AddressObservation& o) -> std::string {
    if (o.feed && o.feed->scope == "regional") return o.feed->provider + ":" + o.feed->region;
    for (const SourceEvidence& s : o.sources) {
      if (s.kind == "country" && !s.prefix.empty()) return "net:" + s.prefix;
    }
    return "";
  };
  std::set<std::string> storage_sites;
  for (size_t i = 0; i < in_.results.size(); ++i) {
    if (in_.endpoints[i]->activity != Activity::kStorage) continue;
    for (const AddressObservation& o : in_.results[i].observed) {
      if (std::string s = site(o); !s.empty()) storage_sites.insert(s);
    }
  }
  for (size_t i = 0; i < in_.results.size(); ++i) {
    const EndpointResult& r = in_.results[i];
    if (in_.endpoints[i]->activity != Activity::kBackup || r.observed.empty()) continue;
    std::vector<std::string> shared;
    bool all = true;
    for (const AddressObservation& o : r.observed) {
      std::string s = site(o);
      if (s.empty() || !storage_sites.count(s)) {
        all = false;
        break;
      }
      shared.push_back(o.ip.ToString() + " in " + (s.rfind("net:", 0) == 0 ? "network " + s.substr(4) : s));
    }
    if (!all) continue;
    Add(&findings_, rule, r,
        "backups at " + r.id + " are observed at the same site as primary storage: " + Join(shared, "; "));
  }
}

void Checker::Run(const CheckRule& rule) {
  using Fn = void (Checker::*)(const CheckRule&);
  static const std::map<std::string, Fn> kChecks = {
      {"location-violation", &Checker::LocationViolation},
      {"unverifiable", &Checker::Unverifiable},
      {"region-mismatch", &Checker::RegionMismatch},
      {"undisclosed-operator", &Checker::UndisclosedOperator},
      {"jurisdiction-exposure", &Checker::AsJurisdiction},
      {"backup-same-site", &Checker::BackupSameSite},
  };
  if (auto it = kChecks.find(rule.check); it != kChecks.end()) (this->*(it->second))(rule);
}

}  // namespace

std::vector<std::string> Votes(const AddressObservation& obs) {
  std::vector<std::string> votes;
  auto add = [&](const std::string& c) {
    if (std::find(votes.begin(), votes.end(), c) == votes.end()) votes.push_back(c);
  };
  for (const SourceEvidence& s : obs.sources) {
    if (s.kind == "country" && s.country) add(*s.country);
  }
  if (obs.feed && obs.feed->scope == "regional" && !obs.feed->region_country.empty()) add(obs.feed->region_country);
  return votes;
}

void PlaceAddress(const Allowed& allowed, AddressObservation* obs) {
  std::vector<std::string> votes = Votes(*obs);
  obs->country = votes.size() == 1 ? std::optional<std::string>(votes[0]) : std::nullopt;
  std::string answers = Answers(*obs);
  if (obs->feed && obs->feed->scope != "regional") {
    obs->placement = Placement::kUnknown;
    obs->reason = obs->feed->scope == "anycast"
                      ? "anycast network of " + obs->feed->provider + " (" + obs->feed->prefix +
                            "): the address says nothing of a place"
                      : obs->feed->provider + " " + obs->feed->scope + " range (" + obs->feed->service + ", " +
                            obs->feed->prefix + "): it may be served from any region";
    return;
  }
  if (votes.empty()) {
    obs->placement = Placement::kUnknown;
    obs->reason = "no geolocation source answers for this address";
    return;
  }
  if (!allowed.uncovered.empty()) {
    obs->placement = Placement::kOutside;
    obs->reason = answers + "; no location is declared for " + Join(allowed.uncovered);
    return;
  }
  std::vector<std::string> in, out;
  for (const std::string& v : votes) (allowed.countries.Contains(v) ? in : out).push_back(v);
  if (out.empty()) {
    obs->placement = Placement::kInside;
    obs->reason = answers + ": inside " + Join(allowed.locations);
    if (votes.size() > 1) {
      obs->notes.push_back("sources disagree inside the allowed locations: " + Join(votes, " vs "));
    }
  } else if (in.empty()) {
    obs->placement = Placement::kOutside;
    obs->reason = answers + ": outside " + Join(allowed.locations);
  } else {
    obs->placement = Placement::kUnknown;
    obs->reason = "sources straddle the boundary (" + answers + "): " + Join(in) + " inside, " + Join(out) +
                  " outside " + Join(allowed.locations);
  }
}

Verdict EndpointVerdict(const EndpointResult& r) {
  bool unknown = r.resolution.status != ResolveStatus::kOk || r.observed.empty();
  for (const AddressObservation& o : r.observed) {
    if (o.placement == Placement::kOutside) return Verdict::kFail;
    unknown |= o.placement == Placement::kUnknown;
  }
  return unknown ? Verdict::kUnverified : Verdict::kPass;
}

std::vector<Finding> CheckObservations(const CheckInputs& in, const Profile& profile) {
  Checker checker(in);
  for (const CheckRule& rule : profile.rules) checker.Run(rule);
  return checker.Take();
}

}  // namespace residency
