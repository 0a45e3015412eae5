// Files compiled into the binary at build time (cmake/embed.cmake): the manifest JSON
// Schema and the built-in requirement profiles. The tree keeps them as readable files;
// the binary carries a copy so that it works wherever it is installed.
#ifndef RESIDENCY_EMBEDDED_H_
#define RESIDENCY_EMBEDDED_H_

#include <string_view>
#include <vector>

namespace residency {

struct EmbeddedFile {
  std::string_view path;  // relative to the source tree, e.g. "manifests/profiles/eucs-high.json"
  std::string_view data;  // static storage: valid for the life of the program
};

const std::vector<EmbeddedFile>& EmbeddedFiles();

// The data of the embedded file at `path`, or an empty view when there is none.
std::string_view FindEmbedded(std::string_view path);

}  // namespace residency

#endif  // RESIDENCY_EMBEDDED_H_
