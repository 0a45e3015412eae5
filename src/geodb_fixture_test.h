// Test fixture: the project's own geodb/ data (countries, groups, regions, operators),
// loaded once per test binary. Tests run with the project root as working directory.
#ifndef RESIDENCY_GEODB_FIXTURE_TEST_H_
#define RESIDENCY_GEODB_FIXTURE_TEST_H_

#include <doctest/doctest.h>

#include "jurisdiction.h"
#include "operators.h"

namespace residency {

inline const Jurisdictions& TestJurisdictions() {
  static const Jurisdictions* j = [] {
    auto* out = new Jurisdictions;
    Status s = Jurisdictions::Load("geodb", out);
    REQUIRE_MESSAGE(s.ok(), s.message());
    return out;
  }();
  return *j;
}

inline const Operators& TestOperators() {
  static const Operators* o = [] {
    auto* out = new Operators;
    Status s = Operators::Load("geodb", out);
    REQUIRE_MESSAGE(s.ok(), s.message());
    return out;
  }();
  return *o;
}

}  // namespace residency

#endif  // RESIDENCY_GEODB_FIXTURE_TEST_H_
