// Profile: a requirement profile as data. It says which checks run, with which status
// (fail, warn, info) and which requirement ids a finding of that check cites. The built-in
// profiles (manifests/profiles/*.json, embedded in the binary) are eucs-basic,
// eucs-substantial, eucs-high, c5-2026, secnumcloud-3.2 and eu-sovereignty; a user writes
// an extension profile as a file ("extends" a built-in one, adds or overrides rules) and
// passes its path with --profile. docs/profiles.md describes the format and every check.
#ifndef RESIDENCY_PROFILE_H_
#define RESIDENCY_PROFILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "diagnostic.h"
#include "finding.h"
#include "manifest.h"

namespace residency {

struct CheckRule {
  std::string check;                      // a name from KnownChecks()
  FindingStatus status = FindingStatus::kFail;
  std::vector<std::string> requirements;
  // Parameters; which a check reads is in docs/profiles.md.
  std::vector<Activity> activities;       // empty: all
  std::vector<std::string> categories;    // empty: all (or the check's default)
  std::string within;                     // a location expression ("EU") for location checks
  SourceRef ref;                          // where the rule is written
};

struct Profile {
  std::string name;
  std::string title;
  std::string scheme;
  std::string source;  // the document the requirement ids come from
  std::vector<CheckRule> rules;

  std::vector<const CheckRule*> RulesFor(std::string_view check) const;
};

// Every check a profile may name, in the order they are documented.
const std::vector<std::string>& KnownChecks();
std::vector<std::string> BuiltinProfileNames();
// "eucs-" + assurance level.
std::string DefaultProfileName(std::string_view assurance_level);

// Loads a built-in profile by name, or else the profile file at that path. A user file
// may say "extends": NAME (a built-in); its rules then replace the built-in rules of the
// same check and add the others. Errors are located diagnostics.
bool LoadProfile(const std::string& name_or_path, const Jurisdictions& jurisdictions, Profile* profile,
                 Diagnostic* error);

}  // namespace residency

#endif  // RESIDENCY_PROFILE_H_
