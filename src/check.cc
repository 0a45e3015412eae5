#include "check.h"
#include "parallel.h"
#include "text_util.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace residency {
namespace {

// "dbip DE, geo-whois DE, feed aws:eu-central-1 DE"
std::string Answers(const AddressObservation& obs) {
  // Written into one string (a million addresses are described at scale).
  std::string out;
  out.reserve(64);
  auto part = [&out](std::initializer_list<std::string_view> pieces) {
    if (!out.empty()) out += ", ";
    for (std::string_view p : pieces) out += p;
  };
  for (const SourceEvidence& s : obs.sources) {
    if (s.kind == "country" && s.country) part({s.source, " ", *s.country});
  }
  if (obs.feed && obs.feed->scope == "regional" && !obs.feed->region_country.empty()) {
    part({"feed ", obs.feed->provider, ":", obs.feed->region, " ", obs.feed->region_country});
  }
  return out;
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

// The site of an address for backup-same-site, written over *site: a provider region from
// the feed, else the network the first country source names; false (and "") when neither
// is known. Into a string the caller keeps: the sites of a million addresses are few.
bool Site(const AddressObservation& o, std::string* site) {
  site->clear();
  if (o.feed && o.feed->scope == "regional") {
    *site += o.feed->provider;
    *site += ':';
    *site += o.feed->region;
    return true;
  }
  for (const SourceEvidence& s : o.sources) {
    if (s.kind == "country" && !s.prefix.empty()) {
      *site += "net:";
      *site += s.prefix;
      return true;
    }
  }
  return false;
}

// Sites by number, each text held once (backup-same-site compares numbers).
class SiteTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // no site known
  uint32_t Intern(const std::string& site) {
    auto [it, fresh] = ids_.try_emplace(site, static_cast<uint32_t>(names_.size()));
    if (fresh) names_.push_back(site);
    return it->second;
  }
  const std::string& Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

}  // namespace

// Checks that look at one endpoint at a time write their findings as each chunk comes;
// jurisdiction-exposure and backup-same-site keep what they need and conclude in Finish.
struct MeasuredChecks::State {
  State(const Manifest& m, const ServiceGraph& g, const Jurisdictions& j, const Operators& o, const Profile& p)
      : manifest(m), graph(g), jurisdictions(j), operators(o), profile(p),
        findings(p.rules.size(), Findings(&g, messages)) {}

  void LocationViolation(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const;
  void Unverifiable(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const;
  void RegionMismatch(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const;
  void UndisclosedOperator(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const;
  // What jurisdiction-exposure and backup-same-site take from a run of a chunk's
  // endpoints: gathered on every core (Gather), kept in endpoint order (Keep).
  struct Notes;
  void Gather(bool exposure, bool backup_sites, size_t begin, size_t end, Notes* notes) const;
  void Keep(Notes&& notes);
  void FinishBackupSameSite(const CheckRule& rule, Findings* out);
  // The findings of backups[first, last), per part of ParallelFor in order.
  void FinishBackupSameSite(const CheckRule& rule, size_t first, size_t last,
                            std::vector<std::vector<EndpointFinding>>* parts) const;

  const Manifest& manifest;
  const ServiceGraph& graph;
  const Jurisdictions& jurisdictions;
  const Operators& operators;
  const Profile& profile;
  // Per rule of the profile: a large estate's findings (hundreds of thousands) grow chunk by
  // chunk, each endpoint's held as its rule, the endpoint and the message (EndpointFinding),
  // the messages of all in one arena (GiveMemory).
  std::shared_ptr<TextArena> messages = std::make_shared<TextArena>();
  std::vector<Findings> findings;
  AllowedCache allowed{manifest};

  // The chunk being added, and each of its endpoints' allowed locations.
  const std::vector<const Endpoint*>* endpoints = nullptr;
  const std::vector<EndpointResult>* results = nullptr;
  std::vector<const Allowed*> allowed_of;

  // undisclosed-operator: who the manifest says runs things: provider ids where known, and
  // the significant words of every declared legal name.
  void KnowOperators() {
    for (const Node& n : manifest.nodes) {
      if (std::string id = operators.ByName(n.entity.legal_name); !id.empty()) declared_ids.insert(id);
      for (const std::string& w : SignificantWords(n.entity.legal_name)) declared_words.insert(w);
      for (const Location& l : n.declared_regions) {
        if (l.region) declared_ids.insert(l.region->provider);
      }
    }
  }
  std::set<std::string> declared_ids, declared_words;

  // jurisdiction-exposure: per node, each AS registered outside and the endpoints on it
  // (the manifest's: their ids are read when the finding is written). A node's findings are
  // written once the chunks have passed its last endpoint (ConcludeExposures), while what
  // they say is still in the caches, and its notes are dropped.
  struct Exposure {
    AsEvidence as;
    std::vector<const Endpoint*> endpoints;
  };
  std::map<size_t, std::vector<Exposure>> exposures;
  std::optional<Location> exposure_within;
  bool exposure_parsed = false;
  // Writes the findings of every node before `end` (every node when `end` is none).
  void ConcludeExposures(std::optional<size_t> end);

  // backup-same-site: the sites of storage, and each backup endpoint's addresses and
  // sites, as numbers in one table (a quarter of a million backups at 1M endpoints are read
  // again in Finish: 24 bytes an address, not two strings).
  SiteTable sites;
  std::vector<bool> storage_site;  // per site number
  struct BackupAddress {
    IpAddress ip;
    uint32_t site;  // SiteTable::kNone when unknown
  };
  // The endpoint's id, path and position are the manifest's, taken when a finding is made.
  struct Backup {
    const Endpoint* endpoint;
    size_t first;  // its addresses: backup_addresses[first, first + count)
    size_t count;
  };
  // Deques: they grow chunk by chunk to a quarter of a million each, and a vector's doubling
  // would take their size again in memory new to the process (at 1M, 1,500 pages).
  std::deque<Backup> backups;
  std::deque<BackupAddress> backup_addresses;
};

namespace {

void AddFinding(std::vector<EndpointFinding>* out, const CheckRule& rule, const Endpoint* endpoint, std::string message) {
  out->push_back(EndpointFinding{&rule, endpoint, std::move(message)});
}

}  // namespace

void MeasuredChecks::State::LocationViolation(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const {
  for (size_t i = begin; i < end; ++i) {
    const EndpointResult& r = (*results)[i];
    if (!allowed_of[i]->uncovered.empty()) continue;  // undisclosed-use says it
    // The message written into one string: a large estate has findings by the hundred thousand.
    std::string outside;
    bool any = false;
    auto add = [&](const std::string& what) {
      if (any) outside += "; ";
      any = true;
      outside += what;
    };
    for (const AddressObservation& o : r.observed) {
      if (o.placement == Placement::kOutside) add(o.ip.ToString() + " (" + Answers(o) + ")");
    }
    for (const HeaderObservation& h : r.headers) {
      if (h.placement == Placement::kOutside) add(h.reason);
    }
    if (!any) continue;
    std::string message;
    message.reserve(96 + outside.size());
    message += r.id;
    message += " (";
    message += r.activity;
    message += " of ";
    AppendJoined(&message, r.data);
    message += ") is located outside its declared locations ";
    AppendJoined(&message, r.allowed);
    message += ": ";
    message += outside;
    AddFinding(out, rule, (*endpoints)[i], std::move(message));
  }
}

void MeasuredChecks::State::Unverifiable(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const {
  for (size_t i = begin; i < end; ++i) {
    const EndpointResult& r = (*results)[i];
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
    AddFinding(out, rule, (*endpoints)[i], "where " + r.id + " is cannot be verified: " + Join(why, "; "));
  }
}

void MeasuredChecks::State::RegionMismatch(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const {
  for (size_t i = begin; i < end; ++i) {
    const Endpoint& e = *(*endpoints)[i];
    const EndpointResult& r = (*results)[i];
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
    AddFinding(out, rule, (*endpoints)[i], r.id + " is declared in " + declared.text + ", but " + Join(why, "; "));
  }
}

void MeasuredChecks::State::UndisclosedOperator(const CheckRule& rule, size_t begin, size_t end, std::vector<EndpointFinding>* out) const {
  auto declared_by_words = [&](const std::string& name) {
    for (const std::string& w : SignificantWords(name)) {
      if (declared_words.count(w)) return true;
    }
    return false;
  };
  for (size_t i = begin; i < end; ++i) {
    const EndpointResult& r = (*results)[i];
    std::vector<std::string> why;
    std::set<std::string> reported;
    // The evidence text is built only for what is reported: most networks are declared.
    auto note = [&](const std::string& id, auto evidence) {
      if (id.empty() || declared_ids.count(id) || !reported.insert(id).second) return;
      why.push_back(evidence());
    };
    auto note_name = [&](const std::string& n) {
      if (n.empty()) return;
      std::string id = operators.ByZone(n);
      note(id, [&] { return "the name " + n + " is in a zone of " + id; });
    };
    if (r.target_kind != "ip") note_name(r.resolution.name);
    for (const std::string& n : r.resolution.cnames) note_name(n);
    for (const AddressObservation& o : r.observed) {
      if (o.feed) {
        note(o.feed->provider, [&] {
          return o.ip.ToString() + " is in " + o.feed->provider + "'s published ranges (" + o.feed->service + ", " +
                 o.feed->prefix + ")";
        });
        continue;
      }
      if (!o.as) continue;
      std::string id = operators.ByAsn(o.as->number);
      if (id.empty()) id = operators.ByName(o.as->organisation);
      auto evidence = [&] {
        return o.ip.ToString() + " is announced by AS" + std::to_string(o.as->number) + " " + o.as->organisation;
      };
      if (!id.empty()) {
        note(id, evidence);
      } else if (!declared_by_words(o.as->organisation) && reported.insert("as:" + o.as->organisation).second) {
        why.push_back(evidence());
      }
    }
    if (why.empty()) continue;
    AddFinding(out, rule, (*endpoints)[i],
        r.id + " runs on a network of no declared operator: " + Join(why, "; ") +
            " (a likely undisclosed subservice organisation)");
  }
}

struct MeasuredChecks::State::Notes {
  std::vector<std::pair<size_t, const AsEvidence*>> exposed;  // (endpoint, its AS registered outside)
  // Sites numbered in this part's own table (Keep numbers them in the state's).
  SiteTable sites;
  std::vector<bool> storage;  // per site: seen on a storage endpoint
  std::vector<Backup> backups;  // first: into backup_addresses here
  std::vector<BackupAddress> backup_addresses;
};

void MeasuredChecks::State::Gather(bool exposure, bool backup_sites, size_t begin, size_t end, Notes* notes) const {
  std::string site;
  for (size_t i = begin; i < end; ++i) {
    const EndpointResult& r = (*results)[i];
    if (exposure) {
      for (const AddressObservation& o : r.observed) {
        if (o.as && !o.as->registered_country.empty() && !exposure_within->countries.Contains(o.as->registered_country)) {
          notes->exposed.emplace_back(i, &*o.as);
        }
      }
    }
    if (!backup_sites) continue;
    Activity activity = (*endpoints)[i]->activity;
    if (activity == Activity::kStorage) {
      for (const AddressObservation& o : r.observed) {
        if (!Site(o, &site)) continue;
        uint32_t id = notes->sites.Intern(site);
        if (id >= notes->storage.size()) notes->storage.resize(id + 1);
        notes->storage[id] = true;
      }
    } else if (activity == Activity::kBackup && !r.observed.empty()) {
      notes->backups.push_back(Backup{(*endpoints)[i], notes->backup_addresses.size(), r.observed.size()});
      for (const AddressObservation& o : r.observed) {
        notes->backup_addresses.push_back(BackupAddress{o.ip, Site(o, &site) ? notes->sites.Intern(site) : SiteTable::kNone});
      }
    }
  }
}

void MeasuredChecks::State::Keep(Notes&& notes) {
  // One finding per node and AS: the same network under every endpoint says it once.
  for (const auto& [i, as] : notes.exposed) {
    const Endpoint* endpoint = (*endpoints)[i];
    std::vector<Exposure>& list = exposures[endpoint->node];
    const auto* network = as;  // a structured binding cannot be captured before clang 16
    auto it = std::find_if(list.begin(), list.end(), [network](const Exposure& x) {
      return x.as.number == network->number && x.as.registered_country == network->registered_country;
    });
    if (it == list.end()) it = list.insert(list.end(), Exposure{*as, {}});
    // Notes come in manifest order: an endpoint already listed is the last one.
    if (it->endpoints.empty() || it->endpoints.back() != endpoint) it->endpoints.push_back(endpoint);
  }
  std::vector<uint32_t> number(notes.sites.size());  // the part's site numbers in the state's table
  for (uint32_t id = 0; id < number.size(); ++id) number[id] = sites.Intern(notes.sites.Name(id));
  storage_site.resize(sites.size());
  for (uint32_t id = 0; id < notes.storage.size(); ++id) {
    if (notes.storage[id]) storage_site[number[id]] = true;
  }
  const size_t offset = backup_addresses.size();
  for (BackupAddress a : notes.backup_addresses) {
    if (a.site != SiteTable::kNone) a.site = number[a.site];
    backup_addresses.push_back(a);
  }
  for (Backup b : notes.backups) {
    b.first += offset;
    backups.push_back(b);
  }
}

void MeasuredChecks::State::ConcludeExposures(std::optional<size_t> end) {
  const auto stop = end ? exposures.lower_bound(*end) : exposures.end();
  if (stop == exposures.begin()) return;
  for (size_t k = 0; k < profile.rules.size(); ++k) {
    const CheckRule& rule = profile.rules[k];
    if (rule.check != "jurisdiction-exposure" || !exposure_within) continue;
    for (auto at = exposures.begin(); at != stop; ++at) {
      const size_t n = at->first;
      const Node& node = manifest.nodes[n];
      std::vector<std::string> path = graph.PathTo(n, "customer");  // the node's, for each of its findings
      if (path.empty()) path = {node.id};
      for (const Exposure& x : at->second) {
        std::string message = "the network of ";
        for (size_t i = 0; i < x.endpoints.size(); ++i) {
          if (i) message += ", ";
          message += manifest.QualifiedId(*x.endpoints[i]);
        }
        message += " is announced by AS" + std::to_string(x.as.number) + " " + x.as.organisation + ", registered in " +
                   x.as.registered_country + ", outside " + exposure_within->text +
                   ": the network's operator answers to that jurisdiction";
        findings[k].push_back(Finding{rule.check, rule.status, node.id, rule.requirements, path, std::move(message),
                                      node.ref});
      }
    }
  }
  exposures.erase(exposures.begin(), stop);
}

void MeasuredChecks::State::FinishBackupSameSite(const CheckRule& rule, Findings* out) {
  // On every core, each part's findings put back in order: a large estate's backups
  // (a quarter of a million at 1M endpoints) are read again here, long out of the caches.
  // A slice at a time, so that the messages, copied into `out`, leave their memory to the
  // next slice's: all at once, at 1M endpoints, they took 8,900 pages new to the process.
  constexpr size_t kSlice = 16384;
  std::vector<std::vector<EndpointFinding>> parts(Workers());
  for (size_t first = 0; first < backups.size(); first += kSlice) {
    FinishBackupSameSite(rule, first, std::min(backups.size(), first + kSlice), &parts);
    for (std::vector<EndpointFinding>& part : parts) {
      for (EndpointFinding& f : part) out->push_back(std::move(f));
      part.clear();
    }
  }
}

void MeasuredChecks::State::FinishBackupSameSite(const CheckRule& rule, size_t first, size_t last,
                                                 std::vector<std::vector<EndpointFinding>>* parts) const {
  ParallelFor(last - first, 4096, [&](size_t begin, size_t end, size_t part) {
    std::vector<std::string> shared;
    for (size_t i = first + begin; i < first + end; ++i) {
      const Backup& b = backups[i];
      const Endpoint& e = *b.endpoint;
      shared.clear();
      bool all = true;
      for (size_t k = b.first; k < b.first + b.count; ++k) {
        const BackupAddress& a = backup_addresses[k];
        if (a.site == SiteTable::kNone || !storage_site[a.site]) {
          all = false;
          break;
        }
        const std::string& s = sites.Name(a.site);
        shared.push_back(a.ip.ToString() + " in " + (s.rfind("net:", 0) == 0 ? "network " + s.substr(4) : s));
      }
      if (!all) continue;
      std::string id = manifest.QualifiedId(e);
      std::string message = "backups at " + id + " are observed at the same site as primary storage: ";
      AppendJoined(&message, shared, "; ");
      (*parts)[part].push_back(EndpointFinding{&rule, &e, std::move(message)});
    }
  });
}

MeasuredChecks::MeasuredChecks(const Manifest& manifest, const ServiceGraph& graph, const Jurisdictions& jurisdictions,
                               const Operators& operators, const Profile& profile)
    : state_(std::make_unique<State>(manifest, graph, jurisdictions, operators, profile)) {
  state_->KnowOperators();
}

MeasuredChecks::~MeasuredChecks() = default;

void MeasuredChecks::Add(const std::vector<const Endpoint*>& endpoints, const std::vector<EndpointResult>& results) {
  State& s = *state_;
  s.endpoints = &endpoints;
  s.results = &results;
  s.allowed_of.resize(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) s.allowed_of[i] = &s.allowed.For(endpoints[i]->activity, endpoints[i]->data);
  bool exposure = false, sites = false;
  for (const CheckRule& rule : s.profile.rules) {
    if (rule.check == "jurisdiction-exposure") {
      if (!s.exposure_parsed) {
        s.exposure_parsed = true;
        std::string error;
        s.exposure_within = s.jurisdictions.ParseLocation(rule.within.empty() ? "EEA" : rule.within, &error);
      }
      exposure = s.exposure_within.has_value();
    }
    sites |= rule.check == "backup-same-site";
  }
  // The checks of one endpoint at a time and the notes the others conclude on, on every
  // core; each part's findings and notes are put back in endpoint order.
  const size_t rules = s.profile.rules.size();
  std::vector<std::vector<std::vector<EndpointFinding>>> parts(Workers(), std::vector<std::vector<EndpointFinding>>(rules));
  std::vector<State::Notes> notes(Workers());
  ParallelFor(results.size(), 2048, [&](size_t begin, size_t end, size_t part) {
    for (size_t k = 0; k < rules; ++k) {
      const CheckRule& rule = s.profile.rules[k];
      std::vector<EndpointFinding>* out = &parts[part][k];
      if (rule.check == "location-violation") s.LocationViolation(rule, begin, end, out);
      else if (rule.check == "unverifiable") s.Unverifiable(rule, begin, end, out);
      else if (rule.check == "region-mismatch") s.RegionMismatch(rule, begin, end, out);
      else if (rule.check == "undisclosed-operator") s.UndisclosedOperator(rule, begin, end, out);
    }
    s.Gather(exposure, sites, begin, end, &notes[part]);
  });
  for (auto& part : parts) {
    for (size_t k = 0; k < rules; ++k) {
      for (EndpointFinding& f : part[k]) s.findings[k].push_back(std::move(f));
    }
  }
  for (State::Notes& n : notes) s.Keep(std::move(n));
  // Endpoints come in manifest order, node by node: every node before the last one's is complete.
  if (!endpoints.empty()) s.ConcludeExposures(endpoints.back()->node);
  s.endpoints = nullptr;
  s.results = nullptr;
}

void MeasuredChecks::GiveMemory(std::string memory) { state_->messages->Give(std::move(memory)); }

void MeasuredChecks::Finish(Findings* out) {
  State& s = *state_;
  s.ConcludeExposures(std::nullopt);
  for (size_t k = 0; k < s.profile.rules.size(); ++k) {
    const CheckRule& rule = s.profile.rules[k];
    if (rule.check == "backup-same-site") s.FinishBackupSameSite(rule, &s.findings[k]);
  }
  for (Findings& f : s.findings) out->Append(&f);
}


std::vector<std::string> Votes(const AddressObservation& obs) {
  std::vector<std::string> votes;
  votes.reserve(obs.sources.size() + 1);
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
  if (out.empty() || in.empty()) {
    obs->placement = out.empty() ? Placement::kInside : Placement::kOutside;
    obs->reason = std::move(answers);
    obs->reason += out.empty() ? ": inside " : ": outside ";
    AppendJoined(&obs->reason, allowed.locations);
    if (out.empty() && votes.size() > 1) {
      obs->notes.push_back("sources disagree inside the allowed locations: " + Join(votes, " vs "));
    }
  } else {
    obs->placement = Placement::kUnknown;
    obs->reason = "sources straddle the boundary (" + answers + "): " + Join(in) + " inside, " + Join(out) +
                  " outside " + Join(allowed.locations);
  }
}

void PlaceHeader(const Allowed& allowed, HeaderObservation* h) {
  const HeaderEvidence& ev = h->evidence;
  std::string what = ev.kind == "storage" ? "region " + ev.provider + ":" + ev.region : "edge PoP " + ev.iata;
  std::string said = "header " + ev.header + " " + ev.value + ": " + what;
  if (h->country.empty()) {
    h->placement = Placement::kUnknown;
    h->reason = said + " is not in the geodb (" + (ev.kind == "storage" ? "regions.csv" : "airports.csv") + ")";
    return;
  }
  said += " (" + h->country + (h->place.empty() ? "" : ", " + h->place) + ")";
  if (!allowed.uncovered.empty()) {
    h->placement = Placement::kOutside;
    h->reason = said + "; no location is declared for " + h->activity + " of " + Join(allowed.uncovered);
  } else if (allowed.countries.Contains(h->country)) {
    h->placement = Placement::kInside;
    h->reason = said + ": " + h->activity + " inside " + Join(allowed.locations);
  } else {
    h->placement = Placement::kOutside;
    h->reason = said + ": " + h->activity + " outside " + Join(allowed.locations);
  }
}

void ApplyPlausibility(Plausibility p, AddressObservation* obs) {
  std::vector<std::string> ruled_out;
  for (const ClaimCheck& c : p.claims) {
    if (c.verdict == ClaimVerdict::kContradiction) ruled_out.push_back(c.country);
  }
  if (!ruled_out.empty()) {
    char bound[160];
    std::snprintf(bound, sizeof bound, "a %.2f ms TCP connect from the vantage (%.4f, %.4f) puts it within %.0f km",
                  p.min_rtt_ms, p.vantage.latitude, p.vantage.longitude, p.radius_km + p.margin_km);
    obs->placement = Placement::kUnknown;
    obs->reason = "the speed of light rules out " + Join(ruled_out) + ": " + bound + " (" + obs->reason + ")";
  } else if (p.area == AreaVerdict::kInsideAllowed) {
    obs->notes.push_back("the speed of light keeps it inside the allowed locations: every country within " +
                         std::to_string(static_cast<long>(p.radius_km + p.margin_km)) + " km of the vantage is allowed");
  }
  obs->plausibility = std::move(p);
}

Verdict EndpointVerdict(const EndpointResult& r) {
  for (const HeaderObservation& h : r.headers) {
    if (h.placement == Placement::kOutside) return Verdict::kFail;
  }
  bool unknown = r.resolution.status != ResolveStatus::kOk || r.observed.empty();
  for (const AddressObservation& o : r.observed) {
    if (o.placement == Placement::kOutside) return Verdict::kFail;
    unknown |= o.placement == Placement::kUnknown;
  }
  return unknown ? Verdict::kUnverified : Verdict::kPass;
}

std::vector<Finding> CheckObservations(const CheckInputs& in, const Profile& profile) {
  MeasuredChecks checks(in.manifest, in.graph, in.jurisdictions, in.operators, profile);
  checks.Add(in.endpoints, in.results);
  Findings out;
  checks.Finish(&out);
  return std::vector<Finding>(out.begin(), out.end());
}

}  // namespace residency
