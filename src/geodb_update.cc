// Placeholder until this command is implemented: says so and exits with code 2.
#include "commands.h"

namespace residency {

int RunGeodbUpdate(const GeodbUpdateOptions&, std::ostream&, std::ostream& err) {
  err << "residency: this command is not implemented yet\n";
  return kExitError;
}

}  // namespace residency
