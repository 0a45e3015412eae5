// Fuzz target: location expressions ("DE", "EU", "aws:eu-central-1") and country codes.
// A location that parses must parse again from its canonical text to the same countries.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "jurisdiction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const residency::Jurisdictions& j = residency::fuzz::SourceJurisdictions();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<residency::Location> loc = j.ParseLocation(text, &error);
  if (!loc) {
    if (error.empty()) std::abort();  // a failure must say why
  } else {
    if (loc->countries.Empty()) std::abort();
    std::string again_error;
    std::optional<residency::Location> again = j.ParseLocation(loc->text, &again_error);
    if (!again || again->countries != loc->countries) std::abort();
  }
  std::string country_error;
  if (!j.CheckCountry(text, &country_error) && country_error.empty()) std::abort();
  (void)j.GroupsOf(text);
  (void)j.TerritoryOf(text);
  (void)residency::CountrySet::Index(text);
  return 0;
}
