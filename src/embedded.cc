#include "embedded.h"

namespace residency {

std::string_view FindEmbedded(std::string_view path) {
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path == path) return f.data;
  }
  return {};
}

}  // namespace residency
