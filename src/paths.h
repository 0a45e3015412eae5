// Where residency finds its data. The geodb directory is, in order: the --geodb flag, the
// RESIDENCY_GEODB environment variable, geodb/ beside the binary's parent (build/residency
// -> geodb/), and the source tree's geodb/ the binary was built from.
#ifndef RESIDENCY_PATHS_H_
#define RESIDENCY_PATHS_H_

#include <string>

#include "status.h"

namespace residency {

// Sets *dir to the geodb directory to use. Fails with kNotFound, naming every place
// tried, when none exists; a --geodb that is not a directory is an error of its own.
Status ResolveGeodbDir(const std::string& flag, std::string* dir);

// The directory holding the running binary ("" when unknown).
std::string ExecutableDir();

}  // namespace residency

#endif  // RESIDENCY_PATHS_H_
