#include "lint.h"
#include "text_util.h"

#include <algorithm>
#include <map>
#include <set>

#include "declarations.h"

namespace residency {
namespace {

bool Selects(const std::vector<Activity>& activities, Activity a) {
  return activities.empty() || std::find(activities.begin(), activities.end(), a) != activities.end();
}

bool Selects(const std::vector<std::string>& categories, const std::string& c) {
  return categories.empty() || std::find(categories.begin(), categories.end(), c) != categories.end();
}

class Linter {
 public:
  Linter(const Manifest& m, const ServiceGraph& g, const Jurisdictions& j) : m_(m), g_(g), j_(j) {}

  void Run(const CheckRule& rule);
  std::vector<Finding> TakeFindings() { return std::move(findings_); }

 private:
  void Add(const CheckRule& rule, std::string subject, std::vector<std::string> path, std::string message,
           SourceRef ref) {
    findings_.push_back(Finding{rule.check, rule.status, std::move(subject), rule.requirements, std::move(path),
                                std::move(message), std::move(ref)});
  }
  std::vector<std::string> NodePath(size_t node) const {
    for (std::string_view c : kBuiltinCategories) {
      if (auto p = g_.PathTo(node, std::string(c)); !p.empty()) return p;
    }
    return {m_.nodes[node].id};
  }
  // Every (activity, category) that something in the manifest uses: endpoints and
  // declarations both.
  bool Uses(Activity a, const std::string& category) const;
  std::string CountryText(const std::string& code) const {
    std::string name = j_.CountryName(code);
    return name.empty() ? code : code + " (" + name + ")";
  }

  void UndisclosedUse(const CheckRule& rule);
  void UndeclaredFlow(const CheckRule& rule);
  void DeclaredRegionOutside(const CheckRule& rule);
  void ActivityUndeclared(const CheckRule& rule);
  void CategoryUndeclared(const CheckRule& rule);
  void SupportOperationsMissing(const CheckRule& rule);
  void BackupUndeclared(const CheckRule& rule);
  void BackupSameSite(const CheckRule& rule);
  void SubserviceLocations(const CheckRule& rule);
  void SubserviceCertification(const CheckRule& rule);
  void SubserviceWithoutEndpoints(const CheckRule& rule);
  void CoarseLocation(const CheckRule& rule);
  void LocationsOutside(const CheckRule& rule);
  void JurisdictionExposure(const CheckRule& rule);
  void ParentCountryUndeclared(const CheckRule& rule);
  void ApplicableLawUndeclared(const CheckRule& rule);

  const Manifest& m_;
  const ServiceGraph& g_;
  const Jurisdictions& j_;
  std::vector<Finding> findings_;
};

bool Linter::Uses(Activity a, const std::string& category) const {
  for (const Node& n : m_.nodes) {
    for (const Endpoint& e : n.endpoints) {
      if (e.activity == a && std::find(e.data.begin(), e.data.end(), category) != e.data.end()) return true;
    }
  }
  return IsDeclared(m_, a, category);
}

void Linter::UndisclosedUse(const CheckRule& rule) {
  for (const Node& n : m_.nodes) {
    for (const Endpoint& e : n.endpoints) {
      for (const std::string& c : e.data) {
        if (IsDeclared(m_, e.activity, c)) continue;
        std::string id = m_.QualifiedId(e);
        Add(rule, id, g_.EndpointPath(e),
            "endpoint " + id + " does " + std::string(ActivityName(e.activity)) + " of " + c +
                " data, but no declaration in declared_locations covers (" + std::string(ActivityName(e.activity)) +
                ", " + c + "): an undisclosed use",
            e.Ref());
      }
    }
  }
}

void Linter::UndeclaredFlow(const CheckRule& rule) {
  for (size_t i = 1; i < m_.nodes.size(); ++i) {
    for (const Endpoint& e : m_.nodes[i].endpoints) {
      for (const std::string& c : e.data) {
        if (g_.Reaches(i, c)) continue;
        std::string id = m_.QualifiedId(e);
        Add(rule, id, {m_.nodes[i].id, id},
            "endpoint " + id + " handles " + c + " data, but no flow carries " + c + " from " +
                m_.service().id + " to " + m_.nodes[i].id,
            e.Ref());
      }
    }
  }
}

void Linter::DeclaredRegionOutside(const CheckRule& rule) {
  for (const Node& n : m_.nodes) {
    for (const Endpoint& e : n.endpoints) {
      if (!e.declared_region) continue;
      Allowed allowed = AllowedFor(m_, e.activity, e.data);
      if (!allowed.uncovered.empty()) continue;  // undisclosed-use says it
      if (e.declared_region->countries.IsSubsetOf(allowed.countries)) continue;
      std::string id = m_.QualifiedId(e);
      Add(rule, id, g_.EndpointPath(e),
          "endpoint " + id + " is declared in " + e.declared_region->text +
              (e.declared_region->kind == Location::Kind::kCountry ? "" : " (" + Join(e.declared_region->countries.Codes()) + ")") +
              ", outside the locations declared for " +
              std::string(ActivityName(e.activity)) + " of " + Join(e.data) + ": " + Join(allowed.locations),
          e.Ref());
    }
  }
}

void Linter::ActivityUndeclared(const CheckRule& rule) {
  for (Activity a : rule.activities) {
    bool declared = std::any_of(m_.declarations.begin(), m_.declarations.end(),
                                [&](const Declaration& d) { return d.activity == a; });
    if (declared) continue;
    Add(rule, m_.service().id, {m_.service().id},
        "no declaration says where " + std::string(ActivityName(a)) + " is done from", m_.declarations_ref);
  }
}

void Linter::CategoryUndeclared(const CheckRule& rule) {
  for (const std::string& c : rule.categories) {
    bool declared = std::any_of(m_.declarations.begin(), m_.declarations.end(), [&](const Declaration& d) {
      return Selects(rule.activities, d.activity) && std::find(d.data.begin(), d.data.end(), c) != d.data.end();
    });
    if (declared) continue;
    Add(rule, m_.service().id, {m_.service().id},
        "no declaration says where " + c + " data is " +
            (rule.activities.empty() ? std::string("stored or processed") : "handled"),
        m_.declarations_ref);
  }
}

void Linter::SupportOperationsMissing(const CheckRule& rule) {
  for (const Declaration& d : m_.declarations) {
    if (d.activity != Activity::kSupport || !d.operations.empty()) continue;
    std::vector<std::string> where;
    for (const Location& l : d.locations) where.push_back(l.text);
    Add(rule, d.ref.pointer, {m_.service().id},
        "support declared from " + Join(where) + " without \"operations\": which operations each support "
        "location may perform must be disclosed",
        d.ref);
  }
}

void Linter::BackupUndeclared(const CheckRule& rule) {
  std::vector<std::string> categories = rule.categories;
  if (categories.empty()) categories.assign(std::begin(kBuiltinCategories), std::end(kBuiltinCategories));
  for (const std::string& c : categories) {
    if (!Uses(Activity::kStorage, c) || IsDeclared(m_, Activity::kBackup, c)) continue;
    Add(rule, m_.service().id, {m_.service().id},
        c + " data is stored, but no backup declaration says where its backups are", m_.declarations_ref);
  }
}

void Linter::BackupSameSite(const CheckRule& rule) {
  // Only provider regions identify a site; two declarations of the same country do not
  // say the backup is in the same building.
  for (std::string_view category : kBuiltinCategories) {
    std::string c(category);
    Allowed storage = AllowedFor(m_, Activity::kStorage, {c});
    Allowed backup = AllowedFor(m_, Activity::kBackup, {c});
    if (!storage.uncovered.empty() || !backup.uncovered.empty()) continue;
    bool all_regions = true;
    std::set<std::string> storage_sites, backup_sites;
    for (const Declaration* d : storage.declarations) {
      for (const Location& l : d->locations) {
        all_regions &= l.kind == Location::Kind::kRegion;
        storage_sites.insert(l.text);
      }
    }
    for (const Declaration* d : backup.declarations) {
      for (const Location& l : d->locations) {
        all_regions &= l.kind == Location::Kind::kRegion;
        backup_sites.insert(l.text);
      }
    }
    if (!all_regions || backup_sites != storage_sites) continue;
    std::vector<std::string> sites(backup_sites.begin(), backup_sites.end());
    Add(rule, m_.service().id, {m_.service().id},
        "backups of " + c + " data are declared only in the regions of its primary storage (" + Join(sites) +
            "): a remote backup location is expected",
        backup.declarations.front()->ref);
  }
}

void Linter::SubserviceLocations(const CheckRule& rule) {
  for (size_t i = 1; i < m_.nodes.size(); ++i) {
    const Node& n = m_.nodes[i];
    if (!n.declared_regions.empty()) continue;
    bool every_endpoint = !n.endpoints.empty() && std::all_of(n.endpoints.begin(), n.endpoints.end(),
                                                              [](const Endpoint& e) { return e.declared_region.has_value(); });
    if (every_endpoint) continue;
    Add(rule, n.id, NodePath(i),
        "subservice " + n.id + " (" + n.entity.legal_name + ") has no declared_regions: the supplier directory "
        "must say where it processes and stores data",
        n.ref);
  }
}

void Linter::SubserviceCertification(const CheckRule& rule) {
  for (size_t i = 1; i < m_.nodes.size(); ++i) {
    const Node& n = m_.nodes[i];
    if (!n.certifications.empty()) continue;
    Add(rule, n.id, NodePath(i),
        "subservice " + n.id + " lists no certifications: no proof of compliance is disclosed", n.ref);
  }
}

void Linter::SubserviceWithoutEndpoints(const CheckRule& rule) {
  for (size_t i = 1; i < m_.nodes.size(); ++i) {
    const Node& n = m_.nodes[i];
    if (!n.endpoints.empty()) continue;
    Add(rule, n.id, NodePath(i),
        "subservice " + n.id + " has no endpoints: where it runs cannot be measured", n.ref);
  }
}

void Linter::CoarseLocation(const CheckRule& rule) {
  for (const Declaration& d : m_.declarations) {
    for (size_t k = 0; k < d.locations.size(); ++k) {
      const Location& l = d.locations[k];
      if (l.kind != Location::Kind::kGroup || l.text != "ADEQUATE") continue;
      std::vector<std::string> scoped;
      for (const std::string& code : l.countries.Codes()) {
        if (const AdequacyDecision* a = j_.Adequacy(code); a && !a->scope.empty()) {
          scoped.push_back(code + ": " + a->scope);
        }
      }
      Add(rule, d.ref.pointer, {m_.service().id},
          "\"ADEQUATE\" names no country: the customer cannot tell where " + std::string(ActivityName(d.activity)) +
              " of " + Join(d.data) + " happens; some decisions are limited in scope (" + Join(scoped, "; ") +
              "), which residency reports but does not apply",
          SourceRef{d.ref.pointer + "/locations/" + std::to_string(k), d.ref.pos});
    }
  }
}

void Linter::LocationsOutside(const CheckRule& rule) {
  std::string error;
  auto within = j_.ParseLocation(rule.within.empty() ? "EU" : rule.within, &error);
  if (!within) return;  // the profile loader checked it
  for (const Declaration& d : m_.declarations) {
    if (!Selects(rule.activities, d.activity)) continue;
    std::vector<std::string> selected;
    for (const std::string& c : d.data) {
      if (Selects(rule.categories, c)) selected.push_back(c);
    }
    if (selected.empty()) continue;
    for (size_t k = 0; k < d.locations.size(); ++k) {
      const Location& l = d.locations[k];
      if (l.countries.IsSubsetOf(within->countries)) continue;
      std::vector<std::string> outside;
      for (const std::string& code : l.countries.Codes()) {
        if (!within->countries.Contains(code)) outside.push_back(code);
      }
      Add(rule, d.ref.pointer, {m_.service().id},
          std::string(ActivityName(d.activity)) + " of " + Join(selected) + " is declared in " + l.text +
              ", which lies outside " + within->text + (l.kind == Location::Kind::kCountry ? "" : " (" + Join(outside) + ")"),
          SourceRef{d.ref.pointer + "/locations/" + std::to_string(k), d.ref.pos});
    }
  }
}

void Linter::JurisdictionExposure(const CheckRule& rule) {
  std::string error;
  auto within = j_.ParseLocation(rule.within.empty() ? "EEA" : rule.within, &error);
  if (!within) return;
  for (size_t i = 0; i < m_.nodes.size(); ++i) {
    const Entity& e = m_.nodes[i].entity;
    std::vector<std::string> facts;
    if (!within->countries.Contains(e.country)) facts.push_back("registered in " + CountryText(e.country));
    if (!e.parent_country.empty() && !within->countries.Contains(e.parent_country)) {
      facts.push_back(e.parent_country == e.country ? "owned from there"
                                                    : "ultimately owned from " + CountryText(e.parent_country));
    }
    if (facts.empty()) continue;
    Add(rule, m_.nodes[i].id, NodePath(i),
        std::string("the ") + (i == 0 ? "provider" : "operator") + " of " + m_.nodes[i].id + ", " + e.legal_name +
            ", is " + Join(facts, " and ") + ", outside " + within->text +
            ": that law may give authorities there access to the data",
        e.ref);
  }
}

void Linter::ParentCountryUndeclared(const CheckRule& rule) {
  for (size_t i = 0; i < m_.nodes.size(); ++i) {
    const Node& n = m_.nodes[i];
    if (!n.entity.parent_country.empty()) continue;
    Add(rule, n.id, NodePath(i),
        std::string("the ") + (i == 0 ? "provider" : "operator") + " of " + n.id + ", " + n.entity.legal_name +
            ", has no parent_country: the country of the ultimate parent must be disclosed (the same as "
            "\"country\" when there is no parent)",
        n.entity.ref);
  }
}

void Linter::ApplicableLawUndeclared(const CheckRule& rule) {
  if (!m_.applicable_law.empty()) return;
  Add(rule, m_.service().id, {m_.service().id}, "service.applicable_law is not declared: the law governing the "
      "contract must be stated", m_.service().ref);
}

void Linter::Run(const CheckRule& rule) {
  using Fn = void (Linter::*)(const CheckRule&);
  static const std::map<std::string, Fn> kChecks = {
      {"undisclosed-use", &Linter::UndisclosedUse},
      {"undeclared-flow", &Linter::UndeclaredFlow},
      {"declared-region-outside", &Linter::DeclaredRegionOutside},
      {"activity-undeclared", &Linter::ActivityUndeclared},
      {"category-undeclared", &Linter::CategoryUndeclared},
      {"support-operations-missing", &Linter::SupportOperationsMissing},
      {"backup-undeclared", &Linter::BackupUndeclared},
      {"backup-same-site", &Linter::BackupSameSite},
      {"subservice-locations-undeclared", &Linter::SubserviceLocations},
      {"subservice-certification-missing", &Linter::SubserviceCertification},
      {"subservice-without-endpoints", &Linter::SubserviceWithoutEndpoints},
      {"coarse-location", &Linter::CoarseLocation},
      {"locations-outside", &Linter::LocationsOutside},
      {"jurisdiction-exposure", &Linter::JurisdictionExposure},
      {"parent-country-undeclared", &Linter::ParentCountryUndeclared},
      {"applicable-law-undeclared", &Linter::ApplicableLawUndeclared},
  };
  auto it = kChecks.find(rule.check);
  if (it != kChecks.end()) (this->*(it->second))(rule);
}

}  // namespace

std::vector<Finding> Lint(const Manifest& manifest, const ServiceGraph& graph, const Jurisdictions& jurisdictions,
                          const Profile& profile) {
  Linter linter(manifest, graph, jurisdictions);
  for (const CheckRule& rule : profile.rules) linter.Run(rule);
  return linter.TakeFindings();
}

}  // namespace residency
